import SoTayCore
import SoTayWire

/// What can go wrong when the commune's admin works on the hub, said so they can act on it.
public enum HubError: Error, Sendable, LocalizedMessage {
    case cannotCreateFolder(path: String)
    case cannotOpen(path: String)
    case notADatabase(path: String)
    case newerSchema(path: String)
    case diskFull
    case busy
    case keyUnreadable(path: String)
    case signingKeyExposed(path: String, mode: String)
    case volunteerNotFound(String)
    case ambiguousVolunteer(String)
    case deviceNotFound(String)
    case staffNotFound(String, role: HubRole)
    case invalidDate(String)
    case blobMissing(String)
    case dossierNotFound(String)
    case ambiguousDossier(String, matches: Int)
    case reasonRequired(DossierStatus)
    case invalidText(field: String)
    case tlsUnreadable(certificate: String, key: String)
    case unexpected(String)
    /// The data key, or data sealed with it (`HubSealingError`).
    case sealing(HubSealingError)
    case blobNotFound(String)
    /// The data folder's disk: full, read-only, not writable.
    case storage(StorageFault)
    /// `--database` / `SOTAY_HUB_DATABASE` is not a `postgres://` URL.
    case invalidDatabaseURL
    /// `communes add` on a SQLite hub, which is one commune.
    case singleCommune
    /// `officers add --commune NAME` for a commune the hub does not have.
    case communeNotFound(String)
    /// An officer on a hub of several communes must belong to one; an admin belongs to none.
    case communeForOfficersOnly
    case officerNeedsCommune
    /// A province reader on a SQLite hub, which is one commune.
    case provinceNeedsPostgres

    public func message(_ language: Language) -> String {
        switch self {
        case .cannotCreateFolder(let path):
            pick(language, vi: "Không tạo được thư mục dữ liệu \(path). Kiểm tra quyền ghi hoặc chọn thư mục khác bằng --data.",
                 en: "Cannot create the data folder \(path). Check write permission or choose another with --data.")
        case .singleCommune:
            pick(language, vi: "Máy chủ SQLite là máy chủ của một xã (xã của các tình nguyện viên). Máy chủ cho nhiều xã chạy trên PostgreSQL: --database postgres://…",
                 en: "A SQLite hub serves one commune (its volunteers'). A hub for several communes runs on PostgreSQL: --database postgres://…")
        case .communeNotFound(let name):
            pick(language, vi: "Máy chủ chưa có xã \"\(name)\". Xem danh sách: sotay-hub communes list; thêm: sotay-hub communes add \"\(name)\"",
                 en: "The hub has no commune \"\(name)\". See them: sotay-hub communes list; add it: sotay-hub communes add \"\(name)\"")
        case .provinceNeedsPostgres:
            pick(language, vi: "Máy chủ SQLite là máy chủ của một xã: không có số liệu tỉnh để đọc. Người đọc báo cáo tỉnh dùng máy chủ PostgreSQL: --database postgres://…",
                 en: "A SQLite hub serves one commune: there are no province figures to read. A province reader needs a PostgreSQL hub: --database postgres://…")
        case .communeForOfficersOnly:
            pick(language, vi: "Chỉ cán bộ xã mới thuộc về một xã (--commune); quản trị viên quản lý cả máy chủ. Bỏ --commune.",
                 en: "Only an officer belongs to a commune (--commune); an admin manages the whole hub. Leave out --commune.")
        case .officerNeedsCommune:
            pick(language, vi: "Máy chủ này phục vụ nhiều xã: cán bộ phải thuộc một xã. Thêm --commune \"Tên xã\" (xem: sotay-hub communes list).",
                 en: "This hub serves several communes: an officer must belong to one. Add --commune \"Commune name\" (see: sotay-hub communes list).")
        case .invalidDatabaseURL:
            pick(language, vi: "Địa chỉ cơ sở dữ liệu không đúng. Dùng dạng postgres://người-dùng:mật-khẩu@máy:5432/tên-csdl.",
                 en: "The database address is not valid. Use postgres://user:password@host:5432/database.")
        case .cannotOpen(let path):
            pick(language, vi: "Không mở được cơ sở dữ liệu \(path). Kiểm tra quyền đọc ghi.", en: "Cannot open the database \(path). Check read and write permissions.")
        case .notADatabase(let path):
            pick(language, vi: "\(path) không phải cơ sở dữ liệu của máy chủ Sổ Tay, hoặc đã hỏng. Không ghi gì vào đó; khôi phục từ bản sao lưu.",
                 en: "\(path) is not a Sổ Tay hub database, or it is damaged. Nothing was written; restore it from a backup.")
        case .newerSchema(let path):
            pick(language, vi: "Cơ sở dữ liệu \(path) do phiên bản sotay-hub mới hơn tạo ra. Hãy cập nhật sotay-hub.",
                 en: "The database \(path) was made by a newer sotay-hub. Please update sotay-hub.")
        case .diskFull:
            pick(language, vi: "Máy chủ hết chỗ trống trên đĩa. Giải phóng chỗ rồi thử lại; dữ liệu đã có vẫn còn.",
                 en: "The hub's disk is full. Free some space and try again; existing data is kept.")
        case .busy:
            pick(language, vi: "Cơ sở dữ liệu đang bận. Thử lại sau giây lát.", en: "The database is busy. Try again in a moment.")
        case .keyUnreadable(let path):
            pick(language, vi: "Không đọc được khóa ký của máy chủ \(path). Khôi phục tệp này từ bản sao lưu; không tạo khóa mới, vì biên nhận cũ sẽ không kiểm tra được.",
                 en: "Cannot read the hub's signing key \(path). Restore it from a backup; do not make a new one, or old receipts cannot be checked.")
        case .signingKeyExposed(let path, let mode):
            pick(language, vi: "Tệp khóa ký của máy chủ \(path) đang cho người khác đọc được (quyền \(mode)); ai chép được nó có thể ký biên nhận giả. Chạy: chmod 600 \(path) (và xem ai đã có thể chép nó), rồi chạy lại.",
                 en: "The hub's signing key file \(path) is readable by others (mode \(mode)); whoever copied it can sign false receipts. Run: chmod 600 \(path) (and consider who may have copied it), then start again.")
        case .volunteerNotFound(let key):
            pick(language, vi: "Không có tình nguyện viên \"\(key)\". Xem danh sách: sotay-hub volunteers list",
                 en: "There is no volunteer \"\(key)\". See the list: sotay-hub volunteers list")
        case .ambiguousVolunteer(let key):
            pick(language, vi: "Có nhiều tình nguyện viên tên \"\(key)\". Dùng mã số trong: sotay-hub volunteers list",
                 en: "Several volunteers are named \"\(key)\". Use the number from: sotay-hub volunteers list")
        case .deviceNotFound(let key):
            pick(language, vi: "Không có máy nào mã \"\(key)\". Xem danh sách: sotay-hub devices list",
                 en: "There is no device \"\(key)\". See the list: sotay-hub devices list")
        case .staffNotFound(let key, let role):
            role == .admin
                ? pick(language, vi: "Không có quản trị viên nào mã \"\(key)\". Xem danh sách: sotay-hub admins list",
                       en: "There is no admin \"\(key)\". See the list: sotay-hub admins list")
                : pick(language, vi: "Không có cán bộ nào mã \"\(key)\". Xem danh sách: sotay-hub officers list",
                       en: "There is no officer \"\(key)\". See the list: sotay-hub officers list")
        case .invalidDate(let text):
            pick(language, vi: "Ngày \"\(text)\" không đúng. Viết dạng YYYY-MM-DD, ví dụ 2026-11-24.",
                 en: "The date \"\(text)\" is not valid. Write YYYY-MM-DD, e.g. 2026-11-24.")
        case .blobMissing(let sha256):
            pick(language, vi: "Tệp đính kèm \(sha256.prefix(12))… không còn trong thư mục blobs của máy chủ. Khôi phục thư mục dữ liệu từ bản sao lưu.",
                 en: "The attachment \(sha256.prefix(12))… is missing from the hub's blobs folder. Restore the data folder from a backup.")
        case .dossierNotFound(let key):
            pick(language, vi: "Không có hồ sơ nào mã \"\(key)\". Xem danh sách: sotay-hub dossiers list",
                 en: "There is no dossier \"\(key)\". See the list: sotay-hub dossiers list")
        case .ambiguousDossier(let key, let matches):
            pick(language, vi: "Có \(matches) hồ sơ bắt đầu bằng \"\(key)\". Gõ thêm vài ký tự.", en: "\(matches) dossiers start with \"\(key)\". Type a few more characters.")
        case .reasonRequired(let status):
            pick(language, vi: "Trạng thái \"\(status.rawValue)\" cần lý do để tình nguyện viên báo lại người dân: thêm --reason \"…\"",
                 en: "Status \"\(status.rawValue)\" needs a reason the volunteer can pass on: add --reason \"…\"")
        case .invalidText(let field):
            pick(language, vi: "\(field) phải có từ 1 đến 200 ký tự.", en: "\(field) must be 1 to 200 characters.")
        case .tlsUnreadable(let certificate, let key):
            pick(language, vi: "Không đọc được chứng chỉ TLS \(certificate) hoặc khóa \(key) (cần tệp PEM). Kiểm tra đường dẫn và quyền đọc.",
                 en: "Cannot read the TLS certificate \(certificate) or key \(key) (PEM files). Check the paths and read permission.")
        case .unexpected(let detail):
            pick(language, vi: "Lỗi cơ sở dữ liệu (\(detail)). Dữ liệu đã lưu vẫn còn.", en: "Database error (\(detail)). Saved data is kept.")
        case .sealing(let error):
            error.message(language)
        case .storage(let fault):
            storageMessage(fault, language)
        case .blobNotFound(let sha256):
            pick(language, vi: "Máy chủ không có tệp đính kèm \(sha256.prefix(64)). Xem mã tệp bằng: sotay-hub dossiers show MÃ-HỒ-SƠ",
                 en: "The hub holds no attachment \(sha256.prefix(64)). See the file hashes with: sotay-hub dossiers show DOSSIER-ID")
        }
    }

    private func storageMessage(_ fault: StorageFault, _ language: Language) -> String {
        switch fault.kind {
        case .full:
            pick(language, vi: "Ổ đĩa đầy: không ghi được \(fault.path). Giải phóng chỗ trống trên ổ đĩa của thư mục dữ liệu rồi chạy lại; dữ liệu đã có vẫn còn.",
                 en: "Disk full: cannot write \(fault.path). Free space on the data folder's disk, then start again; existing data is kept.")
        case .readOnly:
            pick(language, vi: "Thư mục dữ liệu chỉ đọc (ổ đĩa gắn chế độ read-only): không ghi được \(fault.path). Gắn lại ổ đĩa cho phép ghi, hoặc chọn thư mục khác bằng --data.",
                 en: "The data folder is read-only (its disk is mounted read-only): cannot write \(fault.path). Remount it writable, or choose another folder with --data.")
        case .permissionDenied:
            pick(language, vi: "Không có quyền ghi \(fault.path). Cho người dùng chạy sotay-hub quyền ghi thư mục dữ liệu, hoặc chọn thư mục khác bằng --data.",
                 en: "Permission denied writing \(fault.path). Give the user running sotay-hub write permission on the data folder, or choose another with --data.")
        case .ioError:
            pick(language, vi: "Lỗi đọc ghi ổ đĩa tại \(fault.path) (\(fault.detail)). Kiểm tra ổ đĩa; dữ liệu đã có vẫn còn.",
                 en: "Disk input/output error at \(fault.path) (\(fault.detail)). Check the disk; existing data is kept.")
        }
    }
}
