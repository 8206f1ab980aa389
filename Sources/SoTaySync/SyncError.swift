import Foundation
import SoTayCore
import SoTayStore
import SoTayWire

/// What can go wrong while talking to the commune hub, said so the volunteer knows what to do.
/// Nothing here ever loses data: the outbox keeps everything until the hub confirms it.
public enum SyncError: Error, Sendable, LocalizedMessage {
    case invalidAddress(String)
    case insecureAddress(String)
    case notEnrolled
    case unreachable(host: String)
    case timedOut(host: String)
    case untrustedCertificate(host: String)
    case notTheHub(host: String, status: Int)
    /// The reply was a redirect (the protocol has none): a network that wants a login first.
    /// It was not followed, so the token went nowhere else.
    case redirected(host: String, to: String?)
    case unauthorized
    case refused(status: Int, body: ErrorBody)
    case rateLimited(retryAfter: Int?)
    case hubFailed(status: Int)
    /// The hub's own disk failed it (`storage_full`, `storage_unwritable`): nothing was stored,
    /// and trying again in a moment will not help; the commune's IT person must act.
    case hubStorage(full: Bool)
    case badReceipt(dossier: String)
    /// The hub does not hold these blobs a dossier names (upload them, then resend).
    case missingBlobs([String])
    /// A blob file of an attachment is gone or unreadable on this laptop.
    case attachmentUnreadable(sha256: String)
    case store(StoreError)
    /// Another `sotay sync` (another window, the home menu, a timer) is syncing this data folder.
    case syncInProgress(pid: Int32?)
    /// The lock file of the data folder cannot be made (the folder is not writable).
    case syncLockUnavailable(path: String)

    /// Worth trying again in a moment (the link may come back); the others need a person.
    public var isTransient: Bool {
        switch self {
        case .unreachable, .timedOut, .rateLimited, .hubFailed: true
        default: false
        }
    }

    /// The hub's error body says its disk failed it.
    static func storageFailure(_ code: ErrorCode) -> SyncError? {
        switch code {
        case .storageFull: .hubStorage(full: true)
        case .storageUnwritable: .hubStorage(full: false)
        default: nil
        }
    }

    /// The hub has no `POST /v1/dossiers` (one from before batches): 404 or 405, with the
    /// protocol's header or without it (a route the router does not know).
    var meansNoBatches: Bool {
        switch self {
        case .notTheHub(_, let status), .refused(let status, _): status == 404 || status == 405
        default: false
        }
    }

    /// A dossier that meets this is set aside with the reason, and the others go on.
    var parksDossier: Bool {
        switch self {
        case .attachmentUnreadable, .missingBlobs: true
        default: false
        }
    }

    public func message(_ language: Language) -> String {
        let kept = pick(language, vi: " Hồ sơ vẫn được lưu trên máy; chạy lại `sotay sync` khi có mạng.",
                        en: " Everything is still saved on this laptop; run `sotay sync` again when there is a connection.")
        switch self {
        case .invalidAddress(let text):
            return pick(language, vi: "Địa chỉ máy chủ \"\(text)\" không hợp lệ. Dạng đúng: https://may-chu-xa.vn hoặc http://127.0.0.1:8080",
                        en: "The hub address \"\(text)\" is not valid. It looks like https://hub.example.vn or http://127.0.0.1:8080")
        case .insecureAddress(let text):
            return pick(language, vi: "\(text) dùng http không mã hóa qua mạng: dữ liệu người dân có thể bị nghe lén. Dùng https, hoặc nếu cán bộ kỹ thuật xã xác nhận mạng nội bộ an toàn, thêm --allow-insecure.",
                        en: "\(text) uses unencrypted http over the network: residents' data could be overheard. Use https, or add --allow-insecure if the commune's IT person confirms the local network is safe.")
        case .notEnrolled:
            return pick(language, vi: "Máy này chưa ghi danh với máy chủ xã. Xin cán bộ xã mã ghi danh rồi chạy: sotay enroll ĐỊA-CHỈ MÃ",
                        en: "This laptop is not enrolled with the commune hub. Ask the commune for an enrolment code, then run: sotay enroll ADDRESS CODE")
        case .unreachable(let host):
            return pick(language, vi: "Không kết nối được máy chủ xã (\(host)).", en: "Cannot reach the commune hub (\(host)).") + kept
        case .timedOut(let host):
            return pick(language, vi: "Máy chủ xã (\(host)) không trả lời kịp; mạng có thể quá yếu.", en: "The commune hub (\(host)) did not answer in time; the connection may be too weak.") + kept
        case .untrustedCertificate(let host):
            return pick(language, vi: "Không kiểm tra được chứng chỉ https của \(host): có thể là máy giả mạo, hoặc xã dùng chứng chỉ tự ký chưa được cài vào máy này. Báo cán bộ kỹ thuật xã; chưa gửi gì.",
                        en: "Cannot verify the https certificate of \(host): it may be an impostor, or the commune uses a self-signed certificate not installed on this laptop. Tell the commune's IT person; nothing was sent.")
        case .notTheHub(let host, _):
            return pick(language, vi: "Câu trả lời từ \(host) không phải của máy chủ Sổ Tay: mạng này có thể cần đăng nhập trước (trang đăng nhập Wi-Fi). Mở trình duyệt, đăng nhập mạng, rồi chạy lại `sotay sync`. Chưa có gì bị coi là đã gửi.",
                        en: "The reply from \(host) did not come from a Sổ Tay hub: this network may need a login first (a Wi-Fi login page). Open a browser, log in to the network, then run `sotay sync` again. Nothing was taken as sent.")
        case .redirected(let host, let target):
            let elsewhere = target.map { pick(language, vi: " sang \($0)", en: " to \($0)") } ?? ""
            return pick(language, vi: "Mạng này cần đăng nhập trước: \(host) chuyển hướng\(elsewhere) thay vì trả lời như máy chủ Sổ Tay. Sổ Tay không đi theo và không gửi mã truy cập đi đâu khác. Mở trình duyệt, đăng nhập mạng (Wi-Fi), rồi chạy lại `sotay sync`. Hồ sơ vẫn được lưu trên máy.",
                        en: "This network needs a login first: \(host) redirected\(elsewhere) instead of answering as a Sổ Tay hub. Sổ Tay did not follow it and sent its token nowhere else. Open a browser, log in to the network (Wi-Fi), then run `sotay sync` again. Everything is still saved on this laptop.")
        case .unauthorized:
            return pick(language, vi: "Máy chủ xã không nhận mã truy cập của máy này (máy đã bị thu hồi?). Xin cán bộ xã mã ghi danh mới rồi chạy: sotay enroll ĐỊA-CHỈ MÃ. Hồ sơ vẫn được lưu trên máy.",
                        en: "The commune hub does not accept this laptop's token (was it revoked?). Ask the commune for a new enrolment code and run: sotay enroll ADDRESS CODE. Everything is still saved on this laptop.")
        case .refused(let status, let body):
            return pick(language, vi: "Máy chủ xã từ chối (\(status) \(body.error.rawValue)): \(body.message)", en: "The commune hub refused (\(status) \(body.error.rawValue)): \(body.message)")
        case .rateLimited:
            return pick(language, vi: "Máy chủ xã đang yêu cầu chờ (quá nhiều lần thử). Đợi vài phút rồi thử lại.", en: "The commune hub asks to wait (too many attempts). Wait a few minutes and try again.")
        case .hubFailed(let status):
            return pick(language, vi: "Máy chủ xã gặp lỗi (\(status)).", en: "The commune hub had an error (\(status)).") + kept
        case .hubStorage(let full):
            let cause = full ? pick(language, vi: "đầy ổ đĩa", en: "its disk is full") : pick(language, vi: "không ghi được ổ đĩa", en: "it cannot write to its disk")
            return pick(language, vi: "Máy chủ xã đang lỗi (\(cause)), chưa nhận được gì. Báo cán bộ kỹ thuật xã để sửa máy chủ.",
                        en: "The commune hub has a problem (\(cause)) and took nothing. Tell the commune's IT person so they can fix the hub.") + kept
        case .badReceipt(let dossier):
            return pick(language, vi: "Biên nhận cho hồ sơ \(dossier.prefix(8)) không mang chữ ký của máy chủ đã ghi danh. Hồ sơ chưa được coi là đã gửi; báo cán bộ kỹ thuật xã, có thể cần ghi danh lại.",
                        en: "The receipt for dossier \(dossier.prefix(8)) is not signed by the enrolled hub. The dossier is not taken as sent; tell the commune's IT person, the laptop may need to enrol again.")
        case .missingBlobs(let hashes):
            return pick(language, vi: "Máy chủ xã chưa có \(hashes.count) tệp đính kèm của hồ sơ; Sổ Tay sẽ gửi lại chúng.",
                        en: "The commune hub lacks \(hashes.count) attachment(s) of the dossier; Sổ Tay will send them again.") + kept
        case .attachmentUnreadable(let sha256):
            return pick(language, vi: "Không đọc được tệp đính kèm \(sha256.prefix(8)) trên máy này (tệp bị xóa hoặc hỏng). Đính kèm lại ảnh đó rồi đánh dấu gửi lại hồ sơ.",
                        en: "Cannot read attachment \(sha256.prefix(8)) on this laptop (deleted or damaged). Attach that photo again, then mark the dossier ready again.")
        case .store(let error):
            return error.message(language)
        case .syncInProgress(let pid):
            let holder = pid.map { pick(language, vi: " (tiến trình \($0))", en: " (process \($0))") } ?? ""
            return pick(language, vi: "Đang đồng bộ ở cửa sổ khác\(holder); hai lần đồng bộ cùng lúc sẽ gửi mọi thứ hai lần. Đợi lần kia xong, hoặc chạy `sotay sync --wait` để tự chờ.",
                        en: "A sync is already running in another window\(holder); two at once would send everything twice. Wait for it to finish, or run `sotay sync --wait` to wait for it.")
        case .syncLockUnavailable(let path):
            return pick(language, vi: "Không tạo được tệp khóa \(path): thư mục dữ liệu không ghi được. Kiểm tra quyền ghi thư mục dữ liệu.",
                        en: "Cannot create the lock file \(path): the data folder is not writable. Check write permission on the data folder.")
        }
    }
}
