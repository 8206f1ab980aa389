import Foundation
import SoTayTestSupport
import Testing

/// `sotay drafts --json` and `sotay log list --json` write their lists without `JSONEncoder`
/// (thousands of entries); what they print must stay exactly what `JSONEncoder` prints.
@Suite("The JSON listings, written by hand, byte for byte as JSONEncoder writes them", .serialized)
struct ListingJSONTests {
    struct Draft: Codable {
        var id: String
        var shortId: String
        var procedureId: String
        var procedureTitle: String
        var residentId: String
        var residentName: String?
        var status: String
        var state: String
        var completeness: Int
        var walkFinished: Bool
        var createdAt: Date
        var updatedAt: Date
    }

    struct Entry: Codable {
        var id: String
        var shortId: String
        var kind: String
        var occurredAt: Date
        var village: String
        var procedureId: String?
        var dossierId: String?
        var residentId: String?
        var outcome: String?
        var reason: String?
        var payment: String?
        var channel: String?
        var outsideCommune: Bool
        var topic: String?
        var participants: Int?
        var satisfaction: Int?
        var notes: String?
        var notesLocked: Bool?
        var undone: Bool
    }

    /// Decodes what the command printed and encodes it again the way `printJSON` does.
    static func reencoded<T: Codable>(_ type: T.Type, _ printed: String) throws -> String {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let value = try decoder.decode(type, from: Data(printed.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    @Test("empty lists, then drafts and entries with quotes, slashes and a locked note")
    func sameBytes() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let noDrafts = try sotay.run(["drafts", "--json"])
        #expect(noDrafts.status == 0, "\(noDrafts.stderr)")
        #expect(noDrafts.stdout == (try Self.reencoded([Draft].self, noDrafts.stdout)))
        let noEntries = try sotay.run(["log", "list", "--json"])
        #expect(noEntries.status == 0, "\(noEntries.stderr)")
        #expect(noEntries.stdout == (try Self.reencoded([Entry].self, noEntries.stdout)))

        let walk = try sotay.run(["guide", "thu-nghiem"], input: "có\nTrần Thị \"Bé\" Bình\nbỏ qua\n05/09/2026\nthoát\n")
        #expect(walk.status == 0, "\(walk.stderr)")
        #expect(try sotay.run(["log", "training", "--topic", "Cài VNeID \"mức 2\" / nộp C:\\hồ sơ", "--participants", "12"]).status == 0)
        #expect(try sotay.run(["log", "visit", "--count", "2", "--notes", "Hộ ông Tư, hẹn tuần sau"]).status == 0)
        #expect(try sotay.run(["log", "communication", "--channel", "zalo"]).status == 0)

        let drafts = try sotay.run(["drafts", "--json"])
        #expect(drafts.status == 0, "\(drafts.stderr)")
        #expect(drafts.stdout == (try Self.reencoded([Draft].self, drafts.stdout)))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let listed = try decoder.decode([Draft].self, from: Data(drafts.stdout.utf8))
        #expect(listed.map(\.residentName) == ["Trần Thị \"Bé\" Bình"])
        // The title comes from the procedure's own file in the library, not the id.
        #expect(listed.first?.procedureTitle != "thu-nghiem")

        let log = try sotay.run(["log", "list", "--json"])
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdout == (try Self.reencoded([Entry].self, log.stdout)))
        #expect(log.stdout.contains("Cài VNeID \\\"mức 2\\\" / nộp C:\\\\hồ sơ"))

        // Without the passphrase, the note is locked and says so.
        var locked = sotay
        locked.environment["SOTAY_PASSPHRASE"] = nil
        let lockedLog = try locked.run(["log", "list", "--json"])
        #expect(lockedLog.status == 0, "\(lockedLog.stderr)")
        #expect(lockedLog.stdout.contains("\"notesLocked\" : true"))
        #expect(lockedLog.stdout == (try Self.reencoded([Entry].self, lockedLog.stdout)))
    }

    @Test("log list shows a month a screen at a time, the newest first; --all and JSON the whole month")
    func paged() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        #expect(try sotay.run(["log", "visit", "--count", "120"]).status == 0)
        #expect(try sotay.run(["log", "training", "--topic", "Mới nhất", "--participants", "3"]).status == 0)
        func lines(_ arguments: [String]) throws -> [String] {
            let result = try sotay.run(["log", "list"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init)
        }
        // This month (at a month's turn, the later entries may fall in the next one: not checked then).
        let all = try lines(["--all"]).filter { $0.hasPrefix("  ") }
        let first = try lines([])
        if all.count == 121 {
            #expect(first.filter { $0.hasPrefix("  ") }.count == 50)
            #expect(first.contains { $0.contains("Mới nhất") }, "page 1 holds the newest entry")
            #expect(first.contains { $0.contains("Trang 1/3 (121 mục") && $0.contains("--page 2") })
            #expect(first.contains { $0.contains("121 mục được tính") })
            let last = try lines(["--page", "3"])
            #expect(last.filter { $0.hasPrefix("  ") }.count == 21)
            #expect(!last.contains { $0.contains("Mới nhất") })
            #expect(last.contains { $0.contains("Trang 3/3") && !$0.contains("--page 4") })
            #expect((try sotay.json(["log", "list", "--json"]) as? [Any])?.count == 121)
            #expect((try sotay.json(["log", "list", "--json", "--page", "2"]) as? [Any])?.count == 50)
        }
        let refused = try sotay.run(["log", "list", "--page", "0"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--page"))
    }
}
