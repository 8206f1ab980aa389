import ArgumentParser
import Foundation
import SoTaySync

/// `sotay relay`: when the village has no link, the sync goes to the commune on a USB stick.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Chuyển tay qua USB khi không có mạng: xuất hồ sơ chờ gửi thành một tệp đã mã hóa, nhận tệp trả về từ máy chủ xã.",
        subcommands: [Export.self, Import.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ghi mọi thứ chờ gửi (hồ sơ, ảnh, nhật ký) vào một tệp chỉ máy chủ xã mở được; mang tệp tới xã (sotay-hub relay import).")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Tệp ghi ra, ví dụ /media/usb/sotay.relay", valueName: "tệp")) var to: String

        func run() async throws {
            let render = Render(language: global.language)
            let store = try global.openStore(unlock: .required)
            let done = try Relay.export(store: store, to: URL(fileURLWithPath: to))
            Output.line(render.t("Đã ghi \(to) (\(done.bytes) byte): \(done.dossiers) hồ sơ, \(done.blobs) ảnh, \(done.activities) mục nhật ký, đã mã hóa cho máy chủ xã.",
                                 "Wrote \(to) (\(done.bytes) bytes): \(done.dossiers) dossier(s), \(done.blobs) photo(s), \(done.activities) log entr(ies), sealed for the commune hub."))
            Output.line(render.t("Hồ sơ vẫn ở hàng chờ gửi cho đến khi nhận tệp trả về (sotay relay import TỆP) hoặc đồng bộ qua mạng.",
                                 "The dossiers stay in line until the return file is applied (sotay relay import FILE) or a sync goes through."))
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Nhận tệp trả về của máy chủ xã: biên nhận hồ sơ và trạng thái mới, như một lần đồng bộ.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Tệp trả về từ máy chủ xã.", valueName: "tệp")) var file: String

        func run() async throws {
            let render = Render(language: global.language)
            let store = try global.openStore(unlock: .required)
            let applied = try Relay.applyReturn(store: store, from: URL(fileURLWithPath: file))
            Output.line(render.t("Đã nhận \(file): \(applied.receipts) biên nhận hồ sơ, \(applied.activities) mục nhật ký đã lên xã, \(applied.changes) thay đổi trạng thái/thông báo.",
                                 "Applied \(file): \(applied.receipts) dossier receipt(s), \(applied.activities) log entr(ies) on the hub, \(applied.changes) status change(s)/announcement(s)."))
            if applied.alreadyDone > 0 {
                Output.line(render.t("\(applied.alreadyDone) hồ sơ đã có biên nhận từ trước (không làm gì thêm).",
                                     "\(applied.alreadyDone) dossier(s) already had their receipt (nothing more to do)."))
            }
            if applied.parked > 0 {
                Output.line("⚠ " + render.t("Máy chủ xã từ chối \(applied.parked) mục; xem: sotay status", "The hub refused \(applied.parked) item(s); see: sotay status"))
                throw ExitCode.failure
            }
        }
    }
}
