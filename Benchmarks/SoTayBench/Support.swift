import Foundation
import GRDB
import SoTayCore
import SoTayReports
import SoTayStore

/// One figure of the suite, or a benchmark that could not be measured (`failure` says why).
struct BenchResult: Codable {
    var id: String
    var title: String
    /// Absent when the figure failed.
    var value: Double?
    var unit: String
    var target: String
    var detail: String
    var met: Bool
    var failure: String?

    init(id: String, title: String, value: Double, unit: String, target: String, detail: String, met: Bool) {
        self.id = id
        self.title = title
        self.value = value
        self.unit = unit
        self.target = target
        self.detail = detail
        self.met = met
    }

    /// A figure (or a whole benchmark, by its id) that could not be measured.
    static func failed(id: String, title: String, target: String = "", reason: String) -> BenchResult {
        var result = BenchResult(id: id, title: title, value: 0, unit: "", target: target, detail: "", met: false)
        result.value = nil
        result.failure = reason
        return result
    }

    /// The figure on one line; `judged` false (a smoke run) leaves out whether the target was met.
    func line(judged: Bool) -> String {
        if let failure { return "✗ \(id) FAILED: \(failure)" }
        return String(format: "%@  %.2f %@  (%@; target %@)%@", id, value ?? 0, unit, detail, target, !judged ? "" : met ? " ✓" : " ✗ MISSED")
    }
}

enum Timing {
    /// The best wall time of `runs` runs after one warm-up: the least disturbed by the machine.
    static func best(of runs: Int, _ body: () throws -> Void) throws -> Double {
        try body()
        var best = Double.infinity
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    /// The wall time of each of `runs` runs, after one warm-up.
    /// `runs` timings of `body` after one untimed run; `before` runs untimed before each.
    static func samples(_ runs: Int, before: () throws -> Void = {}, _ body: () throws -> Void) throws -> [Double] {
        try before()
        try body()
        return try (0..<runs).map { _ in
            try before()
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }
}

/// The `sqlite3` command-line shell (Debian package `sqlite3`).
enum SQLiteShell {
    static let executable = URL(fileURLWithPath: "/usr/bin/sqlite3")

    static func run(database: String, script: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw BenchFailure("\(executable.path) is missing: the report figures compare with the sqlite3 shell (`apt-get install sqlite3`; scripts/install-deps.sh installs it)")
        }
        try CommandLineTool.run(executable, ["-readonly", database, ".read \(script.path)"],
                                shown: "sqlite3 -readonly \(database) .read \(script.lastPathComponent)")
    }
}

/// Another program the suite compares with (the sqlite3 shell, psql), run to its end, its
/// output dropped; a failure is one line with what it said on standard error.
enum CommandLineTool {
    static func run(_ executable: URL, _ arguments: [String], shown: String) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchFailure(command: shown, status: process.terminationStatus, output: String(decoding: problem, as: UTF8.self))
        }
    }
}

/// A report statement with its values written into the SQL, for the sqlite3 shell.
enum SQLText {
    static func inline(_ statement: ReportStatement) -> String {
        var values = statement.arguments.makeIterator()
        var sql = ""
        for character in statement.sql {
            guard character == "?", let value = values.next() else {
                sql.append(character)
                continue
            }
            switch value {
            case .integer(let number): sql += String(number)
            case .text(let text): sql += "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
            case .date(let date): sql += "'" + (String.fromDatabaseValue(date.databaseValue) ?? "") + "'"
            }
        }
        return sql
    }
}

/// Synthetic outreach work: random but seeded, spread over a month with a tenth outside it.
struct ActivityGenerator {
    var seed: UInt64
    var month: ReportMonth
    var procedures: [String]

    func records(count: Int) -> [ActivityRecord] {
        var records: [ActivityRecord] = []
        records.reserveCapacity(count)
        forEach(count: count) { _, record in records.append(record) }
        return records
    }

    /// Makes the records one at a time, so a million need not sit in memory at once.
    func forEach(count: Int, _ body: (Int, ActivityRecord) throws -> Void) rethrows {
        var random = SeededRandom(state: seed)
        let (start, end) = month.interval
        let span = end.timeIntervalSince(start)
        let residents = (0..<max(count / 4, 1)).map { _ in UUID().uuidString.lowercased() }
        for index in 0..<count {
            let kind = ActivityKind.logged.randomElement(using: &random) ?? .visit
            let inMonth = index % 10 != 0
            let at = inMonth ? start.addingTimeInterval(Double.random(in: 0..<span, using: &random))
                             : end.addingTimeInterval(Double.random(in: 0..<(20 * 86_400), using: &random))
            var record = ActivityRecord(kind: kind.rawValue, occurredAt: at, village: "Thôn \(Int.random(in: 0..<12, using: &random))")
            switch kind {
            case .guidance:
                record.procedureId = procedures.randomElement(using: &random)
                record.residentId = Bool.random(using: &random) ? residents.randomElement(using: &random) : nil
                record.outcome = GuidanceOutcome.allCases.randomElement(using: &random)?.rawValue
                if record.outcome == GuidanceOutcome.notYet.rawValue { record.reason = NotYetReason.allCases.randomElement(using: &random)?.rawValue }
                record.payment = PaymentWay.allCases.randomElement(using: &random)?.rawValue
                record.outsideCommune = Int.random(in: 0..<10, using: &random) == 0
                record.satisfaction = Int.random(in: 0..<6, using: &random) == 0 ? nil : Int.random(in: 1...5, using: &random)
            case .training, .communication:
                record.participants = Int.random(in: 5...60, using: &random)
            default:
                break
            }
            try body(index, record)
        }
    }

    /// Writes activities straight into a hub database, as if many laptops had synced them.
    func fillHub(path: String, count: Int) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO activity (id, volunteerId, deviceId, kind, occurredAt, village, procedureId, body, receivedAt,
                                      residentId, outcome, reason, payment, outsideCommune, participants, satisfaction, undone)
                VALUES (?, ?, 'bench', ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try forEach(count: count) { index, record in
                // Ids in ascending order: each insert appends to the table's B-tree instead of
                // landing at a random page, which makes a million rows seconds instead of a minute.
                let id = String(format: "%08x-0000-4000-8000-%012x", index, index)
                try statement.execute(arguments: [id, index % 30 + 1, record.kind, record.occurredAt, record.village, record.procedureId,
                                                  record.occurredAt, record.residentId, record.outcome, record.reason, record.payment,
                                                  record.outsideCommune, record.participants, record.satisfaction, index % 97 == 0])
            }
        }
    }
}

/// bench/results.json and bench/RESULTS.md.
enum BenchReport {
    static func write(_ results: [BenchResult], to folder: URL, scale: Scale, checkout: Checkout) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let machine = Machine.describe()
        let date = ISO8601DateFormatter().string(from: Date())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        struct File: Encodable { var date: String; var checkout: Checkout; var machine: String; var smoke: Bool; var results: [BenchResult] }
        try encoder.encode(File(date: date, checkout: checkout, machine: machine, smoke: scale.smoke, results: results))
            .write(to: folder.appending(path: "results.json"))
        let failed = results.filter { $0.failure != nil }.count
        let met = results.filter(\.met).count
        var markdown = "# Benchmark results\n\n"
        markdown += "`\(scale.smoke ? "sotay-bench --smoke" : "make bench")` at \(checkout.text), \(date), on \(machine).\n\n"
        if scale.smoke { markdown += "**A smoke run on tiny data: these figures check that the suite runs, they measure nothing.**\n\n" }
        markdown += "\(results.count - failed) figures measured, \(met) met their target, \(results.count - failed - met) missed"
        markdown += failed > 0 ? "; **\(failed) failed** (no figure, the reason in the last column).\n\n" : ".\n\n"
        markdown += "Each figure is a ratio against a baseline measured in the same run, a count, or (latency, memory) the limit the issue sets; the column on the right has the absolute times and the baselines.\n\n"
        markdown += "| figure | value | target | met | measured |\n|---|---|---|---|---|\n"
        for result in results {
            if let failure = result.failure {
                markdown += "| \(cell(result.title)) | — | \(cell(result.target)) | **failed** | \(cell(failure)) |\n"
            } else {
                markdown += "| \(cell(result.title)) | \(String(format: "%.2f", result.value ?? 0)) \(result.unit) | \(cell(result.target)) | \(result.met ? "✓" : "✗") | \(cell(result.detail)) |\n"
            }
        }
        try markdown.write(to: folder.appending(path: "RESULTS.md"), atomically: true, encoding: .utf8)
    }

    /// Text inside a table cell: a pipe would end the cell.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}

/// The commit the suite measures: `git rev-parse HEAD` in the current folder (where `make bench`
/// runs), and whether tracked files had changed since.
struct Checkout: Encodable {
    /// nil when the folder is not a git checkout (an unpacked archive) or git is missing.
    var commit: String?
    var uncommittedChanges: Bool

    static func current() -> Checkout {
        guard let head = git(["rev-parse", "HEAD"]), !head.isEmpty else { return Checkout(commit: nil, uncommittedChanges: false) }
        let changed = git(["status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
        return Checkout(commit: head, uncommittedChanges: changed)
    }

    /// `"commit": null` outside a git checkout, rather than no key at all.
    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case commit, uncommittedChanges }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(commit, forKey: .commit)
        try container.encode(uncommittedChanges, forKey: .uncommittedChanges)
    }

    /// "commit `…`", for RESULTS.md.
    var text: String {
        guard let commit else { return "a folder that is not a git checkout (no commit to name)" }
        return "commit `\(commit)`" + (uncommittedChanges ? " with uncommitted changes" : "")
    }

    /// Standard output of a git command, trimmed; nil when git is missing or fails.
    private static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

enum Machine {
    static func describe() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        let memory = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("MemTotal") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }.map { "\($0 / 1024 / 1024) GB RAM" } ?? ""
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), \(memory)"
    }
}
