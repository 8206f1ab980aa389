import Foundation
import SoTayContent
import SoTayCore
import SoTayTestSupport

// The benchmark suite: `make bench`. Each figure is a ratio against a baseline measured in the
// same run, or a count, or the limit the issue sets (latencies, memory); absolute times are
// printed beside it. Results go to bench/results.json and bench/RESULTS.md.
//
// A small harness of our own rather than ordo-one/benchmark: the figures compare our code with
// other programs (the sqlite3 shell, a naive uploader, direct GRDB inserts) and drive the built
// binaries through a faulty link, which that package does not model; it measures functions in
// one process, and would add jemalloc and a build plugin to a 2-core build.
//
// A benchmark that fails is one line (which figure, the command, its exit status, what it said
// last) and a failed row in the results; the others still run, and the suite exits 1 at the end.

let usage = """
    sotay-bench [output folder] [--only id,id] [--smoke]

    Runs the benchmark suite against the binaries beside it (sotay, sotay-hub) and writes
    results.json and RESULTS.md into the output folder (default: bench).
      --only id,id   runs some benchmarks and writes nothing: goodput incremental first-sync ingest ingest-pg field report report-pg console console-pg photos
      --smoke        every benchmark on tiny data, in well under a minute (part of `make test`);
                     writes into a temporary folder unless an output folder is given
    SOTAY_BENCH_KEEP=1 keeps the generated data; SOTAY_BENCH_NAIVE=0 leaves out the naive uploader.
    ingest-pg, report-pg and console-pg need a PostgreSQL server: run the suite through scripts/with-pg-test-cluster.sh
    (as make bench and make test do) or name one in SOTAY_BENCH_POSTGRES_URL.
    Exit status: 0 when every figure was measured (met or missed), 1 when one failed, 2 on bad arguments.
    """

/// One line on standard output, written at once, even into a pipe or a log file (`print` would
/// hold it in a buffer there): a long run shows how far it got.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The benchmarks, in the order they run, with the binaries each one runs; each one yields its
/// figures or fails as a whole.
let benchmarks: [(id: String, title: String, runs: [String])] = [
    ("goodput", "Sync goodput over a bad link, and the peak memory of `sotay sync`", ["sotay", "sotay-hub"]),
    ("incremental", "Incremental sync", ["sotay", "sotay-hub"]),
    ("first-sync", "First sync of a laptop's backlog", ["sotay", "sotay-hub"]),
    ("ingest", "Hub ingest, and the hub's peak memory", ["sotay-hub"]),
    ("field", "Field latency of `sotay` commands, and procedure search", ["sotay"]),
    ("report", "Monthly reports against the sqlite3 shell", []),
    ("console", "The officer's console pages at 100,000 dossiers", ["sotay-hub"]),
    // After the figures a busy PostgreSQL would slow (see `PostgresBench.settle`).
    ("ingest-pg", "Hub ingest on PostgreSQL, one and two serve processes", ["sotay-hub"]),
    ("report-pg", "The province report on PostgreSQL against psql", []),
    ("console-pg", "The officer's console pages on PostgreSQL, one commune of two at 100,000 dossiers each", ["sotay-hub"]),
    ("photos", "Photos for a village link: bytes and time as taken and as 1600 px copies", ["sotay", "sotay-hub"]),
]

/// The suite measures the binaries built with it, beside it: never a stale copy elsewhere.
func checkBinaries(_ names: [String]) throws(BenchFailure) {
    let own = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent().resolvingSymlinksInPath()
    for name in names where !FileManager.default.isExecutableFile(atPath: own.appending(path: name).path) {
        throw BenchFailure.missing(own.appending(path: name))
    }
    let used = Sotay.productsDirectory.resolvingSymlinksInPath()
    guard names.isEmpty || used.path == own.path else {
        throw BenchFailure("the suite would run the binaries in \(used.path), not the ones beside it in \(own.path)")
    }
}

struct Options {
    var output: URL?
    var only: Set<String>?
    var scale = Scale.full

    static func parse(_ arguments: [String]) throws(BenchFailure) -> Options {
        var options = Options()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--smoke":
                options.scale = .smokeRun
            case "--only":
                guard let list = rest.popFirst() else { throw BenchFailure("--only needs a list of benchmarks, e.g. --only field,report") }
                let ids = Set(list.split(separator: ",").map(String.init))
                let unknown = ids.subtracting(benchmarks.map(\.id))
                guard unknown.isEmpty else {
                    throw BenchFailure("no benchmark called \(unknown.sorted().joined(separator: ", ")); there are \(benchmarks.map(\.id).joined(separator: ", "))")
                }
                options.only = ids
            case "-h", "--help":
                throw BenchFailure(usage)
            case let flag where flag.hasPrefix("-"):
                throw BenchFailure("unknown option \(flag); sotay-bench --help lists them")
            default:
                guard options.output == nil else { throw BenchFailure("one output folder only (\(argument)?)") }
                options.output = URL(fileURLWithPath: argument)
            }
        }
        return options
    }
}

func runSuite(_ options: Options) async -> Int32 {
    let scale = options.scale
    let work = FileManager.default.temporaryDirectory.appending(path: "sotay-bench-\(UUID().uuidString)")
    // SOTAY_BENCH_KEEP=1 keeps the generated databases, to profile a query with the sqlite3 shell.
    let keep = ProcessInfo.processInfo.environment["SOTAY_BENCH_KEEP"] == "1"
    defer { if keep { say("kept \(work.path)") } else { try? FileManager.default.removeItem(at: work) } }
    let pack: ContentPack
    do {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        pack = try ContentPack.bundled()
    } catch {
        say("sotay-bench: cannot start: \(BenchFailure.describe(error))")
        return 1
    }
    let month = ReportMonth(containing: Date()).previous
    let checkout = Checkout.current()
    if scale.smoke { say("smoke run: every benchmark on tiny data; the figures check the suite, they measure nothing") }
    say("binaries: \(Sotay.productsDirectory.path); \(checkout.text)")

    var results: [BenchResult] = []
    let suiteStart = Date()
    for benchmark in benchmarks where options.only?.contains(benchmark.id) ?? true {
        say("— \(benchmark.id)")
        let start = Date()
        var figures: [BenchResult]
        do {
            try checkBinaries(benchmark.runs)
            switch benchmark.id {
            case "goodput": figures = try await SyncBench.goodput(work: work, pack: pack, scale: scale)
            case "incremental": figures = try await SyncBench.incremental(work: work, pack: pack, scale: scale)
            case "first-sync": figures = try await SyncBench.firstSync(work: work, pack: pack, scale: scale)
            case "ingest": figures = try await SyncBench.ingest(work: work, pack: pack, scale: scale)
            case "ingest-pg":
                figures = try await PostgresBench.ingest(work: work, pack: pack, scale: scale)
                try await PostgresBench.settle()
            case "report-pg":
                figures = try await PostgresBench.provinceReport(work: work, pack: pack, month: month, scale: scale)
                try await PostgresBench.settle()
            case "console-pg":
                figures = try await ConsoleBench.postgresPages(work: work, pack: pack, month: month, scale: scale)
                try await PostgresBench.settle()
            case "field": figures = try FieldBench.latency(work: work, pack: pack, month: month, scale: scale)
            case "console": figures = try await ConsoleBench.pages(work: work, pack: pack, month: month, scale: scale)
            case "photos": figures = try await PhotoBench.run(work: work, pack: pack, scale: scale)
            default: figures = ReportBench.all(work: work, pack: pack, month: month, scale: scale)
            }
        } catch {
            figures = [.failed(id: benchmark.id, title: benchmark.title, reason: BenchFailure.describe(error))]
        }
        for figure in figures { say("  " + figure.line(judged: !scale.smoke)) }
        say(String(format: "  (%.0f s)", Date().timeIntervalSince(start)))
        results += figures
    }

    let failed = results.filter { $0.failure != nil }
    if options.only == nil || options.output != nil {
        let folder = options.output ?? (scale.smoke ? work.appending(path: "results") : URL(fileURLWithPath: "bench"))
        do {
            try BenchReport.write(results, to: folder, scale: scale, checkout: checkout)
            say(String(format: "wrote %@/results.json and RESULTS.md in %.0f s", folder.path, Date().timeIntervalSince(suiteStart)))
        } catch {
            say("sotay-bench: could not write the results into \(folder.path): \(BenchFailure.describe(error))")
            return 1
        }
    }
    guard failed.isEmpty else {
        say("sotay-bench: \(failed.count) of \(results.count) figures failed: \(failed.map(\.id).joined(separator: ", "))")
        return 1
    }
    return 0
}

let status: Int32
do throws(BenchFailure) {
    let options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    status = await runSuite(options)
} catch {
    let help = CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h")
    say(help ? error.description : "sotay-bench: \(error.description)")
    status = help ? 0 : 2
}
exit(status)
