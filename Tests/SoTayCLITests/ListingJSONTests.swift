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
}
