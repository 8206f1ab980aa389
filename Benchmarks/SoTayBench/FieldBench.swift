import Foundation
import SoTayCore
import SoTayStore
import SoTayTestSupport

/// Benchmark 4: what the volunteer waits for, on a store that has been used for months.
enum FieldBench {
    static let drafts = 10_000
    static let activities = 100_000
    static let runs = 7

    static func latency(work: URL, pack: ContentPack, month: ReportMonth) throws -> [BenchResult] {
        let folder = work.appending(path: "field-laptop")
        let store = try LaptopFiller.prepare(folder)
        try LaptopFiller(profile: LaptopFiller.profile, procedureID: "dang-ky-khai-sinh", packVersion: pack.version, seed: 4)
            .fill(folder, count: drafts, ready: false)
        try store.logActivities(ActivityGenerator(seed: 4, month: month, procedures: pack.procedures.map(\.id)).records(count: activities))

        let environment = LaptopEnvironment.of(folder)
        func command(_ arguments: [String]) -> Child { Child(executable: Sotay.binary, arguments: arguments, environment: environment) }
        // The floor: the same binary started to print its version and exit.
        let floor = try Timing.samples(runs) { _ = try command(["--version"]).run() }

        var results: [BenchResult] = []
        let cases: [(id: String, title: String, child: Child, marker: String?)] = [
            ("latency-drafts", "`sotay drafts --json` with 10,000 drafts and 100,000 activities: start to exit", command(["drafts", "--json"]), nil),
            ("latency-procedures", "`sotay procedures \"khai sinh\"`: start to exit", command(["procedures", "khai sinh"]), nil),
            ("latency-home", "`sotay`: start to the first prompt of the home menu", command([]), "Chọn 1–6"),
        ]
        for item in cases {
            var failure: String?
            let sample = try Timing.samples(runs) {
                let outcome = try item.child.run(until: item.marker)
                if item.marker == nil && outcome.status != 0 { failure = outcome.output }
            }
            if let failure { throw Child.Failed(description: "\(item.id) failed: \(failure.prefix(500))") }
            let median = Percentile.of(sample, 0.5)
            results.append(BenchResult(
                id: item.id, title: item.title, value: median * 1000, unit: "ms", target: "< 150 ms",
                detail: String(format: "median of %d (worst %.0f ms); `sotay --version` %.0f ms", runs, (sample.max() ?? 0) * 1000,
                               Percentile.of(floor, 0.5) * 1000),
                met: median < 0.150))
        }
        results.append(search(pack))
        return results
    }

    /// Search over the whole library, in-process: what each keystroke of the procedure prompt
    /// costs. The baseline is a plain scan: every title and alias folded once beforehand, and
    /// each query folded and looked for as a substring in all of them.
    static func search(_ pack: ContentPack) -> BenchResult {
        let entries = pack.searchEntries
        let index = pack.searchIndex()
        var random = SeededRandom(state: 8)
        var queries = ["khai sinh", "lam the can cuoc", "giấy phép lái xe", "ly lich tu phap", "dang ky ket hon", "hộ kinh doanh", "vneid muc 2", "xyz"]
        // Real titles, their first words, folded and cut short as someone still typing: 400 in all.
        while queries.count < 400, let entry = entries.randomElement(using: &random) {
            let words = entry.title.split(separator: " ").map(String.init)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: queries.append(entry.title)
            case 1: queries.append(words.prefix(2).joined(separator: " "))
            case 2: queries.append(VietnameseFolding.fold(words.prefix(3).joined(separator: " ")))
            default: queries.append(String(entry.title.prefix(Int.random(in: 3...12, using: &random))))
            }
        }
        let folded = entries.map { ([$0.title] + $0.aliases).map(VietnameseFolding.fold) }
        var timings: [Double] = []
        var scans: [Double] = []
        var found = 0
        for _ in 0..<5 {
            for query in queries {
                let start = DispatchTime.now().uptimeNanoseconds
                found += index.search(query).count
                timings.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                let scanStart = DispatchTime.now().uptimeNanoseconds
                let needle = VietnameseFolding.fold(query)
                found += folded.filter { $0.contains { $0.contains(needle) } }.count
                scans.append(Double(DispatchTime.now().uptimeNanoseconds - scanStart) / 1e9)
            }
        }
        let p99 = Percentile.of(timings, 0.99)
        return BenchResult(
            id: "search-p99", title: "Procedure search in-process over the whole library (\(entries.count) entries): p99",
            value: p99 * 1000, unit: "ms", target: "< 2 ms",
            detail: String(format: "%d searches, median %.3f ms; a plain folded-substring scan: p99 %.3f ms (%d hits)", timings.count,
                           Percentile.of(timings, 0.5) * 1000, Percentile.of(scans, 0.99) * 1000, found),
            met: p99 < 0.002)
    }
}
