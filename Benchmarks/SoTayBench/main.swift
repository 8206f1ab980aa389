import Foundation
import GRDB
import SoTayContent
import SoTayCore
import SoTayHub
import SoTayReports
import SoTayStore

// The benchmark suite: `make bench`. Each figure is a ratio against a baseline measured in the
// same run (or a count); absolute times are printed but are not the target. Results go to
// bench/results.json and bench/RESULTS.md.
//
// A small harness of our own rather than ordo-one/benchmark: the figures here compare our
// code with another program (the sqlite3 shell) on the same file, in the same run, which that
// package does not model, and it would add jemalloc and a build plugin to a 2-core build.

let arguments = CommandLine.arguments.dropFirst()
let outputFolder = URL(fileURLWithPath: arguments.first ?? "bench")
let work = FileManager.default.temporaryDirectory.appending(path: "sotay-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
// SOTAY_BENCH_KEEP=1 keeps the generated databases, to profile a query with the sqlite3 shell.
let keep = ProcessInfo.processInfo.environment["SOTAY_BENCH_KEEP"] == "1"
defer { if keep { print("kept \(work.path)") } else { try? FileManager.default.removeItem(at: work) } }

var results: [BenchResult] = []
let pack = try ContentPack.bundled()
let month = ReportMonth(containing: Date()).previous

// MARK: - Reports over many activities

for (scale, label) in [(100_000, "hub"), (100_000, "volunteer")] {
    let generator = ActivityGenerator(seed: 6, month: month, procedures: pack.procedures.map(\.id))
    let builder = ReportBuilder(indicators: pack.indicators, procedures: pack.procedures, language: .vi)
    let ours: () throws -> Void
    let databasePath: String
    let table: ActivityTable
    if label == "hub" {
        let folder = work.appending(path: "hub")
        let store = try HubStore.open(directory: folder)
        for index in 0..<30 { _ = try store.addVolunteer(name: "Tình nguyện viên \(index)", village: "Thôn \(index % 12)", commune: "Xã An Bình") }
        databasePath = store.databaseURL.path
        try generator.fillHub(path: databasePath, count: scale)
        table = store.reportTable
        ours = {
            let report = try builder.build(month: month, scope: .init(kind: .commune, commune: "Xã An Bình"), table: table, by: .village, database: store)
            _ = ReportFormat.table.render(report)
        }
    } else {
        let folder = work.appending(path: "laptop")
        let store = try Store.open(directory: folder)
        try store.logActivities(generator.records(count: scale))
        databasePath = folder.appending(path: "sotay.sqlite").path
        table = store.reportTable(volunteer: "Nguyễn Thị Lan")
        ours = {
            let report = try builder.build(month: month, scope: .init(kind: .volunteer, commune: "Xã An Bình"), table: table, database: store)
            _ = ReportFormat.table.render(report)
        }
    }
    // The same aggregate, statement for statement, run by the sqlite3 shell on the same file.
    let query = ReportQuery(indicators: pack.indicators, table: table, month: month)
    let statements = [query.totals(), query.totals(by: label == "hub" ? .village : nil)] + query.breakdowns.compactMap(query.breakdown)
    let script = work.appending(path: "\(label).sql")
    try statements.map { SQLText.inline($0) + ";" }.joined(separator: "\n").write(to: script, atomically: true, encoding: .utf8)
    let baseline = try Timing.best(of: 5) { try SQLiteShell.run(database: databasePath, script: script) }
    let measured = try Timing.best(of: 5, ours)
    results.append(BenchResult(
        id: "report-\(label)-\(scale / 1000)k", title: "Monthly report over \(scale) activities (\(label))",
        value: measured / baseline, unit: "× sqlite3", target: "≤ 1.5 × sqlite3; under 1 s",
        detail: String(format: "ours %.0f ms, sqlite3 shell %.0f ms (best of 5)", measured * 1000, baseline * 1000),
        met: measured / baseline <= 1.5 && measured < 1.0))
    print(results[results.count - 1].line)
}

try BenchReport.write(results, to: outputFolder)
