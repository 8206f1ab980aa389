import ArgumentParser
import Foundation
import SoTayContent
import SoTayCore
import SoTayHub
import SoTayReports

/// `sotay-hub report`: the commune's monthly report from every volunteer's synced log.
struct HubReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Báo cáo tháng của cả xã, từ nhật ký các tình nguyện viên đã đồng bộ; tách theo thôn, tình nguyện viên hoặc thủ tục.",
        discussion: """
            Ví dụ:
              sotay-hub report --month 2026-11
              sotay-hub report --month 2026-11 --by village --format xlsx --out bao-cao-xa-2026-11.xlsx
              sotay-hub report --month 2026-11 --format html      (ghi bao-cao-xa-2026-11.html, in ra giấy A4)
            Với --database postgres://… (máy chủ tỉnh): báo cáo gộp mọi xã, chỉ có số liệu, không dữ liệu cá nhân;
            --commune "Xã …" cho báo cáo của một xã.
            Chỉ tiêu lấy từ content/indicators.yaml của thư viện thủ tục (SOTAY_CONTENT để dùng bản xã đã sửa).
            """)

    @OptionGroup var options: HubOptions
    @Option(help: ArgumentHelp("Tháng, dạng YYYY-MM (giờ Việt Nam; mặc định tháng này).", valueName: "YYYY-MM")) var month: String?
    @Option(help: ArgumentHelp("Tách theo: village (thôn), volunteer (tình nguyện viên), procedure (thủ tục).", valueName: "cách-tách")) var by: String?
    @Option(help: ArgumentHelp("Dạng: table, csv, xlsx, html, json.", valueName: "dạng")) var format = "table"
    @Option(help: ArgumentHelp("Ghi ra tệp này.", valueName: "tệp")) var out: String?
    @Option(help: ArgumentHelp("Chỉ một xã (máy chủ tỉnh; xem: sotay-hub communes list).", valueName: "xã")) var commune: String?

    func run() async throws {
        let language = options.language
        let month = try Self.month(self.month, language: language)
        let grouping = try by.map { text -> Indicator.Dimension in
            guard let dimension = Indicator.Dimension(rawValue: text.lowercased()), [.village, .volunteer, .procedure].contains(dimension) else {
                throw ValidationError(options.t("--by chỉ nhận village, volunteer hoặc procedure.", "--by takes village, volunteer or procedure."))
            }
            return dimension
        }
        let format = try ReportFile.format(format)
        let pack = try ContentPack.configured()
        let builder = ReportBuilder(indicators: pack.indicators, procedures: pack.procedures, language: language)
        let fallback = options.t("Xã", "Commune")
        // Counts only: on a province hub (PostgreSQL) every commune's activities, no personal data.
        let commune = self.commune.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping }
        let report = try await options.withRepository { store in
            let communes = try await store.communeList().map(\.name)
            if let commune {
                guard communes.contains(commune) else { throw HubError.communeNotFound(commune) }
                if let postgres = store as? PostgresHubStore, let id = try await postgres.communeID(named: commune) {
                    return try await postgres.report(month: month, scope: Report.Scope(kind: .commune, commune: commune), by: grouping, builder: builder,
                                                     communeID: id)
                }
            }
            let scope = Report.Scope(kind: .commune, commune: communes.isEmpty ? fallback : communes.joined(separator: ", "))
            return try await store.report(month: month, scope: scope, by: grouping, builder: builder)
        }
        if let path = try ReportFile.deliver(report, format: format, out: out, prefix: "bao-cao-xa") {
            print(ReportFile.written(report, path: path, language: language))
        }
    }

    static func month(_ text: String?, language: Language) throws -> ReportMonth {
        guard let text else { return ReportMonth(containing: Date()) }
        guard let month = ReportMonth(text) else {
            throw ValidationError(language == .vi ? "Tháng \"\(text)\" không đúng. Viết dạng YYYY-MM, ví dụ 2026-11." : "Month \"\(text)\" is not valid. Write YYYY-MM, e.g. 2026-11.")
        }
        return month
    }
}
