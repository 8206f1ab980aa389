import Foundation
import SoTayContent
import SoTayCore
import SoTayHub
import SoTayReports
import SoTayStore

/// Benchmark 5: the monthly report, ours against the same statements run by the sqlite3 shell
/// on the same database file.
enum ReportBench {
    enum Side: String {
        case volunteer, hub
    }

    /// Both sides, each measured or failed on its own.
    static func all(work: URL, pack: ContentPack, month: ReportMonth, scale: Scale) -> [BenchResult] {
        [(Side.volunteer, scale.volunteerActivities), (.hub, scale.hubActivities)].map { side, activities in
            do {
                return try report(side, activities: activities, runs: scale.reportRuns, work: work, pack: pack, month: month)
            } catch {
                return .failed(id: id(side, activities), title: title(side, activities), target: target, reason: BenchFailure.describe(error))
            }
        }
    }

    static let target = "≤ 1.5 × sqlite3"
    static func id(_ side: Side, _ activities: Int) -> String { "report-\(side)-\(Scale.short(activities))" }
    static func title(_ side: Side, _ activities: Int) -> String {
        "Monthly report over \(Scale.count(activities)) activities (\(side == .hub ? "hub, by village" : "volunteer"))"
    }

    static func report(_ side: Side, activities: Int, runs fewest: Int, work: URL, pack: ContentPack, month: ReportMonth) throws -> BenchResult {
        let generator = ActivityGenerator(seed: 6, month: month, procedures: pack.procedures.map(\.id))
        let builder = ReportBuilder(indicators: pack.indicators, procedures: pack.procedures, language: .vi)
        let ours: () throws -> Void
        let databasePath: String
        let table: ActivityTable
        switch side {
        case .hub:
            let store = try HubStore.open(directory: work.appending(path: "report-hub"))
            for index in 0..<30 { _ = try store.addVolunteer(name: "Tình nguyện viên \(index)", village: "Thôn \(index % 12)", commune: "Xã An Bình") }
            databasePath = store.databaseURL.path
            try generator.fillHub(path: databasePath, count: activities)
            table = store.reportTable
            ours = {
                let report = try builder.build(month: month, scope: .init(kind: .commune, commune: "Xã An Bình"), table: table, by: .village, database: store)
                _ = ReportFormat.table.render(report)
            }
        case .volunteer:
            let folder = work.appending(path: "report-laptop")
            let store = try Store.open(directory: folder)
            try store.logActivities(generator.records(count: activities))
            databasePath = folder.appending(path: "sotay.sqlite").path
            table = store.reportTable(volunteer: "Nguyễn Thị Lan")
            ours = {
                let report = try builder.build(month: month, scope: .init(kind: .volunteer, commune: "Xã An Bình"), table: table, database: store)
                _ = ReportFormat.table.render(report)
            }
        }
        // The same aggregate, statement for statement, run by the sqlite3 shell on the same file.
        let query = ReportQuery(indicators: pack.indicators, table: table, month: month)
        let statements = [query.totals(), query.totals(by: side == .hub ? .village : nil)] + query.breakdowns.compactMap(query.breakdown)
        let script = work.appending(path: "report-\(side).sql")
        try statements.map { SQLText.inline($0) + ";" }.joined(separator: "\n").write(to: script, atomically: true, encoding: .utf8)
        // A million rows take seconds a run: fewer runs there, the best one counts either way.
        let runs = activities > 200_000 ? 2 : fewest
        let baseline = try Timing.best(of: runs) { try SQLiteShell.run(database: databasePath, script: script) }
        let measured = try Timing.best(of: runs, ours)
        return BenchResult(
            id: id(side, activities), title: title(side, activities),
            value: measured / baseline, unit: "× sqlite3", target: target,
            detail: String(format: "ours %.0f ms, sqlite3 shell %.0f ms (best of %d after a warm-up)", measured * 1000, baseline * 1000, runs),
            met: measured / baseline <= 1.5)
    }
}
