import SoTayCore

/// What can go wrong with the hub's data key and the data it seals, said so that the commune's
/// IT person can act on it. None of these messages holds a sealed value.
public enum HubSealingError: Error, Sendable, Hashable, LocalizedMessage {
    /// The database was sealed with a key, and the key file is not there.
    case keyMissing(path: String)
    /// Group or others may read the key file.
    case keyExposed(path: String, mode: String)
    case keyUnreadable(path: String)
    case cannotCreateKey(path: String)
    /// The key file holds another key than the one that sealed the database.
    case wrongKey(path: String)
    /// A sealed value or file failed its authentication: changed, cut short, or moved.
    case damaged(String)

    public func message(_ language: Language) -> String {
        switch self {
        case .keyMissing(let path):
            pick(language, vi: "Không thấy khóa dữ liệu của máy chủ \(path), mà cơ sở dữ liệu đã được mã hóa bằng khóa đó. Khôi phục tệp khóa từ bản sao lưu (hoặc chỉ đúng chỗ bằng --key-file / SOTAY_HUB_KEY_FILE). Không tạo khóa mới: thiếu khóa cũ thì dữ liệu đã mã hóa không đọc được nữa.",
                 en: "The hub's data key \(path) is missing, and the database is sealed with it. Restore the key file from its backup (or point to it with --key-file / SOTAY_HUB_KEY_FILE). No new key was made: without the old one the sealed data cannot be read.")
        case .keyExposed(let path, let mode):
            pick(language, vi: "Tệp khóa dữ liệu \(path) đang cho người khác đọc được (quyền \(mode)). Chạy: chmod 600 \(path) (và xem ai đã có thể chép nó), rồi chạy lại.",
                 en: "The data key file \(path) is readable by others (mode \(mode)). Run: chmod 600 \(path) (and consider who may have copied it), then start again.")
        case .keyUnreadable(let path):
            pick(language, vi: "Không đọc được khóa dữ liệu \(path) (cần một tệp thường, quyền 600, chứa 32 byte dạng base64). Khôi phục tệp từ bản sao lưu.",
                 en: "Cannot read the data key \(path) (a regular file, mode 600, holding 32 bytes in base64). Restore it from its backup.")
        case .cannotCreateKey(let path):
            pick(language, vi: "Không tạo được tệp khóa dữ liệu \(path). Kiểm tra thư mục có tồn tại và ghi được không.",
                 en: "Cannot create the data key file \(path). Check that its folder exists and is writable.")
        case .wrongKey(let path):
            pick(language, vi: "Khóa dữ liệu \(path) không phải khóa đã mã hóa cơ sở dữ liệu này. Không giải mã gì. Dùng đúng tệp khóa (bản sao lưu đi cùng cơ sở dữ liệu này).",
                 en: "The data key \(path) is not the key this database was sealed with. Nothing was decrypted. Use the right key file (the backup that goes with this database).")
        case .damaged(let what):
            pick(language, vi: "Dữ liệu mã hóa của \(what) không khớp khóa: đã bị sửa, bị cắt hoặc bị chép từ chỗ khác. Không hiển thị gì từ đó; khôi phục từ bản sao lưu.",
                 en: "The sealed data of \(what) does not authenticate: it was changed, cut short or copied from elsewhere. Nothing from it is shown; restore it from a backup.")
        }
    }
}
