import Foundation
@testable import SoTayHub
import SoTayWire
import Testing

/// The same tests, two stores: whatever the routes can ask of a repository, the SQLite store
/// and the PostgreSQL store answer alike.
@Suite("Hub repository conformance")
struct HubRepositoryConformanceTests {
    /// A volunteer with an enrolled device, on a fresh store.
    struct Enrolled {
        let hub: StoreUnderTest
        let volunteer: HubVolunteer
        let device: HubDevice
        let token: String
    }

    static func enrolled(_ backend: Backend, name: String = "Nguyễn Thị Lan") async throws -> Enrolled {
        let hub = try await StoreUnderTest.make(backend)
        let (volunteer, device, token) = try await enrol(hub.repository, name: name)
        return Enrolled(hub: hub, volunteer: volunteer, device: device, token: token)
    }

    static func enrol(_ repository: any HubRepository, name: String = "Nguyễn Thị Lan", commune: String = "Xã An Bình",
                      volunteer existing: HubVolunteer? = nil) async throws -> (HubVolunteer, HubDevice, String) {
        let volunteer: HubVolunteer
        if let existing {
            volunteer = existing
        } else {
            volunteer = try await repository.addVolunteer(name: name, village: "Thôn Đông", commune: commune, now: Date())
        }
        let code = try await repository.makeEnrollCode(for: volunteer, validity: 3600, now: Date()).code
        let deviceID = Secrets.newDeviceID()
        let token = BearerToken.make(id: deviceID)
        guard case .enrolled(let device, let enrolledVolunteer) = try await repository.enrol(
            code: code, deviceName: "Laptop \(name)", deviceID: deviceID, tokenHash: Secrets.hash(token), clientAddress: "127.0.0.1", now: Date())
        else { throw ConformanceError.notEnrolled }
        #expect(enrolledVolunteer.id == volunteer.id)
        return (volunteer, device, token)
    }

    enum ConformanceError: Error { case notEnrolled }

    // MARK: - Enrolment and tokens

    @Test(arguments: Backend.enabled)
    func aCodeEnrolsOnceAndTheTokenFindsItsDevice(_ backend: Backend) async throws {
        let hub = try await StoreUnderTest.make(backend)
        defer { Task { await hub.close() } }
        let repository = hub.repository
        let volunteer = try await repository.addVolunteer(name: "Trần Văn Bình", village: "Thôn Tây", commune: "Xã An Bình", now: Date())
        let code = try await repository.makeEnrollCode(for: volunteer, validity: 3600, now: Date()).code
        let token = BearerToken.make(id: "dev-conform1")
        let first = try await repository.enrol(code: code, deviceName: "Laptop", deviceID: "dev-conform1", tokenHash: Secrets.hash(token),
                                               clientAddress: "10.0.0.7", now: Date())
        guard case .enrolled(let device, _) = first else { Issue.record("a fresh code did not enrol"); return }
        // The same code again, even typed differently, is refused; so is a wrong one.
        let again = try await repository.enrol(code: code.lowercased(), deviceName: "Laptop 2", deviceID: "dev-conform2", tokenHash: "x",
                                               clientAddress: nil, now: Date())
        guard case .invalidCode = again else { Issue.record("a used code enrolled again"); return }
        guard case .invalidCode = try await repository.enrol(code: "ABCD-EFGH", deviceName: "L", deviceID: "dev-conform3", tokenHash: "y",
                                                             clientAddress: nil, now: Date()) else { Issue.record("a wrong code enrolled"); return }
        // An expired code is refused.
        let expired = try await repository.makeEnrollCode(for: volunteer, validity: 60, now: Date().addingTimeInterval(-120)).code
        guard case .invalidCode = try await repository.enrol(code: expired, deviceName: "L", deviceID: "dev-conform4", tokenHash: "z",
                                                             clientAddress: nil, now: Date()) else { Issue.record("an expired code enrolled"); return }

        let parsed = try #require(BearerToken(token))
        guard case .device(let found) = try await repository.holder(of: parsed) else { Issue.record("the token found no device"); return }
        #expect(found.id == device.id && found.volunteerId == volunteer.id)
        #expect(try await repository.holder(of: try #require(BearerToken("sotay_dev-conform1.wrongsecret"))) == nil)
        _ = try await repository.revokeDevice(device.id, now: Date())
        #expect(try await repository.holder(of: parsed) == nil)

        // The enrolment is in the audit log, with the address it came from.
        let audit = try await repository.auditEntries(since: nil, after: 0, limit: nil)
        let entry = try #require(audit.first { $0.action == .deviceEnrolled })
        #expect(entry.deviceId == device.id && entry.volunteerId == volunteer.id && entry.clientAddress == "10.0.0.7")
    }

    @Test(arguments: Backend.enabled)
    func staffTokensHoldTheirRoleUntilRevoked(_ backend: Backend) async throws {
        let hub = try await StoreUnderTest.make(backend)
        defer { Task { await hub.close() } }
        let repository = hub.repository
        let (officer, officerToken) = try await repository.addStaff(role: .officer, name: "Cán bộ Hoa", now: Date())
        let (_, adminToken) = try await repository.addStaff(role: .admin, name: "Quản trị Nam", now: Date())
        guard case .staff(let found) = try await repository.holder(of: try #require(BearerToken(officerToken))) else {
            Issue.record("the officer's token found nobody"); return
        }
        #expect(found.id == officer.id && found.role == .officer && found.name == "Cán bộ Hoa")
        guard case .staff(let admin) = try await repository.holder(of: try #require(BearerToken(adminToken))) else {
            Issue.record("the admin's token found nobody"); return
        }
        #expect(admin.role == .admin)
        #expect(try await repository.staff(role: .officer).map(\.id) == [officer.id])
        _ = try await repository.revokeStaff(officer.id, role: .officer, now: Date())
        #expect(try await repository.holder(of: try #require(BearerToken(officerToken))) == nil)
        await #expect(throws: HubError.self) { _ = try await repository.revokeStaff(officer.id, role: .admin, now: Date()) }
    }

    // MARK: - Dossiers

    @Test(arguments: Backend.enabled)
    func aDossierRevisionIsStoredOnceSealedAndRefusedWhenItClashes(_ backend: Backend) async throws {
        let me = try await Self.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let repository = me.hub.repository
        let upload = DossierUpload.sample()
        let body = String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self)
        guard case .stored(let accepted) = try await repository.storeDossier(upload, body: body, device: me.device, now: Date()) else {
            Issue.record("a new dossier was not stored"); return
        }
        #expect(accepted.kind == .original && accepted.status == .received)
        #expect(accepted.receipt.isSigned(by: repository.signingKey.publicKey))
        // A resend answers the same receipt and stores nothing new.
        #expect(try await repository.storeDossier(upload, body: body, device: me.device, now: Date().addingTimeInterval(5)) == .repeated(accepted))
        // Different content under the same revision is a conflict.
        var changed = upload
        changed.satisfiedCount = 3
        let changedBody = String(decoding: try WireProtocol.encoder().encode(changed), as: UTF8.self)
        #expect(try await repository.storeDossier(changed, body: changedBody, device: me.device, now: Date()) == .revisionConflict(revision: 1))
        // Revision 3, then revision 2 (never stored): an old copy, stale.
        var second = upload
        second.revision = 3
        let secondBody = String(decoding: try WireProtocol.encoder().encode(second), as: UTF8.self)
        guard case .stored(let secondAccepted) = try await repository.storeDossier(second, body: secondBody, device: me.device, now: Date()) else {
            Issue.record("revision 2 was not stored"); return
        }
        #expect(secondAccepted.kind == .supplement)
        var old = upload
        old.revision = 2
        let oldBody = String(decoding: try WireProtocol.encoder().encode(old), as: UTF8.self)
        #expect(try await repository.storeDossier(old, body: oldBody, device: me.device, now: Date()) == .staleRevision(revision: 2, latest: 3))

        // Another volunteer can neither write nor read it.
        let (_, other, _) = try await Self.enrol(repository, name: "Lê Văn Cường")
        #expect(try await repository.storeDossier(second, body: secondBody, device: other, now: Date()) == .ownedByAnother)
        #expect(try await repository.findDossierState(upload.id, device: other) == nil)
        let state = try #require(try await repository.findDossierState(upload.id, device: me.device))
        #expect(state.revisions.map(\.revision) == [1, 3] && state.revisions.first == accepted.receipt)

        // An attachment the volunteer never uploaded: named, nothing stored.
        var withPhoto = upload
        withPhoto.revision = 4
        withPhoto.attachments = [AttachmentRef(sha256: String(repeating: "ab", count: 32), size: 10, mediaType: "image/jpeg", document: nil)]
        let photoBody = String(decoding: try WireProtocol.encoder().encode(withPhoto), as: UTF8.self)
        #expect(try await repository.storeDossier(withPhoto, body: photoBody, device: me.device, now: Date())
                == .missingBlobs([String(repeating: "ab", count: 32)]))

        // At rest the name and the body are sealed; read back they are whole.
        let dossier = try await repository.dossier(String(upload.id.prefix(8)))
        #expect(dossier.residentName == "Trần Văn Bình")
        let rawName = try #require(try await me.hub.rawText(("SELECT residentName FROM dossier WHERE id = ?", "SELECT resident_name FROM dossier WHERE id = $1"),
                                                        upload.id))
        #expect(!rawName.contains("Bình") && rawName != "Trần Văn Bình")
        let revisions = try await repository.revisions(of: upload.id)
        #expect(revisions.map(\.body) == [body, secondBody])
        let rawBody = try #require(try await me.hub.rawText(("SELECT body FROM dossierRevision WHERE dossierId = ? ORDER BY revision",
                                                             "SELECT body FROM dossier_revision WHERE dossier_id = $1 ORDER BY revision"), upload.id))
        #expect(!rawBody.contains("resident_name"))
    }

    /// A new dossier takes a short path on PostgreSQL (one statement); these are the cases where
    /// it must step aside: a blob not yet held, and the same new dossier arriving several times
    /// at once (a laptop's retry racing its first try, through two serve processes).
    @Test(arguments: Backend.enabled)
    func aNewDossierArrivingManyTimesAtOnceIsStoredOnce(_ backend: Backend) async throws {
        let me = try await Self.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let repository = me.hub.repository
        let device = me.device

        // New, but naming a photo never uploaded: refused with the hash, and nothing written.
        var withPhoto = DossierUpload.sample()
        withPhoto.attachments = [AttachmentRef(sha256: String(repeating: "cd", count: 32), size: 10, mediaType: "image/jpeg", document: nil)]
        let photoBody = String(decoding: try WireProtocol.encoder().encode(withPhoto), as: UTF8.self)
        #expect(try await repository.storeDossier(withPhoto, body: photoBody, device: device, now: Date()) == .missingBlobs([String(repeating: "cd", count: 32)]))
        #expect(try await repository.findDossierState(withPhoto.id, device: device) == nil)

        // Eight copies of one new dossier at once: one stored, seven answered with its receipt.
        let upload = DossierUpload.sample()
        let body = String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self)
        let outcomes = try await withThrowingTaskGroup(of: DossierOutcome.self) { group in
            for _ in 0..<8 { group.addTask { try await repository.storeDossier(upload, body: body, device: device, now: Date()) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let stored = outcomes.compactMap { if case .stored(let accepted) = $0 { accepted } else { nil } }
        let repeated = outcomes.compactMap { if case .repeated(let accepted) = $0 { accepted } else { nil } }
        try #require(stored.count == 1, "outcomes: \(outcomes)")
        #expect(repeated.count == 7 && repeated.allSatisfy { $0.receipt == stored[0].receipt })
        #expect(try await repository.revisions(of: upload.id).map(\.body) == [body])

        // Two different contents of one new dossier at once: one is kept, the other clashes.
        let clash = DossierUpload.sample()
        var changed = clash
        changed.satisfiedCount = 2
        let other = changed
        let bodies = [String(decoding: try WireProtocol.encoder().encode(clash), as: UTF8.self),
                      String(decoding: try WireProtocol.encoder().encode(other), as: UTF8.self)]
        let clashes = try await withThrowingTaskGroup(of: (Int, DossierOutcome).self) { group in
            for index in 0..<8 {
                group.addTask {
                    let pick = index % 2
                    return (pick, try await repository.storeDossier(pick == 0 ? clash : other, body: bodies[pick], device: device, now: Date()))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let kept = try #require(clashes.first { if case .stored = $0.1 { true } else { false } }?.0)
        for (pick, outcome) in clashes {
            switch outcome {
            case .stored: #expect(pick == kept)
            case .repeated: #expect(pick == kept)
            case .revisionConflict(let revision): #expect(pick != kept && revision == 1)
            default: Issue.record("unexpected outcome \(outcome)")
            }
        }
        #expect(clashes.filter { if case .stored = $0.1 { true } else { false } }.count == 1)
        #expect(try await repository.revisions(of: clash.id).map(\.body) == [bodies[kept]])
    }

    // MARK: - Activities

    @Test(arguments: Backend.enabled)
    func activitiesAreStoredAllOrNothingAndUndoMarksItsEntry(_ backend: Backend) async throws {
        let me = try await Self.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let repository = me.hub.repository
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let visits = (0..<3).map { _ in ActivityUpload(id: UUID().uuidString.lowercased(), kind: "visit", occurredAt: at, village: "Thôn Đông") }
        #expect(try await repository.storeActivities(ActivityBatch(activities: visits), device: me.device, now: Date())
                == .stored(ActivityBatchReply(accepted: 3, duplicates: 0)))
        let undo = ActivityUpload(id: UUID().uuidString.lowercased(), kind: "undo", occurredAt: at, village: "Thôn Đông", retracts: visits[0].id)
        #expect(try await repository.storeActivities(ActivityBatch(activities: [visits[1], undo]), device: me.device, now: Date())
                == .stored(ActivityBatchReply(accepted: 1, duplicates: 1)))

        // Someone else's id in a batch: refused, and the new entries beside it are not stored.
        let (_, other, _) = try await Self.enrol(repository, name: "Lê Văn Cường")
        let fresh = ActivityUpload(id: UUID().uuidString.lowercased(), kind: "visit", occurredAt: at, village: "Thôn Tây")
        #expect(try await repository.storeActivities(ActivityBatch(activities: [fresh, visits[2]]), device: other, now: Date())
                == .ownedByAnother(activityID: visits[2].id))
        #expect(try await repository.storeActivities(ActivityBatch(activities: [fresh]), device: other, now: Date())
                == .stored(ActivityBatchReply(accepted: 1, duplicates: 0)))

        // The undo marked its entry: what the report counts.
        let undone = try await me.hub.rawText(("SELECT CAST(undone AS TEXT) FROM activity WHERE id = ?", "SELECT undone::text FROM activity WHERE id = $1"),
                                              visits[0].id)
        #expect(undone == "1" || undone == "true")
        let sealed = try #require(try await me.hub.rawText(("SELECT body FROM activity WHERE id = ?", "SELECT body FROM activity WHERE id = $1"), visits[1].id))
        #expect(!sealed.contains("Thôn Đông"))
    }

    // MARK: - The change feed

    @Test(arguments: Backend.enabled)
    func theFeedCarriesDecisionsAnnouncementsAndNoticesInOrder(_ backend: Backend) async throws {
        let me = try await Self.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let repository = me.hub.repository
        let upload = DossierUpload.sample()
        let body = String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self)
        _ = try await repository.storeDossier(upload, body: body, device: me.device, now: Date())

        let start = try await repository.changes(after: 0, limit: 100, device: me.device, now: Date())
        #expect(start.changes.isEmpty, "a device does not hear of its own enrolment")
        let cursor = try #require(Int64(start.cursor))

        _ = try await repository.setStatus(upload.id, to: .needsSupplement, portalCode: nil, reason: "Thiếu giấy chứng sinh", now: Date())
        try await repository.announce("Bộ phận một cửa nghỉ chiều thứ Sáu", now: Date())
        // A second laptop for the same volunteer: the first one hears of it, the new one does not.
        let (_, laptop, _) = try await Self.enrol(repository, volunteer: me.volunteer)
        // A supplement puts the dossier back in the queue, through the feed.
        var supplement = upload
        supplement.revision = 2
        _ = try await repository.storeDossier(supplement, body: String(decoding: try WireProtocol.encoder().encode(supplement), as: UTF8.self),
                                              device: me.device, now: Date())

        var seen: [Change] = []
        var next = cursor
        while true {
            let page = try await repository.changes(after: next, limit: 1, device: me.device, now: Date())
            seen += page.changes
            next = try #require(Int64(page.cursor))
            if !page.more { break }
        }
        #expect(seen.map(\.kind) == [.status, .announcement, .announcement, .status])
        #expect(seen[0].status == .needsSupplement && seen[0].reason == "Thiếu giấy chứng sinh" && seen[0].dossierId == upload.id)
        #expect(seen[1].message == "Bộ phận một cửa nghỉ chiều thứ Sáu")
        #expect(seen[2].message?.contains("Laptop") == true)
        #expect(seen[3].status == .received)
        #expect(try await repository.changes(after: next, limit: 10, device: me.device, now: Date()).changes.isEmpty)
        let laptopSees = try await repository.changes(after: 0, limit: 100, device: laptop, now: Date()).changes
        // The laptop hears of the first device's enrolment, not of its own.
        #expect(laptopSees.map(\.kind) == [.announcement, .status, .announcement, .status])

        // Another volunteer hears the announcement only.
        let (_, other, _) = try await Self.enrol(repository, name: "Lê Văn Cường")
        let theirs = try await repository.changes(after: 0, limit: 100, device: other, now: Date()).changes
        #expect(theirs.map(\.kind) == [.announcement])
    }

    // MARK: - The audit log

    @Test(arguments: Backend.enabled)
    func theAuditLogOnlyGrows(_ backend: Backend) async throws {
        let hub = try await StoreUnderTest.make(backend)
        defer { Task { await hub.close() } }
        let repository = hub.repository
        let actor = AuditActor(role: .officer, id: "off-abcdefgh", name: "Cán bộ Hoa", clientAddress: "10.0.0.9")
        let written = try await repository.appendAudit(actor, .dossierList, dossierIDs: ["d1", "d2"], blobSHA256: nil, volunteerID: nil, now: Date())
        #expect(written.count == 2)
        try await repository.appendAudit(actor, .attachmentDownload, dossierIDs: ["d1"], blobSHA256: "ff", volunteerID: nil, now: Date())
        let all = try await repository.auditEntries(since: nil, after: 0, limit: nil)
        #expect(all.map(\.dossierId) == ["d1", "d2", "d1"] && all.map(\.action) == [.dossierList, .dossierList, .attachmentDownload])
        #expect(all[2].blobSHA256 == "ff" && all[0].clientAddress == "10.0.0.9" && all[0].actorName == "Cán bộ Hoa")
        let page = try await repository.auditEntries(since: nil, after: try #require(all[0].id), limit: 1)
        #expect(page.map(\.id) == [all[1].id])
        #expect(try await repository.auditEntries(since: Date().addingTimeInterval(60), after: 0, limit: nil).isEmpty)

        // Not even someone with a database shell changes or removes a row.
        await #expect(throws: (any Error).self) {
            try await hub.rawExecute(("UPDATE auditEntry SET actorName = 'x'", "UPDATE audit_entry SET actor_name = 'x'"))
        }
        await #expect(throws: (any Error).self) {
            try await hub.rawExecute(("DELETE FROM auditEntry", "DELETE FROM audit_entry"))
        }
        if backend == .postgres {
            await #expect(throws: (any Error).self) { try await hub.rawExecute(("", "TRUNCATE audit_entry")) }
        }
        #expect(try await repository.auditEntries(since: nil, after: 0, limit: nil) == all)
    }
}

extension DossierUpload {
    static func sample(id: String = UUID().uuidString.lowercased(), revision: Int = 1, name: String = "Trần Văn Bình") -> DossierUpload {
        let created = WireDate.truncated(Date(timeIntervalSince1970: 1_795_000_000))
        return DossierUpload(
            id: id, revision: revision, procedureId: "dang-ky-khai-sinh", packVersion: "2026.11.24", residentId: UUID().uuidString.lowercased(),
            village: "Thôn Đông", commune: "Xã An Bình", requiredCount: 4, satisfiedCount: 4,
            answers: ["resident_name": .text(name), "noi_sinh": .choice("co_so_y_te"), "giay_chung_sinh": .bool(true)],
            createdAt: created, readyAt: created.addingTimeInterval(600))
    }
}

/// Communes: a PostgreSQL hub holds many; a SQLite hub is one, its volunteers'.
@Suite("Hub communes")
struct HubCommuneConformanceTests {
    @Test(arguments: Backend.enabled)
    func communesAreListedWithTheirVolunteers(_ backend: Backend) async throws {
        let hub = try await StoreUnderTest.make(backend)
        defer { Task { await hub.close() } }
        let communes: any HubCommuneRepository = try #require(hub.sqlite.map { $0 as any HubCommuneRepository } ?? hub.postgres)
        _ = try await hub.repository.addVolunteer(name: "Nguyễn Thị Lan", village: "Thôn Đông", commune: "Xã An Bình", now: Date())
        _ = try await hub.repository.addVolunteer(name: "Trần Văn Bình", village: "Thôn Tây", commune: "Xã An Bình", now: Date())
        switch backend {
        case .sqlite:
            let refused = await #expect(throws: HubError.self) { _ = try await communes.addCommune("Xã Gia Lộc", now: Date()) }
            guard case .singleCommune = refused else { Issue.record("a SQLite hub took a second commune"); return }
            #expect(try await communes.communeList() == [HubCommune(name: "Xã An Bình", volunteers: 2)])
        case .postgres:
            #expect(try await communes.addCommune(" Xã Gia Lộc ", now: Date()) == HubCommune(name: "Xã Gia Lộc", volunteers: 0))
            #expect(try await communes.addCommune("Xã An Bình", now: Date()) == HubCommune(name: "Xã An Bình", volunteers: 2))
            #expect(try await communes.communeList() == [HubCommune(name: "Xã An Bình", volunteers: 2), HubCommune(name: "Xã Gia Lộc", volunteers: 0)])
        }
    }
}
