import Foundation
import SoTayContent
import SoTayCore

// The benchmark suite: `make bench`. Each figure is a ratio against a baseline measured in the
// same run, or a count, or the limit the issue sets (latencies, memory); absolute times are
// printed beside it. Results go to bench/results.json and bench/RESULTS.md.
//
// A small harness of our own rather than ordo-one/benchmark: the figures compare our code with
// other programs (the sqlite3 shell, a naive uploader, direct GRDB inserts) and drive the built
// binaries through a faulty link, which that package does not model; it measures functions in
// one process, and would add jemalloc and a build plugin to a 2-core build.
//
//   sotay-bench [output folder] [--only id,id]     ids: goodput incremental ingest field report

var arguments = Array(CommandLine.arguments.dropFirst())
var only: Set<String>?
if let flag = arguments.firstIndex(of: "--only"), flag + 1 < arguments.count {
    only = Set(arguments[flag + 1].split(separator: ",").map(String.init))
    arguments.removeSubrange(flag...(flag + 1))
}
let outputFolder = URL(fileURLWithPath: arguments.first ?? "bench")
let work = FileManager.default.temporaryDirectory.appending(path: "sotay-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
// SOTAY_BENCH_KEEP=1 keeps the generated databases, to profile a query with the sqlite3 shell.
let keep = ProcessInfo.processInfo.environment["SOTAY_BENCH_KEEP"] == "1"
defer { if keep { print("kept \(work.path)") } else { try? FileManager.default.removeItem(at: work) } }

let pack = try ContentPack.bundled()
let month = ReportMonth(containing: Date()).previous
var results: [BenchResult] = []
let suiteStart = Date()

@MainActor
func run(_ id: String, _ body: () async throws -> [BenchResult]) async throws {
    guard only?.contains(id) ?? true else { return }
    print("— \(id)")
    let start = Date()
    let figures = try await body()
    for figure in figures { print("  " + figure.line) }
    print(String(format: "  (%.0f s)", Date().timeIntervalSince(start)))
    results += figures
}

try await run("goodput") { try await SyncBench.goodput(work: work, pack: pack) }
try await run("incremental") { try await SyncBench.incremental(work: work, pack: pack) }
try await run("ingest") { try await SyncBench.ingest(work: work, pack: pack) }
try await run("field") { try FieldBench.latency(work: work, pack: pack, month: month) }
try await run("report") {
    [try ReportBench.report(.volunteer, activities: 100_000, work: work, pack: pack, month: month),
     try ReportBench.report(.hub, activities: 1_000_000, work: work, pack: pack, month: month)]
}

if only == nil {
    try BenchReport.write(results, to: outputFolder)
    print(String(format: "wrote %@/results.json and RESULTS.md in %.0f s", outputFolder.path, Date().timeIntervalSince(suiteStart)))
}
