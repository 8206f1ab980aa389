import Foundation
import SoTayContent
import SoTayCore
@testable import SoTayHub
import SoTayReports
import SoTayTestSupport
import SoTayWire
import Testing

/// The monthly report from the same synced logs gives the hand-worked figures on both stores:
/// the same statements, SQLite's dialect and PostgreSQL's.
@Suite("Hub report conformance")
struct HubReportConformanceTests {
    static func upload(_ entry: ReportFixture.Entry) -> ActivityUpload {
        ActivityUpload(id: entry.id, kind: entry.kind, occurredAt: entry.at, village: entry.village, residentId: entry.resident,
                       procedureId: entry.procedure, outcome: entry.outcome, reason: entry.reason, payment: entry.payment, channel: entry.channel,
                       outsideCommune: entry.outsideCommune ? true : nil, topic: entry.topic, participants: entry.participants,
                       satisfaction: entry.satisfaction)
    }

    @Test(arguments: Backend.enabled)
    func theFixtureMonthGivesTheHandWorkedFigures(_ backend: Backend) async throws {
        let me = try await HubRepositoryConformanceTests.enrolled(backend)
        defer { Task { await me.hub.close() } }
        // The undo entries go first: the entries they take back arrive after them.
        var uploads = ReportFixture.entries.filter(\.undone).map { entry in
            ActivityUpload(id: UUID().uuidString.lowercased(), kind: "undo", occurredAt: entry.at, village: entry.village, retracts: entry.id)
        }
        uploads += ReportFixture.entries.map(Self.upload)
        _ = try await me.hub.repository.storeActivities(ActivityBatch(activities: uploads), device: me.device, now: Date())

        let reports: any HubReportRepository = try #require(me.hub.sqlite.map { $0 as any HubReportRepository } ?? me.hub.postgres)
        let pack = try ContentPack.bundled()
        let builder = ReportBuilder(indicators: pack.indicators, procedures: pack.procedures, language: .vi)
        let month = try #require(ReportMonth(ReportFixture.month))
        let report = try await reports.report(month: month, scope: .init(kind: .commune, commune: "Xã An Bình"), by: nil, builder: builder)
        #expect(report.entries == ReportFixture.entryCount)
        for (id, want) in ReportFixture.figures {
            let figure = try #require(report.figure(id))
            #expect(abs((figure.value ?? -1) - (want.value ?? -1)) < 0.051 && figure.numerator == want.numerator && figure.denominator == want.denominator, "\(id)")
        }
        for (id, want) in ReportFixture.breakdowns {
            #expect(report.breakdown(id).map { Dictionary(uniqueKeysWithValues: $0.rows.map { ($0.key, $0.value) }) } == want, "\(id)")
        }
        let byVillage = try await reports.report(month: month, scope: .init(kind: .commune, commune: "Xã An Bình"), by: .village, builder: builder)
        #expect(byVillage.grouping?.groups.reduce(0) { $0 + $1.entries } == ReportFixture.entryCount)
    }
}
