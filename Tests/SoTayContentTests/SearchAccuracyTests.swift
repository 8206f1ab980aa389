import Foundation
import Testing
@testable import SoTayContent
@testable import SoTayCore

@Suite("Finding the right procedure the way residents ask")
struct SearchAccuracyTests {
    struct Case: CustomStringConvertible {
        var query: String
        var expected: String
        var description: String { "\(query) → \(expected)" }
    }

    static func cases() throws -> [Case] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/search-queries.tsv")
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? Case(query: parts[0], expected: parts[1]) : nil
        }
    }

    @Test("top-1 accuracy over the question table is at least 90%, over the whole catalogue")
    func accuracy() throws {
        let pack = try ContentPack.bundled()
        let index = SearchIndex(pack.searchEntries)
        let cases = try Self.cases()
        #expect(cases.count >= 60)
        let ids = Set(pack.procedures.map(\.id))
        #expect(cases.allSatisfy { ids.contains($0.expected) }, "every expected id is a shipped procedure")
        var misses: [String] = []
        for item in cases {
            let found = index.search(item.query, limit: 3).map(\.entry.id)
            if found.first != item.expected { misses.append("\(item.query) → \(found.first ?? "nothing") (expected \(item.expected); top 3: \(found))") }
        }
        let accuracy = Double(cases.count - misses.count) / Double(cases.count)
        print("Search top-1 accuracy: \(cases.count - misses.count)/\(cases.count) = \(String(format: "%.1f", accuracy * 100))%")
        for miss in misses { print("  miss: \(miss)") }
        #expect(accuracy >= 0.9, "misses:\n\(misses.joined(separator: "\n"))")
    }
}
