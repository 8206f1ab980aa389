import Foundation
import GRDB
import HummingbirdTesting
import SoTayContent
import SoTayCore
@testable import SoTayHub
import SoTayReports
import SoTayTestSupport
import SoTayWire
import Testing

@Suite("Hub: the commune's monthly report from the synced logs")
struct HubReportTests {
    static func upload(_ entry: ReportFixture.Entry) -> ActivityUpload {
        ActivityUpload(id: entry.id, kind: entry.kind, occurredAt: entry.at, village: entry.village, residentId: entry.resident,
                       procedureId: entry.procedure, outcome: entry.outcome, reason: entry.reason, payment: entry.payment, channel: entry.channel,
                       outsideCommune: entry.outsideCommune ? true : nil, topic: entry.topic, participants: entry.participants,
                       satisfaction: entry.satisfaction)
    }

    static func undo(_ entry: ReportFixture.Entry) -> ActivityUpload {
        ActivityUpload(id: UUID().uuidString.lowercased(), kind: "undo", occurredAt: entry.at, village: entry.village, retracts: entry.id)
    }

    func report(_ hub: HubFixture, by grouping: Indicator.Dimension? = nil) throws -> Report {
        let pack = try ContentPack.bundled()
        return try ReportBuilder(indicators: pack.indicators, procedures: pack.procedures, language: .vi)
            .build(month: try #require(ReportMonth(ReportFixture.month)), scope: .init(kind: .commune, commune: "Xã An Bình"),
                   table: hub.store.reportTable, by: grouping, database: hub.store)
    }

    @Test("the fixture month sent by one laptop gives the hand-worked figures; an undo that arrives first still counts")
    func fixtureMonth() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        try await hub.app().test(.router) { client in
            let device = try await client.enroll(code)
            // The undo entries go first: the entries they take back arrive after them.
            var uploads = ReportFixture.entries.filter(\.undone).map(Self.undo)
            uploads += ReportFixture.entries.map(Self.upload)
            let body = try WireProtocol.encoder().encode(ActivityBatch(activities: Array(uploads.prefix(2))))
            #expect(try await client.json(.post, "/v1/activities", token: device.token, body: body).status == .ok)
            let rest = try WireProtocol.encoder().encode(ActivityBatch(activities: Array(uploads.dropFirst(2))))
            #expect(try await client.json(.post, "/v1/activities", token: device.token, body: rest).status == .ok)
        }
        let report = try report(hub)
        #expect(report.entries == ReportFixture.entryCount)
        for (id, want) in ReportFixture.figures {
            let figure = try #require(report.figure(id))
            #expect(abs((figure.value ?? -1) - (want.value ?? -1)) < 0.051 && figure.numerator == want.numerator && figure.denominator == want.denominator, "\(id)")
        }
        for (id, want) in ReportFixture.breakdowns {
            #expect(report.breakdown(id).map { Dictionary(uniqueKeysWithValues: $0.rows.map { ($0.key, $0.value) }) } == want, "\(id)")
        }
    }

    @Test("split by volunteer and by village; an undo from another volunteer changes nothing")
    func grouped() async throws {
        let hub = try HubFixture()
        let lan = try hub.code(for: try hub.volunteer("Nguyễn Thị Lan", village: "Thôn Đông"))
        let binh = try hub.code(for: try hub.volunteer("Trần Văn Bình", village: "Thôn Tây"))
        let at = ReportFixture.vietnam(2026, 10, 15)
        let lanVisits = (0..<5).map { _ in ActivityUpload(id: UUID().uuidString.lowercased(), kind: "visit", occurredAt: at, village: "Thôn Đông") }
        let binhVisits = (0..<3).map { _ in ActivityUpload(id: UUID().uuidString.lowercased(), kind: "visit", occurredAt: at, village: "Thôn Tây") }
        try await hub.app().test(.router) { client in
            let first = try await client.enroll(lan), second = try await client.enroll(binh, deviceName: "Laptop thôn Tây")
            for (device, batch) in [(first, lanVisits), (second, binhVisits)] {
                let body = try WireProtocol.encoder().encode(ActivityBatch(activities: batch))
                #expect(try await client.json(.post, "/v1/activities", token: device.token, body: body).status == .ok)
            }
            // Bình tries to take back one of Lan's visits: the hub ignores it.
            let hostile = ActivityUpload(id: UUID().uuidString.lowercased(), kind: "undo", occurredAt: at, village: "Thôn Tây", retracts: lanVisits[0].id)
            let body = try WireProtocol.encoder().encode(ActivityBatch(activities: [hostile]))
            #expect(try await client.json(.post, "/v1/activities", token: second.token, body: body).status == .ok)
        }
        let byVolunteer = try #require(try report(hub, by: .volunteer).grouping)
        #expect(byVolunteer.groups.map(\.label) == ["Nguyễn Thị Lan (số 1)", "Trần Văn Bình (số 2)"])
        #expect(byVolunteer.groups.map { $0.figures.first { $0.id == "ho-gia-dinh-duoc-den" }?.value } == [5, 3])
        let byVillage = try #require(try report(hub, by: .village).grouping)
        #expect(byVillage.groups.map(\.label) == ["Thôn Đông", "Thôn Tây"])
        #expect(byVillage.groups.map(\.entries) == [5, 3])
    }

    @Test("activities stored before the report columns existed are filled in by the migration")
    func migrationFillsColumns() throws {
        let path = FileManager.default.temporaryDirectory.appending(path: "sotay-hub-v2-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try HubMigrations.migrator.migrate(queue, upTo: "v2-blobs")
        let activity = ActivityUpload(id: UUID().uuidString.lowercased(), kind: "guidance", occurredAt: Date(), village: "Thôn Đông",
                                      residentId: UUID().uuidString.lowercased(), outcome: "vneid", participants: 2, satisfaction: 5)
        let body = String(decoding: try WireProtocol.encoder().encode(activity), as: UTF8.self)
        let visit = ActivityUpload(id: UUID().uuidString.lowercased(), kind: "visit", occurredAt: Date(), village: "Thôn Đông")
        let undo = ActivityUpload(id: UUID().uuidString.lowercased(), kind: "undo", occurredAt: Date(), village: "Thôn Đông", retracts: visit.id)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO volunteer (name, village, commune, createdAt) VALUES ('Lan', 'Thôn Đông', 'Xã An Bình', ?)", arguments: [Date()])
            try db.execute(sql: "INSERT INTO device (id, volunteerId, name, tokenHash, enrolledAt) VALUES ('d', 1, 'x', 'h', ?)", arguments: [Date()])
            try db.execute(sql: "INSERT INTO activity (id, volunteerId, deviceId, kind, occurredAt, village, body, receivedAt) VALUES (?, 1, 'd', 'guidance', ?, 'Thôn Đông', ?, ?)",
                           arguments: [activity.id, activity.occurredAt, body, Date()])
            // A visit and, already stored beside it, the undo entry that takes it back.
            for upload in [visit, undo] {
                try db.execute(sql: "INSERT INTO activity (id, volunteerId, deviceId, kind, occurredAt, village, body, receivedAt) VALUES (?, 1, 'd', ?, ?, 'Thôn Đông', ?, ?)",
                               arguments: [upload.id, upload.kind, upload.occurredAt, String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self), Date()])
            }
        }
        try HubMigrations.migrator.migrate(queue)
        let row = try queue.read { db in try Row.fetchOne(db, sql: "SELECT residentId, outcome, participants, satisfaction, undone FROM activity WHERE kind = 'guidance'") }
        let undone = try queue.read { db in try Int.fetchOne(db, sql: "SELECT undone FROM activity WHERE id = ?", arguments: [visit.id]) }
        #expect(undone == 1)
        #expect(row?["residentId"] as String? == activity.residentId)
        #expect(row?["outcome"] as String? == "vneid")
        #expect(row?["participants"] as Int? == 2)
        #expect(row?["satisfaction"] as Int? == 5)
        #expect(row?["undone"] as Int? == 0)
    }
}
