import ArgumentParser
import Foundation
import SoTayContent
import SoTayCore
import SoTayStore
import SoTaySync
import SoTayWire

/// `sotay content status|diff|use|install`: the signed packs taken from the hub.
extension ContentCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Thư viện đang dùng: phiên bản, người xuất bản, ngày, hạn dùng, nguồn đã lâu chưa kiểm tra.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let workspace = try Workspace(global)
            let render = workspace.render
            let library = LocalLibrary(dataDirectory: global.dataDirectory)
            let state = library.state()
            if let folder = ProcessInfo.processInfo.environment["SOTAY_CONTENT"], !folder.isEmpty {
                Output.line(render.t("Thư viện: thư mục \(folder) (SOTAY_CONTENT), gói \(workspace.pack.id) \(workspace.pack.version)",
                                     "Library: the folder \(folder) (SOTAY_CONTENT), pack \(workspace.pack.id) \(workspace.pack.version)"))
            } else if let installed = state.activePack {
                Output.line(render.t("Thư viện: gói \(installed.packId) phiên bản \(installed.version) (\(workspace.pack.version))",
                                     "Library: pack \(installed.packId) version \(installed.version) (\(workspace.pack.version))"))
                let signer = installed.signer == .project ? render.t("khóa của dự án", "the project's key") : render.t("khóa của máy chủ xã", "the commune hub's key")
                Output.line(render.t("Người xuất bản: \(installed.publisher) (ký bằng \(signer), mã khóa \(installed.keyId))",
                                     "Publisher: \(installed.publisher) (signed with \(signer), key id \(installed.keyId))"))
                let created = WireDate.date(installed.createdAt).map(InstalledContent.day) ?? installed.createdAt
                let expires = WireDate.date(installed.expiresAt)
                Output.line(render.t("Ngày tạo: \(created) · nhận ngày \(InstalledContent.day(installed.installedAt))",
                                     "Created: \(created) · taken on \(InstalledContent.day(installed.installedAt))"))
                if let expires, expires < Date() {
                    Output.line("⚠ " + render.t("Hạn dùng: \(InstalledContent.day(expires)) — ĐÃ HẾT HẠN; vẫn dùng, hãy đồng bộ để nhận bản mới.",
                                                "Expires: \(InstalledContent.day(expires)) — EXPIRED; still used, sync for a new one."))
                } else {
                    Output.line(render.t("Hạn dùng: \(expires.map(InstalledContent.day) ?? "?")", "Expires: \(expires.map(InstalledContent.day) ?? "?")"))
                }
            } else {
                Output.line(render.t("Thư viện: bản có sẵn trong chương trình, gói \(workspace.pack.id) \(workspace.pack.version)",
                                     "Library: the built-in one, pack \(workspace.pack.id) \(workspace.pack.version)"))
                if let highest = state.highest {
                    Output.line(render.t("(Đã từng nhận gói đến phiên bản \(highest); quay lại bằng: sotay content use \(highest))",
                                         "(Packs up to version \(highest) were taken; go back with: sotay content use \(highest))"))
                }
            }
            Output.line(render.t("\(workspace.pack.procedures.count) thủ tục, \(workspace.pack.guides.count) hướng dẫn, \(workspace.pack.provinces.count) tỉnh.",
                                 "\(workspace.pack.procedures.count) procedures, \(workspace.pack.guides.count) guides, \(workspace.pack.provinces.count) provinces."))
            if let pending = state.pending {
                Output.line(render.t("Máy chủ xã có phiên bản \(pending.version); nhận ở lần đồng bộ sau (sotay sync).",
                                     "The hub offers version \(pending.version); it comes with the next sync (sotay sync)."))
            }
            if let refusal = state.lastRefusal, refusal.count == 2 {
                Output.line("✗ " + render.t("Lần trước: ", "Last time: ") + (global.language == .vi ? refusal[0] : refusal[1]))
            }
            let limit = workspace.today.adding(months: -workspace.maxContentAgeMonths)
            let stale = workspace.pack.procedures.filter { ($0.oldestCheck ?? workspace.today) < limit }
            if stale.isEmpty {
                Output.line(render.t("Mọi nguồn đã được kiểm tra trong \(workspace.maxContentAgeMonths) tháng qua.",
                                     "Every source was checked in the last \(workspace.maxContentAgeMonths) months."))
            } else {
                Output.line(render.t("Nguồn kiểm tra đã hơn \(workspace.maxContentAgeMonths) tháng (\(stale.count) thủ tục):",
                                     "Sources checked more than \(workspace.maxContentAgeMonths) months ago (\(stale.count) procedures):"))
                for procedure in stale {
                    Output.line("  \(procedure.id) · \(procedure.oldestCheck?.vietnamese ?? "?")")
                }
            }
        }
    }

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Thủ tục thêm, sửa, bỏ giữa thư viện có sẵn (hoặc phiên bản --from) và thư viện đang dùng.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("So từ phiên bản gói này (mặc định: thư viện có sẵn).", valueName: "phiên-bản")) var from: Int?

        func run() throws {
            let render = Render(language: global.language)
            let state = LocalLibrary(dataDirectory: global.dataDirectory).state()
            let old = InstalledContent.files(active: from, dataDirectory: global.dataDirectory)
            let new = InstalledContent.files(active: state.active, dataDirectory: global.dataDirectory)
            let diff = LibraryDiff(old: old, new: new)
            let fromName = from.map { render.t("gói \($0)", "pack \($0)") } ?? render.t("bản có sẵn", "built-in")
            let toName = state.active.map { render.t("gói \($0)", "pack \($0)") } ?? render.t("bản có sẵn", "built-in")
            Output.line(render.t("Từ \(fromName) đến \(toName):", "From \(fromName) to \(toName):"))
            guard !diff.isEmpty else { return Output.line(render.t("  không có gì khác.", "  nothing differs.")) }
            for id in diff.added { Output.line("  + \(id)") }
            for id in diff.changed { Output.line("  ~ \(id)") }
            for id in diff.removed { Output.line("  - \(id)") }
            for path in diff.otherFiles { Output.line("  ~ \(path)") }
        }
    }

    struct Use: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chọn thư viện: \"bundled\" (bản có sẵn trong chương trình) hoặc số phiên bản một gói đã nhận.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("bundled, hoặc số phiên bản.", valueName: "bundled|phiên-bản")) var which: String

        func run() throws {
            let render = Render(language: global.language)
            let library = LocalLibrary(dataDirectory: global.dataDirectory)
            if which == "bundled" {
                try library.useBundled()
                let pack = try ContentPack.bundled()
                return Output.line(render.t("Đang dùng thư viện có sẵn (\(pack.id) \(pack.version)). Gói mới từ máy chủ xã vẫn được nhận khi đồng bộ.",
                                            "Using the built-in library (\(pack.id) \(pack.version)). New packs from the hub are still taken at sync."))
            }
            guard let version = Int(which) else {
                throw ValidationError(render.t("chỉ \"bundled\" hoặc một số phiên bản.", "only \"bundled\" or a version number."))
            }
            guard try library.use(version: version) else {
                throw ContentUseError.notTaken(version)
            }
            Output.line(render.t("Đang dùng gói phiên bản \(version).", "Using pack version \(version)."))
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Nhận một gói thư viện có chữ ký từ tệp (USB, thư điện tử), khi không có máy chủ xã; kiểm tra như khi đồng bộ.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Tệp .sotaypack.", valueName: "tệp")) var file: String

        func run() throws {
            let render = Render(language: global.language)
            guard let data = FileManager.default.contents(atPath: file) else { throw ContentUseError.unreadable(file) }
            let store = try global.openStore()
            let library = LocalLibrary(dataDirectory: global.dataDirectory)
            let previous = library.state().active
            let verified = try library.install(data, hubKey: try store.hubLink()?.hubKey, packId: nil)
            InstalledContent.afterSync(.installed(previous: previous, version: verified.manifest.version, expired: verified.isExpired(now: Date())),
                                       dataDirectory: global.dataDirectory, render: render)
        }
    }
}

enum ContentUseError: Error, LocalizedMessage {
    case notTaken(Int)
    case unreadable(String)

    func message(_ language: Language) -> String {
        switch self {
        case .notTaken(let version):
            pick(language, vi: "Máy này không có gói phiên bản \(version). Xem các gói bằng: sotay content status",
                 en: "This laptop has no pack version \(version). See the packs with: sotay content status")
        case .unreadable(let path):
            pick(language, vi: "Không đọc được tệp \(path).", en: "Cannot read the file \(path).")
        }
    }
}
