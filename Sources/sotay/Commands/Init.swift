import ArgumentParser
import SoTayCore
import SoTayStore

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ghi thông tin tình nguyện viên (ai ghi công việc, ở thôn, xã, tỉnh nào). Hỏi những gì chưa có.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Họ tên tình nguyện viên.") var name: String?
    @Option(help: "Số điện thoại (không bắt buộc).") var phone: String?
    @Option(help: "Thôn / tổ dân phố.") var village: String?
    @Option(help: "Xã / phường.") var commune: String?
    @Option(help: "Tỉnh / thành phố.") var province: String?

    func run() throws {
        let workspace = try Workspace(global)
        let store = try global.openStore()
        let existing = try store.profile()
        let given = Profiles.Fields(name: name, phone: phone, village: village, commune: commune, province: province)
        let profile = try Profiles.ask(store: store, workspace: workspace, given: given, reader: LineReader(), existing: existing)
        let render = workspace.render
        Output.line(render.t("Đã lưu: \(profile.name) · \(profile.village), \(profile.commune), \(profile.province)",
                             "Saved: \(profile.name) · \(profile.village), \(profile.commune), \(profile.province)"))
        Output.line(render.t("Dữ liệu ở: ", "Data folder: ") + store.directory.path)
        _ = try PassphraseSetup.ensure(store, render: render)
    }
}
