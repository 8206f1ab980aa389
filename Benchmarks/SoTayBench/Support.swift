import Foundation
import GRDB
import SoTayCore
import SoTayReports
import SoTayStore

/// One figure of the suite.
struct BenchResult: Codable {
    var id: String
    var title: String
    var value: Double
    var unit: String
    var target: String
    var detail: String
    var met: Bool

    var line: String {
        String(format: "%@  %.2f %@  (%@; target %@) %@", id, value, unit, detail, target, met ? "✓" : "✗ MISSED")
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
    static func samples(_ runs: Int, _ body: () throws -> Void) throws -> [Double] {
        try body()
        return try (0..<runs).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }
}

/// The `sqlite3` command-line shell (Debian package `sqlite3`).
enum SQLiteShell {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func run(database: String, script: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-readonly", database, ".read \(script.path)"]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failed(description: "sqlite3: " + String(decoding: problem, as: UTF8.self)) }
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
    static func write(_ results: [BenchResult], to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let machine = Machine.describe()
        let date = ISO8601DateFormatter().string(from: Date())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        struct File: Encodable { var date: String; var machine: String; var results: [BenchResult] }
        try encoder.encode(File(date: date, machine: machine, results: results)).write(to: folder.appending(path: "results.json"))
        var markdown = "# Benchmark results\n\n`make bench`, \(date), on \(machine).\n\n"
        markdown += "Each figure is a ratio against a baseline measured in the same run, a count, or (latency, memory) the limit the issue sets; the column on the right has the absolute times and the baselines.\n\n"
        markdown += "| figure | value | target | met | measured |\n|---|---|---|---|---|\n"
        for result in results {
            markdown += "| \(result.title) | \(String(format: "%.2f", result.value)) \(result.unit) | \(result.target) | \(result.met ? "✓" : "✗") | \(result.detail) |\n"
        }
        try markdown.write(to: folder.appending(path: "RESULTS.md"), atomically: true, encoding: .utf8)
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
