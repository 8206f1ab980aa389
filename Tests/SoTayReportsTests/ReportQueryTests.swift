import Foundation
import SoTayContent
import SoTayCore
import SoTayReports
import SoTayStore
import Testing

/// SplitMix64: a seeded generator, so a failing case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("The SQL made from the indicator definitions counts what the definitions say")
struct ReportQueryTests {
    /// The slow, obvious way: every entry checked against every definition in Swift.
    static func bruteForce(_ indicators: [Indicator], _ entries: [ActivityRecord], month: ReportMonth, procedures: [String: Procedure])
        -> (figures: [String: (Double?, Int?, Int?)], breakdowns: [String: [String: Int]]) {
        let counted = entries.filter { $0.undoneAt == nil && $0.kind != "undo" && month.contains($0.occurredAt) }
        func matching(_ filter: ActivityFilter) -> [ActivityRecord] {
            counted.filter { filter.matches(kind: $0.kind, outcome: $0.outcome, reason: $0.reason, payment: $0.payment, satisfaction: $0.satisfaction,
                                            outsideCommune: $0.outsideCommune) }
        }
        func measure(_ measure: Indicator.Measure, _ rows: [ActivityRecord]) -> Int {
            switch measure {
            case .activities: rows.count
            case .participants: rows.reduce(0) { $0 + ($1.participants ?? 0) }
            case .residents: Set(rows.compactMap(\.residentId)).count + rows.filter { $0.residentId == nil }.count
            }
        }
        var figures: [String: (Double?, Int?, Int?)] = [:]
        var breakdowns: [String: [String: Int]] = [:]
        for indicator in indicators {
            switch indicator.shape {
            case .total(let kind, let filter):
                figures[indicator.id] = (Double(measure(kind, matching(filter))), nil, nil)
            case .share(let of, let subset):
                let denominator = matching(of).count, numerator = matching(of.and(subset)).count
                figures[indicator.id] = (denominator == 0 ? nil : Double(numerator) * 100 / Double(denominator), numerator, denominator)
            case .breakdown(let dimension, let kind, let filter):
                let groups = Dictionary(grouping: matching(filter)) { entry -> String in
                    switch dimension {
                    case .procedure: entry.procedureId ?? ""
                    case .field: entry.procedureId.flatMap { procedures[$0]?.field.rawValue } ?? "khac"
                    case .village: entry.village
                    case .kind: entry.kind
                    case .reason: entry.reason ?? ""
                    case .volunteer: "Lan"
                    }
                }
                breakdowns[indicator.id] = groups.mapValues { measure(kind, $0) }.filter { $0.value > 0 }
            }
        }
        return (figures, breakdowns)
    }

    static func randomEntries(_ count: Int, using generator: inout SeededGenerator, procedures: [String]) -> [ActivityRecord] {
        let residents = (0..<8).map { _ in UUID().uuidString.lowercased() }
        let start = ReportFixtureClock.september.timeIntervalSince1970
        return (0..<count).map { _ in
            let kind = ActivityKind.logged.randomElement(using: &generator) ?? .visit
            var entry = ActivityRecord(kind: kind.rawValue, occurredAt: Date(timeIntervalSince1970: start + Double.random(in: 0..<(91 * 86_400), using: &generator)),
                                       village: ["Thôn Đông", "Thôn Tây", "Xóm Bãi"].randomElement(using: &generator) ?? "Thôn Đông")
            if Bool.random(using: &generator) { entry.residentId = residents.randomElement(using: &generator) }
            if kind == .guidance || Int.random(in: 0..<10, using: &generator) == 0 {
                entry.procedureId = procedures.randomElement(using: &generator)
                entry.outcome = ([nil] + GuidanceOutcome.allCases.map(\.rawValue)).randomElement(using: &generator) ?? nil
                entry.reason = ([nil] + NotYetReason.allCases.map(\.rawValue)).randomElement(using: &generator) ?? nil
                entry.payment = ([nil] + PaymentWay.allCases.map(\.rawValue)).randomElement(using: &generator) ?? nil
                entry.outsideCommune = Bool.random(using: &generator)
                entry.satisfaction = ([nil] + (1...5).map { $0 }).randomElement(using: &generator) ?? nil
            }
            if Bool.random(using: &generator) { entry.participants = Int.random(in: 1...60, using: &generator) }
            return entry
        }
    }

    @Test("random months of entries: the report equals the brute-force count", arguments: 1...12)
    func matchesBruteForce(seed: UInt64) throws {
        var generator = SeededGenerator(state: seed)
        let pack = try ContentPack.bundled()
        let procedures = Dictionary(uniqueKeysWithValues: pack.procedures.map { ($0.id, $0) })
        let folder = FileManager.default.temporaryDirectory.appending(path: "sotay-query-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Store.open(directory: folder)
        let entries = Self.randomEntries(300, using: &generator, procedures: pack.procedures.map(\.id))
        try store.logActivities(entries)
        for entry in entries where Int.random(in: 0..<8, using: &generator) == 0 { try store.undoActivity(entry.id) }
        let stored = try store.activities()
        let month = try #require(ReportMonth("2026-10"))
        let report = try ReportBuilder(indicators: pack.indicators, procedures: pack.procedures, language: .vi)
            .build(month: month, scope: .init(kind: .volunteer, commune: "Xã"), table: store.reportTable(volunteer: "Lan"), database: store)
        let expected = Self.bruteForce(pack.indicators, stored, month: month, procedures: procedures)
        for figure in report.figures {
            let want = try #require(expected.figures[figure.id])
            #expect(figure.value == want.0 && figure.numerator == want.1 && figure.denominator == want.2, "seed \(seed) \(figure.id)")
        }
        for breakdown in report.breakdowns {
            #expect(Dictionary(uniqueKeysWithValues: breakdown.rows.map { ($0.key, $0.value) }) == expected.breakdowns[breakdown.id], "seed \(seed) \(breakdown.id)")
        }
    }

    @Test("a split report's groups add up to the whole for counts")
    func groupsAddUp() throws {
        var generator = SeededGenerator(state: 99)
        let pack = try ContentPack.bundled()
        let folder = FileManager.default.temporaryDirectory.appending(path: "sotay-query-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Store.open(directory: folder)
        try store.logActivities(Self.randomEntries(400, using: &generator, procedures: pack.procedures.map(\.id)))
        let builder = ReportBuilder(indicators: pack.indicators, procedures: pack.procedures, language: .vi)
        let report = try builder.build(month: try #require(ReportMonth("2026-10")), scope: .init(kind: .volunteer, commune: "Xã"),
                                       table: store.reportTable(volunteer: "Lan"), by: .village, database: store)
        let grouping = try #require(report.grouping)
        #expect(grouping.groups.map(\.label) == ["Thôn Đông", "Thôn Tây", "Xóm Bãi"])
        #expect(grouping.groups.reduce(0) { $0 + $1.entries } == report.entries)
        for figure in report.figures where figure.kind == .count && figure.id != "nguoi-dan-duoc-huong-dan" {
            let sum = grouping.groups.reduce(0.0) { $0 + ($1.figures.first { $0.id == figure.id }?.value ?? 0) }
            #expect(sum == figure.value, "\(figure.id)")
        }
    }
}

enum ReportFixtureClock {
    /// 1 September 2026, 00:00 in Vietnam.
    static let september = Date(timeIntervalSince1970: 1_788_195_600)
}
