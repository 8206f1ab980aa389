import SoTayCore
import SoTayWire

/// The console's words, Vietnamese first. Templates read them as `{{t.key}}`.
enum ConsoleText {
    static let table: [String: (vi: String, en: String)] = [
        "app": ("Sổ Tay — Bàn làm việc của xã", "Sổ Tay — Commune console"),
        "skip": ("Bỏ qua, tới nội dung chính", "Skip to main content"),
        "queue": ("Hồ sơ", "Dossiers"),
        "dashboard": ("Tổng quan", "Dashboard"),
        "codes": ("Mã đăng ký máy", "Enrolment codes"),
        "devices": ("Thiết bị", "Devices"),
        "officers": ("Cán bộ", "Officers"),
        "audit": ("Nhật ký truy cập", "Audit log"),
        "signOut": ("Đăng xuất", "Sign out"),
        "signIn": ("Đăng nhập", "Sign in"),
        "signInTitle": ("Đăng nhập bàn làm việc của xã", "Sign in to the commune console"),
        "tokenLabel": ("Mã đăng nhập của cán bộ", "Officer sign-in token"),
        "tokenHelp": ("Mã in ra khi quản trị chạy sotay-hub officers add (bắt đầu bằng sotay_off- hoặc sotay_adm-).",
                      "The token printed by sotay-hub officers add (starts with sotay_off- or sotay_adm-)."),
        "signedInAs": ("Đang đăng nhập:", "Signed in as:"),
        "otherLanguage": ("English", "Tiếng Việt"),
        "filters": ("Lọc hồ sơ", "Filter dossiers"),
        "status": ("Trạng thái", "Status"),
        "village": ("Thôn", "Village"),
        "commune": ("Xã", "Commune"),
        "volunteer": ("Tình nguyện viên", "Volunteer"),
        "procedure": ("Thủ tục", "Procedure"),
        "from": ("Nhận từ ngày", "Received from"),
        "to": ("Đến ngày", "Received until"),
        "any": ("Tất cả", "Any"),
        "apply": ("Lọc", "Filter"),
        "clear": ("Bỏ lọc", "Clear"),
        "received": ("Nhận lúc", "Received"),
        "updated": ("Cập nhật", "Updated"),
        "open": ("Mở", "Open"),
        "next": ("Trang sau", "Next page"),
        "first": ("Trang đầu", "First page"),
        "noDossiers": ("Không có hồ sơ nào khớp.", "No dossier matches."),
        "countsTitle": ("Số hồ sơ theo trạng thái", "Dossiers per status"),
        "dossier": ("Hồ sơ", "Dossier"),
        "resident": ("Người dân", "Resident"),
        "answers": ("Câu trả lời", "Answers"),
        "question": ("Câu hỏi", "Question"),
        "answer": ("Trả lời", "Answer"),
        "papers": ("Giấy tờ", "Papers"),
        "present": ("Đã có", "Present"),
        "missing": ("Còn thiếu", "Missing"),
        "files": ("Ảnh và tệp", "Photos and files"),
        "openFile": ("Mở tệp", "Open file"),
        "revisions": ("Các lần gửi", "Revisions"),
        "revision": ("Lần", "Revision"),
        "changes": ("Thay đổi", "Changes"),
        "firstRevision": ("Lần gửi đầu tiên.", "First revision."),
        "noChange": ("Không đổi câu trả lời nào.", "No answer changed."),
        "receipt": ("Biên nhận", "Receipt"),
        "device": ("Máy", "Device"),
        "actions": ("Cập nhật trạng thái", "Set the status"),
        "newStatus": ("Trạng thái mới", "New status"),
        "reason": ("Lý do (bắt buộc khi cần bổ sung hoặc từ chối; tình nguyện viên đọc cho người dân)",
                   "Reason (required for needs supplement and rejected; the volunteer reads it to the resident)"),
        "portalCode": ("Mã hồ sơ trên Cổng dịch vụ công (khi đã nộp)", "Portal dossier code (when submitted)"),
        "save": ("Lưu trạng thái", "Save status"),
        "saved": ("Đã lưu. Tình nguyện viên sẽ nhận khi đồng bộ.", "Saved. The volunteer gets it at their next sync."),
        "back": ("Về danh sách", "Back to the list"),
        "month": ("Tháng", "Month"),
        "show": ("Xem", "Show"),
        "indicators": ("Chỉ tiêu của tháng", "The month's indicators"),
        "indicator": ("Chỉ tiêu", "Indicator"),
        "value": ("Giá trị", "Value"),
        "perDay": ("Hồ sơ nhận mỗi ngày", "Dossiers received per day"),
        "onlineShare": ("Tỷ lệ nộp trực tuyến", "Online share"),
        "byVillage": ("Hồ sơ theo thôn", "Dossiers by village"),
        "byProcedure": ("Hồ sơ theo thủ tục", "Dossiers by procedure"),
        "backlog": ("Hồ sơ đang chờ: số ngày chờ theo trạng thái", "Backlog: days waiting per status"),
        "average": ("trung bình", "average"),
        "oldest": ("lâu nhất", "oldest"),
        "days": ("ngày", "days"),
        "downloads": ("Tải báo cáo", "Download the report"),
        "announcements": ("Thông báo cho tình nguyện viên", "Announcements to volunteers"),
        "announcement": ("Nội dung thông báo", "Announcement"),
        "send": ("Gửi thông báo", "Send announcement"),
        "sent": ("Đã gửi. Tình nguyện viên nhận khi đồng bộ.", "Sent. Volunteers get it at their next sync."),
        "noData": ("Chưa có số liệu.", "No figures yet."),
        "makeCode": ("Tạo mã đăng ký", "Make an enrolment code"),
        "codeOnce": ("Mã chỉ hiện một lần. Đọc cho tình nguyện viên gõ vào: sotay enroll", "Shown once only. The volunteer types it into: sotay enroll"),
        "expires": ("Hết hạn", "Expires"),
        "name": ("Tên", "Name"),
        "enrolled": ("Đăng ký lúc", "Enrolled"),
        "lastSeen": ("Lần cuối", "Last seen"),
        "revoked": ("Đã thu hồi", "Revoked"),
        "revoke": ("Thu hồi", "Revoke"),
        "active": ("Đang dùng", "Active"),
        "addOfficer": ("Thêm cán bộ", "Add an officer"),
        "tokenOnce": ("Mã đăng nhập chỉ hiện một lần. Trao tận tay cán bộ.", "The sign-in token is shown once only. Hand it over in person."),
        "role": ("Vai trò", "Role"),
        "created": ("Tạo lúc", "Created"),
        "when": ("Lúc", "When"),
        "who": ("Ai", "Who"),
        "what": ("Việc", "What"),
        "where": ("Từ địa chỉ", "From"),
        "older": ("Cũ hơn", "Older"),
        "print": ("In trang này", "Print this page"),
        "error": ("Không làm được", "Could not do that"),
        "home": ("Về trang chính", "Back to the start"),
        "help": ("Trợ giúp", "Help"),
    ]

    static func strings(_ language: Language) -> [String: String] {
        table.mapValues { language == .vi ? $0.vi : $0.en }
    }

    static func status(_ status: DossierStatus, _ language: Language) -> String {
        switch (status, language) {
        case (.received, .vi): "Đã nhận"
        case (.received, .en): "Received"
        case (.submitted, .vi): "Đã nộp lên Cổng"
        case (.submitted, .en): "Submitted"
        case (.needsSupplement, .vi): "Cần bổ sung"
        case (.needsSupplement, .en): "Needs supplement"
        case (.completed, .vi): "Đã có kết quả"
        case (.completed, .en): "Completed"
        case (.rejected, .vi): "Bị từ chối"
        case (.rejected, .en): "Rejected"
        case (.withdrawn, .vi): "Người dân rút hồ sơ"
        case (.withdrawn, .en): "Withdrawn"
        }
    }

    /// What the console says when a form or page is refused, in the officer's language.
    enum Problem: Sendable {
        case signInFailed, rateLimited(Int), signedOut, csrf, forbidden, notFound, reasonRequired, portalCodeRequired, badInput(String)
        /// A province reader's token: it reads report counts over /v1/province, never these pages.
        case provinceToken
        case store(HubError)

        var status: Int {
            switch self {
            case .signInFailed: 401
            case .rateLimited: 429
            case .signedOut: 401
            case .csrf, .forbidden, .provinceToken: 403
            case .notFound: 404
            case .reasonRequired, .portalCodeRequired, .badInput: 422
            case .store(let error):
                switch error {
                case .dossierNotFound, .ambiguousDossier, .volunteerNotFound, .ambiguousVolunteer, .deviceNotFound, .staffNotFound, .blobMissing,
                     .blobNotFound: 404
                case .reasonRequired, .invalidText, .officerNeedsCommune, .communeNotFound: 422
                case .busy: 503
                default: 500
                }
            }
        }

        func message(_ language: Language) -> String {
            let vi = language == .vi
            switch self {
            case .signInFailed:
                return vi ? "Mã đăng nhập không đúng hoặc đã bị thu hồi. Kiểm tra lại mã, hoặc nhờ quản trị tạo mã mới: sotay-hub officers add."
                    : "The sign-in token is wrong or revoked. Check it, or ask the admin for a new one: sotay-hub officers add."
            case .provinceToken:
                return vi ? "Đây là mã của người đọc báo cáo tỉnh: mã này chỉ đọc số liệu báo cáo qua /v1/province, không đăng nhập trang của cán bộ. Cán bộ xã cần mã riêng: sotay-hub officers add."
                    : "This is a province reader's token: it reads report counts over /v1/province and does not sign in to the officers' pages. An officer needs their own token: sotay-hub officers add."
            case .rateLimited(let seconds):
                return vi ? "Sai quá nhiều lần từ địa chỉ này. Chờ \(seconds) giây rồi thử lại."
                    : "Too many failed attempts from this address. Wait \(seconds) seconds and try again."
            case .signedOut:
                return vi ? "Phiên làm việc đã hết hoặc đã đăng xuất. Đăng nhập lại." : "Your session ended or you signed out. Sign in again."
            case .csrf:
                return vi ? "Biểu mẫu đã cũ hoặc không phải từ trang này. Tải lại trang rồi gửi lại; không có gì được lưu."
                    : "The form is stale or did not come from this console. Reload the page and send it again; nothing was saved."
            case .forbidden:
                return vi ? "Tài khoản này không được xem trang đó." : "This account may not open that page."
            case .notFound:
                return vi ? "Không có trang hay hồ sơ này." : "There is no such page or dossier."
            case .reasonRequired:
                return vi ? "Cần ghi lý do khi yêu cầu bổ sung hoặc từ chối: tình nguyện viên đọc lý do cho người dân. Không có gì được lưu."
                    : "Write the reason for needs supplement or rejected: the volunteer reads it to the resident. Nothing was saved."
            case .portalCodeRequired:
                return vi ? "Cần ghi mã hồ sơ trên Cổng dịch vụ công khi đánh dấu đã nộp. Không có gì được lưu."
                    : "Write the portal's dossier code when marking it submitted. Nothing was saved."
            case .badInput(let what):
                return vi ? "Dữ liệu chưa đúng: \(what). Sửa rồi gửi lại." : "Not valid: \(what). Correct it and send again."
            case .store(let error):
                return error.message(language)
            }
        }
    }
}
