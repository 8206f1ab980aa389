import ArgumentParser
import Foundation
import SoTayCore
import SoTayHub

/// `sotay-hub officers …`: commune officers, who read and act on dossiers over HTTP.
struct Officers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cán bộ xã (đọc và xử lý hồ sơ qua /v1/officer): thêm, xem, thu hồi mã truy cập.",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Thêm một cán bộ và in mã truy cập của họ (chỉ in một lần).",
            discussion: """
                Ví dụ:
                  sotay-hub officers add --name "Lê Thị Hoa"
                  sotay-hub officers add --name "Lê Thị Hoa" --commune "Xã An Bình" --database postgres://…
                Trên máy chủ tỉnh (PostgreSQL, nhiều xã), cán bộ thuộc một xã và chỉ thấy hồ sơ của xã đó: cần --commune.
                """)
        @OptionGroup var options: HubOptions
        @Option(help: ArgumentHelp("Họ tên cán bộ.", valueName: "họ-tên")) var name: String
        @Option(help: ArgumentHelp("Xã của cán bộ (máy chủ nhiều xã; xem: sotay-hub communes list).", valueName: "xã")) var commune: String?
        func run() async throws { try await StaffCommand.add(.officer, name: name, commune: commune, options: options) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Danh sách cán bộ có mã truy cập.")
        @OptionGroup var options: HubOptions
        @Flag(help: "In dạng JSON.") var json = false
        func run() async throws { try await StaffCommand.list(.officer, json: json, options: options) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thu hồi mã truy cập của một cán bộ: hết hiệu lực ngay.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Mã cán bộ (off-…, xem: sotay-hub officers list).", valueName: "mã")) var id: String
        func run() async throws { try await StaffCommand.revoke(.officer, id: id, options: options) }
    }
}

/// `sotay-hub admins …`: tokens for the admin routes (enrolment codes, devices, the audit log).
struct Admins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quản trị viên (mã ghi danh, máy, nhật ký truy cập qua /v1/admin): thêm, xem, thu hồi mã truy cập.",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thêm một quản trị viên và in mã truy cập (chỉ in một lần).")
        @OptionGroup var options: HubOptions
        @Option(help: ArgumentHelp("Họ tên.", valueName: "họ-tên")) var name: String
        func run() async throws { try await StaffCommand.add(.admin, name: name, commune: nil, options: options) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Danh sách quản trị viên có mã truy cập.")
        @OptionGroup var options: HubOptions
        @Flag(help: "In dạng JSON.") var json = false
        func run() async throws { try await StaffCommand.list(.admin, json: json, options: options) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thu hồi mã truy cập của một quản trị viên: hết hiệu lực ngay.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Mã (adm-…, xem: sotay-hub admins list).", valueName: "mã")) var id: String
        func run() async throws { try await StaffCommand.revoke(.admin, id: id, options: options) }
    }
}

/// `sotay-hub province …`: readers of every commune's report counts on a province hub
/// (PostgreSQL), over `/v1/province/…`. No personal data.
struct Province: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Người đọc báo cáo tỉnh (máy chủ PostgreSQL, /v1/province): chỉ số liệu của các xã, không dữ liệu cá nhân.",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Thêm một người đọc báo cáo tỉnh và in mã truy cập (chỉ in một lần).",
            discussion: """
                Ví dụ:
                  sotay-hub province add --name "Sở Thông tin và Truyền thông" --database postgres://…
                Với mã này: GET /v1/province/communes, GET /v1/province/report?month=2026-11[&commune=Xã …][&by=procedure].
                """)
        @OptionGroup var options: HubOptions
        @Option(help: ArgumentHelp("Tên người hoặc đơn vị đọc báo cáo.", valueName: "tên")) var name: String
        func run() async throws { try await StaffCommand.add(.province, name: name, commune: nil, options: options) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Danh sách người đọc báo cáo tỉnh có mã truy cập.")
        @OptionGroup var options: HubOptions
        @Flag(help: "In dạng JSON.") var json = false
        func run() async throws { try await StaffCommand.list(.province, json: json, options: options) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thu hồi mã truy cập của một người đọc báo cáo tỉnh: hết hiệu lực ngay.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Mã (prv-…, xem: sotay-hub province list).", valueName: "mã")) var id: String
        func run() async throws { try await StaffCommand.revoke(.province, id: id, options: options) }
    }
}

/// What `officers`, `admins` and `province` share.
enum StaffCommand {
    struct Item: Encodable { var id: String; var role: String; var name: String; var commune: String?; var createdAt: Date; var revokedAt: Date? }

    /// On PostgreSQL an officer belongs to one commune (named with --commune when the hub has
    /// several); on SQLite the hub is one commune, and --commune, if given, must be its name.
    static func add(_ role: HubRole, name: String, commune: String?, options: HubOptions) async throws {
        let (staff, token) = try await options.withRepository { store in
            if let postgres = store as? PostgresHubStore {
                return try await postgres.addStaff(role: role, name: name, commune: commune, now: Date())
            }
            if let commune {
                guard role == .officer else { throw HubError.communeForOfficersOnly }
                let names = try await store.communeList().map(\.name)
                guard names.isEmpty || names.contains(commune.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping) else {
                    throw HubError.communeNotFound(commune)
                }
            }
            return try await store.addStaff(role: role, name: name, now: Date())
        }
        let who = switch role {
        case .admin: options.t("quản trị viên", "admin")
        case .province: options.t("người đọc báo cáo tỉnh", "province reader")
        default: options.t("cán bộ", "officer")
        }
        print(options.t("Đã thêm \(who) \(staff.id): \(staff.name)", "Added \(who) \(staff.id): \(staff.name)"))
        print(options.t("Mã truy cập (chỉ in lần này; máy chủ chỉ giữ bản băm):", "Access token (shown only this once; the hub keeps only its hash):"))
        print(token)
        print(options.t("Trao tận tay hoặc qua kênh riêng; dùng trong tiêu đề Authorization: Bearer. Mất mã: sotay-hub \(command(role)) revoke \(staff.id), rồi thêm mã mới.",
                        "Hand it over in person or on a private channel; it goes in the Authorization: Bearer header. If lost: sotay-hub \(command(role)) revoke \(staff.id), then add a new one."))
    }

    static func list(_ role: HubRole, json: Bool, options: HubOptions) async throws {
        let (staff, communes) = try await options.withRepository { store in
            let staff = try await store.staff(role: role)
            let communes = try await (store as? PostgresHubStore)?.staffCommunes() ?? [:]
            return (staff, communes)
        }
        if json {
            return try printJSON(staff.map {
                Item(id: $0.id, role: $0.role.rawValue, name: $0.name, commune: communes[$0.id], createdAt: $0.createdAt, revokedAt: $0.revokedAt)
            })
        }
        guard !staff.isEmpty else {
            let empty = switch role {
            case .admin: options.t("Chưa có quản trị viên. Thêm: sotay-hub admins add --name \"Họ tên\"", "No admins yet. Add one: sotay-hub admins add --name \"Name\"")
            case .province: options.t("Chưa có người đọc báo cáo tỉnh. Thêm: sotay-hub province add --name \"Tên\" --database postgres://…",
                                      "No province readers yet. Add one: sotay-hub province add --name \"Name\" --database postgres://…")
            default: options.t("Chưa có cán bộ. Thêm: sotay-hub officers add --name \"Họ tên\"", "No officers yet. Add one: sotay-hub officers add --name \"Name\"")
            }
            return print(empty)
        }
        for person in staff {
            let state = person.revokedAt.map { options.t("đã thu hồi \(vietnamTime($0))", "revoked \(vietnamTime($0))") }
                ?? options.t("cấp \(vietnamTime(person.createdAt))", "issued \(vietnamTime(person.createdAt))")
            print("  \(person.id)  \(person.name)\(communes[person.id].map { " · " + $0 } ?? "") · \(state)")
        }
    }

    /// The command that manages `role`'s tokens.
    static func command(_ role: HubRole) -> String {
        switch role {
        case .admin: "admins"
        case .province: "province"
        default: "officers"
        }
    }

    static func revoke(_ role: HubRole, id: String, options: HubOptions) async throws {
        let staff = try await options.withRepository { store in try await store.revokeStaff(id, role: role, now: Date()) }
        print(options.t("Đã thu hồi mã truy cập \(staff.id) (\(staff.name)).", "Revoked the token \(staff.id) (\(staff.name))."))
    }
}

/// `sotay-hub audit`: who read which resident's data, when, from where.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Nhật ký truy cập dữ liệu cá nhân: ai đã xem hoặc tải hồ sơ nào, lúc nào, từ đâu (chỉ thêm, không sửa xóa được).",
        discussion: """
            Ví dụ:
              sotay-hub audit
              sotay-hub audit --since 2026-11-01
              sotay-hub audit --dossier 3f2a --json
            """)
    @OptionGroup var options: HubOptions
    @Option(help: ArgumentHelp("Chỉ từ ngày này (YYYY-MM-DD, giờ Việt Nam).", valueName: "ngày")) var since: String?
    @Option(help: ArgumentHelp("Chỉ hồ sơ có mã bắt đầu bằng đây.", valueName: "mã")) var dossier: String?
    @Flag(help: "In dạng JSON.") var json = false

    func run() async throws {
        var from: Date?
        if let since {
            guard let date = AuditDate.day(since) else { throw HubError.invalidDate(since) }
            from = date
        }
        let start = from
        var entries = try await options.withRepository { store in try await store.auditEntries(since: start, after: 0, limit: nil) }
        if let dossier = dossier?.trimmingCharacters(in: .whitespaces).lowercased(), !dossier.isEmpty {
            entries = entries.filter { $0.dossierId?.hasPrefix(dossier) == true }
        }
        if json { return try printJSON(entries.map(AuditRecord.init)) }
        guard !entries.isEmpty else { return print(options.t("Nhật ký truy cập trống.", "The audit log is empty.")) }
        for entry in entries {
            let subject = [entry.volunteerId.map { options.t("tình nguyện viên số \($0)", "volunteer \($0)") },
                           entry.deviceId.map { options.t("máy ", "device ") + $0.prefix(12) },
                           entry.dossierId.map { options.t("hồ sơ ", "dossier ") + $0.prefix(8) },
                           entry.blobSHA256.map { options.t("tệp ", "file ") + $0.prefix(12) }].compactMap { $0 }.joined(separator: " · ")
            print("  \(vietnamTime(entry.at))  \(Self.role(entry.actorRole, options)) \(entry.actorName) (\(entry.actorId)) · "
                  + "\(Self.action(entry.action, options))" + (subject.isEmpty ? "" : " · \(subject)")
                  + (entry.clientAddress.map { options.t(" · từ \($0)", " · from \($0)") } ?? ""))
        }
    }

    static func role(_ role: AuditActor.Role, _ options: HubOptions) -> String {
        switch role {
        case .officer: options.t("cán bộ", "officer")
        case .admin: options.t("quản trị", "admin")
        case .device: options.t("máy", "device")
        case .local: options.t("trên máy chủ", "on the hub")
        }
    }

    static func action(_ action: AuditAction, _ options: HubOptions) -> String {
        switch action {
        case .dossierList: options.t("xem danh sách (có tên người dân)", "listed (with the resident's name)")
        case .dossierShow: options.t("xem hồ sơ", "opened the dossier")
        case .attachmentDownload: options.t("tải tệp đính kèm", "downloaded an attachment")
        case .statusChange: options.t("đổi trạng thái", "changed the status")
        case .enrollCodeIssued: options.t("cấp mã ghi danh", "issued an enrolment code")
        case .deviceEnrolled: options.t("ghi danh một máy", "enrolled a device")
        }
    }
}

extension HubOptions {
    /// The person running this command on the hub's machine, as the audit log names them.
    var localActor: AuditActor {
        let user = ProcessInfo.processInfo.environment["SUDO_USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ProcessInfo.processInfo.userName
        return .local(user: user.isEmpty ? "?" : user)
    }
}
