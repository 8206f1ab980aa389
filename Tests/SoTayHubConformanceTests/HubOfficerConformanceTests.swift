import Foundation
@testable import SoTayHub
import SoTayWire
import Testing

/// What the officers' routes read, on both stores: on SQLite (one commune) an officer sees every
/// dossier; on PostgreSQL only their commune's, and another commune's dossier is "not found".
@Suite("Hub officer scoping")
struct HubOfficerConformanceTests {
    /// The `HubError` a call threw, as its case and values ("nil" when it threw none, or another error).
    static func refusal(_ body: () async throws -> Void) async -> String {
        do {
            try await body()
            return "nil"
        } catch let error as HubError {
            return String(describing: error)
        } catch {
            return "another error: \(error)"
        }
    }

    @Test(arguments: Backend.enabled)
    func anOfficerSeesTheirCommunesDossiersOnly(_ backend: Backend) async throws {
        let hub = try await StoreUnderTest.make(backend)
        defer { Task { await hub.close() } }
        let repository = hub.repository
        let officers: any HubOfficerRepository = try #require(hub.sqlite.map { $0 as any HubOfficerRepository } ?? hub.postgres)
        let otherCommune = backend == .postgres ? "Xã Gia Lộc" : "Xã An Bình"
        let (_, ours, _) = try await HubRepositoryConformanceTests.enrol(repository, name: "Nguyễn Thị Lan", commune: "Xã An Bình")
        let (_, theirs, _) = try await HubRepositoryConformanceTests.enrol(repository, name: "Trần Văn Bình", commune: otherCommune)
        var stored: [String] = []
        for device in [ours, theirs] {
            let upload = DossierUpload.sample()
            let body = String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self)
            guard case .stored = try await repository.storeDossier(upload, body: body, device: device, now: Date()) else {
                Issue.record("a dossier was not stored"); return
            }
            stored.append(upload.id)
        }
        let officer: HubStaff
        if let postgres = hub.postgres {
            // Two communes: an officer must name theirs, and an unknown one is refused.
            #expect(await Self.refusal { _ = try await postgres.addStaff(role: .officer, name: "Lê Thị Hoa", commune: nil, now: Date()) } == "officerNeedsCommune")
            #expect(await Self.refusal { _ = try await postgres.addStaff(role: .officer, name: "Lê Thị Hoa", commune: "Xã Không Có", now: Date()) }
                    == #"communeNotFound("Xã Không Có")"#)
            #expect(await Self.refusal { _ = try await postgres.addStaff(role: .admin, name: "Quản trị", commune: "Xã An Bình", now: Date()) }
                    == "communeForOfficersOnly")
            officer = try await postgres.addStaff(role: .officer, name: "Lê Thị Hoa", commune: "Xã An Bình", now: Date()).staff
            #expect(try await postgres.commune(ofStaff: officer.id) == "Xã An Bình")
        } else {
            officer = try await repository.addStaff(role: .officer, name: "Lê Thị Hoa", now: Date()).staff
            // A SQLite hub is one commune: no province to read.
            #expect(await Self.refusal { _ = try await repository.addStaff(role: .province, name: "Sở", now: Date()) } == "provinceNeedsPostgres")
        }

        let queue = try await officers.dossierSummaries(status: nil, limit: 50, visibleTo: officer).map(\.id)
        let filtered = try await officers.dossierSummaries(status: .received, limit: 50, visibleTo: officer).map(\.id)
        #expect(try await officers.dossierSummaries(status: .completed, limit: 50, visibleTo: officer).isEmpty)
        #expect(try await officers.dossier(stored[0], visibleTo: officer).residentName == "Trần Văn Bình")
        switch backend {
        case .sqlite:
            #expect(Set(queue) == Set(stored) && Set(filtered) == Set(stored))
            #expect(try await officers.dossier(stored[1], visibleTo: officer).id == stored[1])
        case .postgres:
            #expect(queue == [stored[0]] && filtered == [stored[0]])
            #expect(await Self.refusal { _ = try await officers.dossier(stored[1], visibleTo: officer) } == "dossierNotFound(\"\(stored[1])\")")
            // A revoked officer's row no longer opens anything, even before the token check.
            _ = try await repository.revokeStaff(officer.id, role: .officer, now: Date())
            #expect(try await officers.dossierSummaries(status: nil, limit: 50, visibleTo: officer).isEmpty)
            #expect(await Self.refusal { _ = try await officers.dossier(stored[0], visibleTo: officer) } == "dossierNotFound(\"\(stored[0])\")")
        }
        let summary = try await officers.dossierSummary(try await repository.dossier(stored[0]))
        #expect(summary.volunteer == "Nguyễn Thị Lan" && summary.status == .received)
        #expect(try await officers.devices().map(\.id).sorted() == [ours.id, theirs.id].sorted())
    }
}
