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

    /// `search-queries.tsv`: the first table, short and typed. `search-questions-spoken.tsv`:
    /// questions as residents say them (long, rambling, dialect, without tone marks), written
    /// for issue 16. The expected id is a checklist, or a catalogue code where none covers it.
    static func cases(_ name: String) throws -> [Case] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/\(name)")
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? Case(query: parts[0], expected: parts[1]) : nil
        }
    }

    @Test("top-1 accuracy over both question tables is at least 95%, over the whole catalogue, and no question finds nothing")
    func accuracy() throws {
        let pack = try ContentPack.bundled()
        let index = pack.searchIndex()
        let typed = try Self.cases("search-queries.tsv")
        let spoken = try Self.cases("search-questions-spoken.tsv")
        #expect(typed.count >= 60)
        #expect(spoken.count >= 120)
        let cases = typed + spoken
        let ids = Set(pack.searchEntries.map(\.id))
        #expect(cases.allSatisfy { ids.contains($0.expected) }, "every expected id is a shipped procedure or a catalogue line")
        var misses: [String] = []
        var empty: [String] = []
        var spokenMisses = 0
        for item in cases {
            let found = index.search(item.query, limit: 3).map(\.entry.id)
            if found.isEmpty { empty.append(item.query) }
            if found.first != item.expected {
                misses.append("\(item.query) → \(found.first ?? "nothing") (expected \(item.expected); top 3: \(found))")
                if spoken.contains(where: { $0.query == item.query }) { spokenMisses += 1 }
            }
        }
        let accuracy = Double(cases.count - misses.count) / Double(cases.count)
        let spokenAccuracy = Double(spoken.count - spokenMisses) / Double(max(spoken.count, 1))
        print("Search top-1 accuracy: \(cases.count - misses.count)/\(cases.count) = \(String(format: "%.1f", accuracy * 100))%;"
              + " spoken questions \(spoken.count - spokenMisses)/\(spoken.count) = \(String(format: "%.1f", spokenAccuracy * 100))%")
        for miss in misses { print("  miss: \(miss)") }
        #expect(empty.isEmpty, "found nothing for:\n\(empty.joined(separator: "\n"))")
        #expect(accuracy >= 0.95, "misses:\n\(misses.joined(separator: "\n"))")
        #expect(spokenAccuracy >= 0.95, "misses:\n\(misses.joined(separator: "\n"))")
    }

    @Test("without the lexicon, the everyday words are not understood (the lexicon is what finds them)")
    func lexiconMatters() throws {
        let pack = try ContentPack.bundled()
        let withLexicon = pack.searchIndex()
        let without = SearchIndex(pack.searchEntries)
        for (query, expected) in [("đi đăng ký cưới", "dang-ky-ket-hon"), ("xin LLTP", "ly-lich-tu-phap"), ("ba tui qua doi roi", "dang-ky-khai-tu"),
                                  ("sửa tên cho con", "1.004859")] {
            #expect(withLexicon.search(query, limit: 1).first?.entry.id == expected, "\(query)")
            #expect(without.search(query, limit: 1).first?.entry.id != expected, "\(query) was found without the lexicon: pick a harder one")
        }
    }
}
