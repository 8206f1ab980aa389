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
        case .unexpected(let detail):
            pick(language, vi: "Lỗi khi đọc ghi sổ dữ liệu (\(detail)). Dữ liệu đã lưu trước đó vẫn còn.",
                 en: "Error while reading or writing the data file (\(detail)). Data saved earlier is kept.")
        }
    }
}
