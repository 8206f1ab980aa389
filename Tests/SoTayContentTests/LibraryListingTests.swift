import Foundation
import Testing
@testable import SoTayContent
@testable import SoTayCore

@Suite("The library's listing: read back whole, and searched exactly as the library")
struct LibraryListingTests {
    /// The question tables, and names of the library as someone still typing them.
    static func queries(_ pack: ContentPack) throws -> [String] {
        var queries = try SearchAccuracyTests.cases("search-queries.tsv").map(\.query)
            + SearchAccuracyTests.cases("search-questions-spoken.tsv").map(\.query)
        for (number, entry) in pack.searchEntries.enumerated() where number % 19 == 0 {
            queries.append(entry.title)
            queries.append(String(entry.title.prefix(3 + number % 10)))
            queries.append(VietnameseFolding.fold(entry.title.split(separator: " ").prefix(2).joined(separator: " ")))
        }
        queries += ["1.001193", "xyz", "", "   ", "bao tu", "LLTP"]
        return queries
    }

    @Test("the bundled library's listing reads back equal to itself, and its search ranks every question as the library's own search")
    func bundledRoundTrip() throws {
        let pack = try ContentPack.bundled()
        let listing = LibraryListing(pack)
        let read = try #require(LibraryListing(serialized: listing.serialized()))
        #expect(read == listing)
        #expect(read.entries.map(\.searchEntry) == pack.searchEntries)
        #expect(read.procedures.map(\.id) == pack.procedures.map(\.id))

        let library = pack.searchIndex()
        let fromListing = read.searchIndex()
        let queries = try Self.queries(pack)
        #expect(queries.count > 300)
        var differing: [String] = []
        for query in queries where library.search(query, limit: 20) != fromListing.search(query, limit: 20) {
            differing.append(query)
        }
        #expect(differing.isEmpty, "ranked differently: \(differing.prefix(5))")
    }

    @Test("names with tabs, new lines, backslashes and U+001F, and entries with no English title, level or aliases, read back as they were")
    func escapes() throws {
        let awkward = "a\tb\nc\\d\u{1F}e \\t \\u"
        let listing = LibraryListing(entries: [
            .init(kind: .procedure, id: "x\ty", title: LocalizedText(vi: awkward, en: "\\"), aliases: [awkward, "", "plain"], codes: ["1.0\t2"],
                  level: "xa", field: "", names: [[0, 1], [], [], [3, 3]]),
            .init(kind: .guide, id: "g", title: LocalizedText(vi: "Hướng dẫn"), aliases: [], codes: [], level: nil, field: nil, names: [[]]),
            .init(kind: .catalogue, id: "2.1", title: LocalizedText(vi: "Thủ tục", en: ""), aliases: [], codes: ["2.1"], level: "Cấp xã", field: nil,
                  names: [[2, 0, 10]]),
        ], vocabulary: ["a", "b", "plain", "t\\u", "thu", "tuc", "w\tx", "y\nz", "\u{1F}", "10", "11"], lexicon: SearchLexicon([.init(means: "khai tử", say: ["báo tử", "a\tb"])], ignore: ["em", "muốn\n"]))
        let read = try #require(LibraryListing(serialized: listing.serialized()))
        #expect(read == listing)
        #expect(read.lexicon.terms == listing.lexicon.terms)
        #expect(read.lexicon.ignore == listing.lexicon.ignore)
    }

    @Test("a text cut short, of another format or damaged is not read as a listing")
    func damaged() throws {
        let text = LibraryListing(try ContentPack.bundled()).serialized()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let cases: [(String, String)] = [
            ("cut in the middle of a line", String(text.prefix(text.count / 2))),
            ("no last new line", String(text.dropLast())),
            ("another format", "sotay-library-listing 1\n" + lines.dropFirst().joined(separator: "\n")),
            ("no vocabulary", lines.filter { !$0.hasPrefix("w\t") }.joined(separator: "\n")),
            ("a word number past the vocabulary", text.replacingOccurrences(of: "\n", with: " 99999\n")
                .replacingOccurrences(of: "sotay-library-listing 2 99999", with: "sotay-library-listing 2")),
            ("a word number that is not one", text.replacingOccurrences(of: "\n", with: " x\n")
                .replacingOccurrences(of: "sotay-library-listing 2 x", with: "sotay-library-listing 2")),
            ("empty", ""),
            ("an entry short of a field", text.replacingOccurrences(of: "\tdang-ky-khai-sinh\t", with: "\tdang-ky-khai-sinh")),
            ("an unknown kind", text.replacingOccurrences(of: "\np\t", with: "\nq\t")),
            ("a bad escape", text.replacingOccurrences(of: "\tdang-ky-khai-sinh\t", with: "\tdang-ky\\x-khai-sinh\t")),
            ("an escape at the end", text.replacingOccurrences(of: "\tdang-ky-khai-sinh\t", with: "\tdang-ky-khai-sinh\\\t")),
            ("names not one per title and alias", text.replacingOccurrences(of: "\n", with: "\u{1F}0\n").replacingOccurrences(of: "sotay-library-listing 2\u{1F}0", with: "sotay-library-listing 2")),
        ]
        for (what, damaged) in cases {
            #expect(damaged != text, "\(what): the damage did not apply")
            #expect(LibraryListing(serialized: damaged) == nil, "\(what)")
        }
    }
}
