import SoTayCore

/// What can go wrong with the volunteer's store, said so the volunteer can act on it.
public enum StoreError: Error, Sendable, LocalizedMessage {
    case cannotCreateFolder(path: String)
    case cannotOpen(path: String)
    case notADatabase(path: String)
    case diskFull
    case readOnly(path: String)
    case busy
    case dossierNotFound(String)
    case ambiguousDossier(String, matches: Int)
    case residentNotFound(String)
    case activityNotFound(String)
    case ambiguousActivity(String, matches: Int)
    case activityAlreadyUndone(String)
    case newerSchema(path: String)
    /// Personal data was asked for without the passphrase.
    case locked
    /// No passphrase was ever set (`sotay init` sets it).
    case noPassphrase
    case passphraseAlreadySet
    case wrongPassphrase
    case passphraseTooShort(minimum: Int)
    /// A sealed value does not open: damaged or altered on disk.
    case sealedValueDamaged
    case unexpected(String)

    public func message(_ language: Language) -> String {
        switch self {
        case .cannotCreateFolder(let path):
            pick(language, vi: "Không tạo được thư mục dữ liệu \(path). Kiểm tra quyền ghi, hoặc chọn thư mục khác bằng --data-dir.",
                 en: "Cannot create the data folder \(path). Check write permission, or choose another with --data-dir.")
        case .cannotOpen(let path):
            pick(language, vi: "Không mở được sổ dữ liệu \(path). Kiểm tra quyền đọc ghi của thư mục.",
                 en: "Cannot open the data file \(path). Check the folder's read and write permissions.")
        case .notADatabase(let path):
            pick(language, vi: "Tệp \(path) không phải sổ dữ liệu của Sổ Tay, hoặc đã hỏng. Không ghi gì vào đó; hãy báo cán bộ kỹ thuật của xã.",
                 en: "\(path) is not a Sổ Tay data file, or it is damaged. Nothing was written to it; tell the commune's IT person.")
        case .diskFull:
            pick(language, vi: "Máy hết chỗ trống, không lưu được. Xóa bớt tệp không cần rồi thử lại; câu trả lời trước đó vẫn còn.",
                 en: "The disk is full, nothing could be saved. Free some space and try again; earlier answers are kept.")
        case .readOnly(let path):
            pick(language, vi: "Không ghi được vào \(path) (chỉ đọc). Kiểm tra quyền ghi.",
                 en: "Cannot write to \(path) (read-only). Check write permission.")
        case .busy:
            pick(language, vi: "Sổ dữ liệu đang bận (một cửa sổ Sổ Tay khác đang ghi). Thử lại sau giây lát.",
                 en: "The data file is busy (another Sổ Tay window is writing). Try again in a moment.")
        case .dossierNotFound(let id):
            pick(language, vi: "Không có hồ sơ nháp nào mã \"\(id)\". Xem danh sách bằng: sotay drafts",
                 en: "There is no draft \"\(id)\". See the list with: sotay drafts")
        case .ambiguousDossier(let id, let matches):
            pick(language, vi: "Có \(matches) hồ sơ bắt đầu bằng \"\(id)\". Gõ thêm vài ký tự của mã.",
                 en: "\(matches) drafts start with \"\(id)\". Type a few more characters of the id.")
        case .residentNotFound(let id):
            pick(language, vi: "Không có người dân nào mã \"\(id)\" trên máy này.", en: "There is no resident \"\(id)\" on this laptop.")
        case .activityNotFound(let id):
            pick(language, vi: "Không có mục nhật ký nào mã \"\(id)\". Xem danh sách bằng: sotay log list",
                 en: "There is no log entry \"\(id)\". See the list with: sotay log list")
        case .ambiguousActivity(let id, let matches):
            pick(language, vi: "Có \(matches) mục nhật ký bắt đầu bằng \"\(id)\". Gõ thêm vài ký tự của mã.",
                 en: "\(matches) log entries start with \"\(id)\". Type a few more characters of the id.")
        case .activityAlreadyUndone(let id):
            pick(language, vi: "Mục nhật ký \(id) đã được huỷ trước đó; không có gì thay đổi.",
                 en: "Log entry \(id) was already undone; nothing changed.")
        case .newerSchema(let path):
            pick(language, vi: "Sổ dữ liệu \(path) do một phiên bản Sổ Tay mới hơn tạo ra. Hãy cập nhật Sổ Tay.",
                 en: "The data file \(path) was made by a newer Sổ Tay. Please update Sổ Tay.")
        case .locked:
            pick(language, vi: "Thông tin cá nhân của người dân được mã hóa; cần cụm mật khẩu của Sổ Tay. Chạy lệnh trong cửa sổ dòng lệnh (sẽ hỏi mật khẩu) hoặc đặt biến SOTAY_PASSPHRASE.",
                 en: "Residents' personal data is encrypted; Sổ Tay's passphrase is needed. Run the command in a terminal (it will ask) or set SOTAY_PASSPHRASE.")
        case .noPassphrase:
            pick(language, vi: "Sổ Tay trên máy này chưa có cụm mật khẩu bảo vệ dữ liệu người dân. Đặt bằng: sotay init",
                 en: "Sổ Tay on this laptop has no passphrase protecting residents' data yet. Set one with: sotay init")
        case .passphraseAlreadySet:
            pick(language, vi: "Đã có cụm mật khẩu. Muốn đổi thì dùng: sotay passphrase change",
                 en: "A passphrase is already set. To change it: sotay passphrase change")
        case .wrongPassphrase:
            pick(language, vi: "Sai cụm mật khẩu. Không mở được dữ liệu người dân; không có gì thay đổi. Gõ lại (chú ý dấu tiếng Việt và chữ hoa).",
                 en: "Wrong passphrase. Residents' data was not opened; nothing changed. Type it again (mind the Vietnamese tone marks and capitals).")
        case .passphraseTooShort(let minimum):
            pick(language, vi: "Cụm mật khẩu quá ngắn: cần ít nhất \(minimum) ký tự. Nên dùng vài từ dễ nhớ, ví dụ \"cây bàng đầu ngõ nhà tôi\".",
                 en: "The passphrase is too short: at least \(minimum) characters. A few words you remember work well.")
        case .sealedValueDamaged:
            pick(language, vi: "Một mục dữ liệu đã mã hóa bị hỏng hoặc bị sửa, không giải mã được. Không có gì thay đổi; hãy báo cán bộ kỹ thuật của xã.",
                 en: "An encrypted value is damaged or was altered and does not decrypt. Nothing changed; tell the commune's IT person.")
        case .unexpected(let detail):
            pick(language, vi: "Lỗi khi đọc ghi sổ dữ liệu (\(detail)). Dữ liệu đã lưu trước đó vẫn còn.",
                 en: "Error while reading or writing the data file (\(detail)). Data saved earlier is kept.")
        }
    }
}
