import ArgumentParser
import Foundation
import SoTayCore
import SoTayHub
import SoTayWire

struct Volunteers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Tình nguyện viên của xã: thêm, xem danh sách.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thêm một tình nguyện viên.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Họ tên.", valueName: "họ-tên")) var name: String
        @Option(help: ArgumentHelp("Thôn, tổ dân phố phụ trách.", valueName: "thôn")) var village: String
        @Option(help: ArgumentHelp("Xã, phường (mặc định: xã của tình nguyện viên đã có).", valueName: "xã")) var commune: String?

        func run() async throws {
            let (name, village, commune, options) = (name, village, commune, options)
            let volunteer = try await options.withRepository { store in
                let known = try await store.volunteers().last?.commune
                guard let commune = commune ?? known else {
                    throw ValidationError(options.t("Cần --commune \"Tên xã\" cho tình nguyện viên đầu tiên.", "The first volunteer needs --commune \"Commune\"."))
                }
                return try await store.addVolunteer(name: name, village: village, commune: commune, now: Date())
            }
            print(options.t("Đã thêm tình nguyện viên số \(volunteer.id ?? 0): \(volunteer.name) · \(volunteer.village), \(volunteer.commune)",
                            "Added volunteer \(volunteer.id ?? 0): \(volunteer.name) · \(volunteer.village), \(volunteer.commune)"))
            print(options.t("Cấp mã ghi danh cho máy của họ: sotay-hub enroll-code \(volunteer.id ?? 0)",
                            "Give their laptop an enrolment code: sotay-hub enroll-code \(volunteer.id ?? 0)"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Danh sách tình nguyện viên.")
        @OptionGroup var options: HubOptions
        @Flag(help: "In dạng JSON.") var json = false

        struct Item: Encodable { var id: Int64; var name: String; var village: String; var commune: String; var devices: Int; var createdAt: Date }

        func run() async throws {
            let items = try await options.withRepository { store in
                let devices = try await store.enrolledDevices().filter { $0.revokedAt == nil }
                return try await store.volunteers().map { volunteer in
                    Item(id: volunteer.id ?? 0, name: volunteer.name, village: volunteer.village, commune: volunteer.commune,
                         devices: devices.filter { $0.volunteerId == volunteer.id }.count, createdAt: volunteer.createdAt)
                }
            }
            if json { return try printJSON(items) }
            guard !items.isEmpty else {
                return print(options.t("Chưa có tình nguyện viên. Thêm: sotay-hub volunteers add \"Họ tên\" --village \"Thôn\" --commune \"Xã\"",
                                       "No volunteers yet. Add one: sotay-hub volunteers add \"Name\" --village \"Village\" --commune \"Commune\""))
            }
            for item in items {
                print("  \(item.id). \(item.name) · \(item.village), \(item.commune) · " + options.t("\(item.devices) máy", "\(item.devices) device(s)"))
            }
        }
    }
}

struct EnrollCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enroll-code", abstract: "Cấp một mã ghi danh dùng một lần (24 giờ) cho máy của tình nguyện viên.")
    @OptionGroup var options: HubOptions
    @Argument(help: ArgumentHelp("Số hoặc họ tên tình nguyện viên.", valueName: "tình-nguyện-viên")) var volunteer: String

    func run() async throws {
        let (key, options) = (volunteer, options)
        let (volunteer, code, expiresAt) = try await options.withRepository { store in
            let volunteer = try await store.volunteer(key)
            try await store.appendAudit(options.localActor, .enrollCodeIssued, dossierIDs: [], blobSHA256: nil, volunteerID: volunteer.id, now: Date())
            let (code, expiresAt) = try await store.makeEnrollCode(for: volunteer, validity: 24 * 3600, now: Date())
            return (volunteer, code, expiresAt)
        }
        print(options.t("Mã ghi danh cho \(volunteer.name): \(code)", "Enrolment code for \(volunteer.name): \(code)"))
        print(options.t("Dùng một lần, hết hạn lúc \(vietnamTime(expiresAt)). Mã chỉ in ra lần này.",
                        "Single use, expires \(vietnamTime(expiresAt)). It is shown only this once."))
        print(options.t("Trên máy tình nguyện viên: sotay enroll ĐỊA-CHỈ-MÁY-CHỦ \(code)", "On the volunteer's laptop: sotay enroll HUB-ADDRESS \(code)"))
    }
}

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Các máy đã ghi danh: xem, thu hồi.", subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Danh sách máy đã ghi danh.")
        @OptionGroup var options: HubOptions
        @Flag(help: "In dạng JSON.") var json = false

        struct Item: Encodable { var id: String; var name: String; var volunteerId: Int64; var enrolledAt: Date; var lastSeenAt: Date?; var revokedAt: Date? }

        func run() async throws {
            let (devices, names) = try await options.withRepository { store in
                (try await store.enrolledDevices(), Dictionary(try await store.volunteers().map { ($0.id ?? 0, $0.name) }, uniquingKeysWith: { first, _ in first }))
            }
            if json {
                return try printJSON(devices.map { Item(id: $0.id, name: $0.name, volunteerId: $0.volunteerId, enrolledAt: $0.enrolledAt, lastSeenAt: $0.lastSeenAt, revokedAt: $0.revokedAt) })
            }
            guard !devices.isEmpty else { return print(options.t("Chưa có máy nào ghi danh.", "No device is enrolled yet.")) }
            for device in devices {
                let name = names[device.volunteerId] ?? "?"
                let state = device.revokedAt.map { options.t("đã thu hồi \(vietnamTime($0))", "revoked \(vietnamTime($0))") }
                    ?? options.t("đồng bộ lần cuối \(device.lastSeenAt.map(vietnamTime) ?? "—")", "last sync \(device.lastSeenAt.map(vietnamTime) ?? "—")")
                print("  \(device.id)  \(device.name) · \(name) · \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Thu hồi một máy (mất máy, đổi người): mã truy cập của nó hết hiệu lực ngay.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Mã máy (xem: sotay-hub devices list).", valueName: "mã-máy")) var device: String

        func run() async throws {
            let key = device
            let device = try await options.withRepository { store in try await store.revokeDevice(key, now: Date()) }
            print(options.t("Đã thu hồi máy \(device.id) (\(device.name)). Hồ sơ nó đã gửi vẫn được giữ.",
                            "Revoked device \(device.id) (\(device.name)). The dossiers it sent are kept."))
        }
    }
}

struct Announce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Gửi một thông báo đến mọi tình nguyện viên ở lần đồng bộ tới (máy chủ tỉnh: mọi xã).")
    @OptionGroup var options: HubOptions
    @Argument(help: ArgumentHelp("Nội dung thông báo.", valueName: "nội-dung")) var message: String

    func run() async throws {
        let message = message
        try await options.withRepository { store in try await store.announce(message, now: Date()) }
        print(options.t("Đã gửi thông báo; máy tình nguyện viên nhận ở lần đồng bộ tới.", "Announcement queued; laptops get it at their next sync."))
    }
}
