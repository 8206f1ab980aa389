import ArgumentParser
import Foundation
import SoTayCore
import SoTayReports
import SoTayStore

/// `sotay report`: the volunteer's own monthly report, from the log on this laptop.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Báo cáo tháng của bạn: số hộ đã đến, người dân được hướng dẫn, hồ sơ nộp trực tuyến…",
        discussion: """
            Tính từ nhật ký trên máy này, không cần mạng. Tháng theo giờ Việt Nam (UTC+7).
            Ví dụ:
              sotay report                                  (tháng này, in ra màn hình)
              sotay report --month 2026-11 --format xlsx    (ghi tệp bao-cao-2026-11.xlsx)
              sotay report --month 2026-11 --format html --out bao-cao.html   (in ra giấy A4 từ trình duyệt)
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Tháng, dạng YYYY-MM (mặc định tháng này).", valueName: "YYYY-MM")) var month: String?
    @Option(help: ArgumentHelp("Dạng: table (màn hình), csv, xlsx, html, json.", valueName: "dạng")) var format = "table"
    @Option(help: ArgumentHelp("Ghi ra tệp này (xlsx và html mặc định ghi bao-cao-YYYY-MM.*).", valueName: "tệp")) var out: String?

    func run() throws {
        let workspace = try Workspace(global)
        let month = try MonthOption.parse(month)
        let format = try ReportFile.format(format)
        let store = try global.openStore()
        let profile = try Profiles.require(store: store, workspace: workspace, interactive: false)
        let report = try Self.build(month: month, workspace: workspace, store: store, profile: profile)
        if let path = try ReportFile.deliver(report, format: format, out: out) {
            Output.line(ReportFile.written(report, path: path, language: workspace.render.language))
        }
    }

    /// The volunteer's report of a month, from this laptop's log.
    static func build(month: ReportMonth, workspace: Workspace, store: Store, profile: VolunteerProfile) throws -> Report {
        let builder = ReportBuilder(indicators: workspace.pack.indicators, procedures: workspace.pack.procedures, language: workspace.render.language)
        let scope = Report.Scope(kind: .volunteer, commune: profile.commune, province: profile.province, village: profile.village, volunteer: profile.name)
        return try builder.build(month: month, scope: scope, table: store.reportTable(volunteer: profile.name), database: store)
    }
}
