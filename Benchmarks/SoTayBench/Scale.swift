import Foundation
import SoTayCore
import SoTayStore
import SoTayTestSupport

/// How much data the suite generates: the sizes the issue names (`make bench`), or a smoke run
/// (`sotay-bench --smoke`, part of `make test`) that goes through every figure's code on tiny
/// data, so that the suite cannot break unnoticed, in well under a minute on a debug build.
struct Scale: Sendable {
    var smoke: Bool

    // Field latency (benchmark 4).
    var drafts: Int
    var activities: Int
    var commandRuns: Int
    var searchQueries: Int
    var searchRounds: Int
    /// scrypt's cost in the stores whose commands are timed: what `sotay init` gives a volunteer
    /// (2^17) in a real run; the lowest Sổ Tay accepts (2^14) in a smoke run on a debug build.
    var logN: Int

    // Sync over a bad link (benchmarks 1 and 6).
    var dossiers: Int
    var photosPerDossier: Int
    var photoBytes: Int
    var link: FaultProxy.Faults

    // Incremental sync (benchmark 2).
    var alreadySynced: Int
    var idleRuns: Int
    /// First sync (benchmark 2b): dossiers ready on a laptop that never synced.
    var firstSyncDossiers: Int

    // Hub ingest (benchmark 3).
    var clients: Int
    var dossiersPerClient: Int

    // Monthly report (benchmark 5).
    var volunteerActivities: Int
    var hubActivities: Int
    var reportRuns: Int

    // The province hub on PostgreSQL (issue #18).
    var postgresClients: [Int]
    /// Each client's dossiers (half that with 500 clients or more).
    var postgresDossiersPerClient: Int
    var provinceActivities: Int
    var provinceCommunes: Int

    /// The village link of the issue: 1 Mbit/s each way, 150 ms one-way delay (300 ms round
    /// trip, and one more for each new connection's handshake), and the link dropping after
    /// every 1 MB from the laptop, taking every open connection with it (a reset).
    static let badLink = FaultProxy.Faults(bytesPerSecond: 125_000, latency: .milliseconds(150), resetOnCut: true,
                                           cutLinkEveryUpstreamBytes: 1_000_000, handshakeRoundTrip: true)

    static let full = Scale(
        smoke: false,
        drafts: 10_000, activities: 100_000, commandRuns: 7, searchQueries: 400, searchRounds: 5, logN: KeyDerivation.standardLogN,
        dossiers: 20, photosPerDossier: 2, photoBytes: 300 * 1024, link: badLink,
        alreadySynced: 10_000, idleRuns: 5, firstSyncDossiers: 10_000,
        clients: 50, dossiersPerClient: 20,
        volunteerActivities: 100_000, hubActivities: 1_000_000, reportRuns: 5,
        postgresClients: [50, 500], postgresDossiersPerClient: 20, provinceActivities: 10_000_000, provinceCommunes: 100)

    /// The same link, only faster and cut more often, so that a few hundred kilobytes still meet
    /// several cuts and a reset, in a second or two.
    static let smokeRun = Scale(
        smoke: true,
        drafts: 20, activities: 500, commandRuns: 1, searchQueries: 40, searchRounds: 1, logN: KeyDerivation.minimumLogN,
        dossiers: 2, photosPerDossier: 1, photoBytes: 120 * 1024,
        link: FaultProxy.Faults(bytesPerSecond: 1_000_000, latency: .milliseconds(5), resetOnCut: true,
                                cutLinkEveryUpstreamBytes: 100_000, handshakeRoundTrip: true),
        alreadySynced: 20, idleRuns: 1, firstSyncDossiers: 30,
        clients: 3, dossiersPerClient: 2,
        volunteerActivities: 1_000, hubActivities: 5_000, reportRuns: 1,
        postgresClients: [3, 6], postgresDossiersPerClient: 2, provinceActivities: 5_000, provinceCommunes: 10)

    /// 10,000 → "10,000", as the titles write counts.
    static func count(_ number: Int) -> String {
        let digits = String(number)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }

    /// 100,000 → "100k", 1,000,000 → "1m": the short form in figure ids.
    static func short(_ number: Int) -> String {
        number >= 1_000_000 && number % 1_000_000 == 0 ? "\(number / 1_000_000)m"
            : number >= 1000 && number % 1000 == 0 ? "\(number / 1000)k" : String(number)
    }
}

/// Why a figure could not be measured, in one line: the command, its exit status and the last
/// lines it printed, or the error that stopped the benchmark before it got there.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }

    /// A command that failed: how it was run, how it ended, and what it said last.
    init(command: String, status: Int32?, output: String, what: String? = nil) {
        let ended = status.map { "exited with status \($0)" } ?? "ended"
        let said = Self.lastLines(output)
        description = "`\(command)` \(what ?? ended)" + (said.isEmpty ? " and printed nothing" : "; last lines: \(said)")
    }

    /// A binary the suite runs is not there.
    static func missing(_ executable: URL) -> BenchFailure {
        BenchFailure("\(executable.path) is missing: `make bench` builds every binary the suite runs (`swift build -c release`), "
                     + "`make test` the debug ones (`swift build --build-tests`)")
    }

    /// Any error as one line: a `BenchFailure` as it is, Sổ Tay's own errors by their English
    /// message, others by their description or, when that is empty, their type and case.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let failure as BenchFailure: return failure.description
        case let message as any LocalizedMessage: return oneLine(message.message(.en))
        default:
            let text = String(describing: error).trimmingCharacters(in: .whitespacesAndNewlines)
            return oneLine(text.isEmpty ? String(reflecting: error) : text)
        }
    }

    /// The last three non-empty lines of `output`, joined on one line and cut to 400 characters.
    static func lastLines(_ output: String) -> String {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return oneLine(lines.suffix(3).joined(separator: " ⏎ "))
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
        return flat.count > 400 ? "…" + flat.suffix(400) : flat
    }
}
