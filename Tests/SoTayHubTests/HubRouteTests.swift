import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SoTayCore
@testable import SoTayHub
import SoTayWire
import Testing

@Suite("Hub: enrolment, auth and ownership")
struct HubAuthTests {
    @Test("Health answers without a token, with the protocol header and the hub's key")
    func health() async throws {
        let hub = try HubFixture()
        try await hub.app().test(.router) { client in
            let response = try await client.json(.get, "/v1/health")
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name(WireProtocol.header)!] == "1")
            #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let health = try response.decode(HealthReply.self)
            #expect(health.service == "sotay-hub")
            #expect(health.hubKey == hub.store.signingKey.publicKey)
        }
    }

    @Test("A code enrols one device once; a reused, wrong or expired code is refused")
    func enrolmentCodes() async throws {
        let hub = try HubFixture()
        let lan = try hub.volunteer()
        let code = try hub.code(for: lan)
        let expired = try hub.code(for: lan, validity: 60, now: Date().addingTimeInterval(-3600))
        try await hub.app().test(.router) { client in
            // Typed as read aloud: lower case, a space instead of the dash.
            let reply = try await client.enroll(code.lowercased().replacingOccurrences(of: "-", with: " "))
            #expect(reply.volunteer.name == "Nguyễn Thị Lan")
            #expect(reply.token.count > 40)
            for bad in [code, expired, "ABCD-EFGH"] {
                let response = try await client.json(.post, "/v1/enroll", body: try WireProtocol.encoder().encode(EnrollRequest(code: bad, deviceName: "x")))
                #expect(response.status == .forbidden)
                #expect(response.errorCode == .invalidCode)
            }
        }
        #expect(try hub.store.devices().count == 1)
        // Only the token's hash is kept.
        let stored = try hub.store.devices()[0]
        #expect(stored.tokenHash.count == 64)
    }

    @Test("Failed enrolments from one address are rate-limited")
    func enrolmentRateLimit() async throws {
        let hub = try HubFixture()
        let lan = try hub.volunteer()
        let code = try hub.code(for: lan)
        try await hub.app(enrollFailuresAllowed: 3).test(.router) { client in
            for _ in 0..<3 {
                let response = try await client.json(.post, "/v1/enroll", body: try WireProtocol.encoder().encode(EnrollRequest(code: "WRNG-CODE", deviceName: "x")))
                #expect(response.status == .forbidden)
            }
            // Even the right code waits now: guessing is what the limit is for.
            let blocked = try await client.json(.post, "/v1/enroll", body: try WireProtocol.encoder().encode(EnrollRequest(code: code, deviceName: "x")))
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
        }
        #expect(try hub.store.devices().isEmpty)
    }

    @Test("Failed tokens from one address are rate-limited, while a valid token from that address still goes through")
    func authRateLimit() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        try await hub.app(authFailuresAllowed: 2).test(.router) { client in
            let device = try await client.enroll(code)
            for _ in 0..<2 { #expect(try await client.json(.get, "/v1/changes", token: "sotay_guess").status == .unauthorized) }
            let blocked = try await client.json(.get, "/v1/changes", token: "sotay_guess")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.errorCode == .rateLimited)
            #expect(try await client.json(.get, "/v1/changes", token: device.token).status == .ok)
        }
    }

    @Test("No token, a wrong token and a revoked device are refused with 401, and nothing changes")
    func unauthorized() async throws {
        let hub = try HubFixture()
        let lan = try hub.volunteer()
        let code = try hub.code(for: lan)
        try await hub.app().test(.router) { client in
            let reply = try await client.enroll(code)
            let upload = DossierUpload.sample()
            let none = try await client.json(.put, "/v1/dossiers/\(upload.id)", body: try WireProtocol.encoder().encode(upload))
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] != nil)
            let wrong = try await client.put(upload, token: reply.token + "x")
            #expect(wrong.status == .unauthorized)
            #expect(try hub.dossierCount() == 0)

            #expect(try await client.put(upload, token: reply.token).status == .created)
            _ = try hub.store.revokeDevice(reply.deviceId)
            let revoked = try await client.put(DossierUpload.sample(), token: reply.token)
            #expect(revoked.status == .unauthorized)
            #expect(revoked.errorCode == .unauthorized)
            #expect(try await client.json(.get, "/v1/changes", token: reply.token).status == .unauthorized)
        }
        #expect(try hub.dossierCount() == 1)
    }

    @Test("A volunteer cannot read or overwrite another volunteer's dossier")
    func ownership() async throws {
        let hub = try HubFixture()
        let lanCode = try hub.code(for: try hub.volunteer())
        let minhCode = try hub.code(for: try hub.volunteer("Phạm Văn Minh", village: "Thôn Tây"))
        try await hub.app().test(.router) { client in
            let lan = try await client.enroll(lanCode)
            let minh = try await client.enroll(minhCode)
            let upload = DossierUpload.sample()
            #expect(try await client.put(upload, token: lan.token).status == .created)

            let read = try await client.json(.get, "/v1/dossiers/\(upload.id)", token: minh.token)
            #expect(read.status == .notFound)
            var overwrite = upload
            overwrite.revision = 2
            overwrite.answers["resident_name"] = .text("Kẻ mạo danh")
            let write = try await client.put(overwrite, token: minh.token)
            #expect(write.status == .forbidden)
            #expect(write.errorCode == .forbidden)

            let own = try await client.json(.get, "/v1/dossiers/\(upload.id)", token: lan.token)
            #expect(try own.decode(DossierState.self).revisions.count == 1)
        }
        let stored = try hub.store.dossier(try hub.store.dossiers()[0].id)
        #expect(stored.residentName == "Trần Văn Bình")
        #expect(stored.latestRevision == 1)
    }
}

@Suite("Hub: dossiers, activities and the change feed")
struct HubSyncTests {
    @Test("The same revision again gets the same receipt; the receipt verifies with the hub's key")
    func idempotentPut() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        try await hub.app().test(.router) { client in
            let device = try await client.enroll(code)
            let upload = DossierUpload.sample()
            let first = try await client.put(upload, token: device.token)
            let second = try await client.put(upload, token: device.token)
            #expect(first.status == .created)
            #expect(second.status == .ok)
            let a = try first.decode(DossierAccepted.self)
            let b = try second.decode(DossierAccepted.self)
            #expect(a == b)
            #expect(a.kind == .original)
            #expect(a.receipt.isSigned(by: device.hubKey))
            #expect(a.receipt.contentSHA256 == Hashes.sha256Hex(try WireProtocol.encoder().encode(upload)))
            var tampered = a.receipt
            tampered.receivedAt = "2020-01-01T00:00:00.000Z"
            #expect(!tampered.isSigned(by: device.hubKey))
        }
        #expect(try hub.revisionCount() == 1)
    }

    @Test("A later revision is kept beside the first as a supplement; an older or conflicting one is refused")
    func revisions() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        try await hub.app().test(.router) { client in
            let device = try await client.enroll(code)
            var upload = DossierUpload.sample(revision: 2)
            #expect(try await client.put(upload, token: device.token).status == .created)

            var older = upload
            older.revision = 1
            let stale = try await client.put(older, token: device.token)
            #expect(stale.status == .conflict)
            #expect(stale.errorCode == .staleRevision)

            var changed = upload
            changed.answers["ghi_chu"] = .text("khác")
            let conflict = try await client.put(changed, token: device.token)
            #expect(conflict.status == .conflict)
            #expect(conflict.errorCode == .revisionConflict)

            _ = try hub.store.setStatus(upload.id, to: .needsSupplement, reason: "Thiếu giấy chứng sinh")
            upload.revision = 3
            upload.answers["giay_chung_sinh"] = .bool(true)
            let supplement = try await client.put(upload, token: device.token)
            #expect(supplement.status == .created)
            let accepted = try supplement.decode(DossierAccepted.self)
            #expect(accepted.kind == .supplement)
            #expect(accepted.status == .received)
        }
        let dossier = try hub.store.dossiers()[0]
        #expect(try hub.store.revisions(of: dossier.id).map(\.revision) == [2, 3])
        #expect(try hub.store.revisions(of: dossier.id).map(\.kind) == [.original, .supplement])
    }

    @Test("Invalid JSON, invalid fields, a wrong content type and an oversized body store nothing")
    func badBodies() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        try await hub.app().test(.router) { client in
            let device = try await client.enroll(code)
            let id = UUID().uuidString.lowercased()
            let broken = try await client.json(.put, "/v1/dossiers/\(id)", token: device.token, body: Data("{\"id\": ".utf8))
            #expect(broken.status == .badRequest)
            #expect(broken.errorCode == .invalidJSON)

            let invalidUTF8 = try await client.json(.put, "/v1/dossiers/\(id)", token: device.token, body: Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]))
            #expect(invalidUTF8.status == .badRequest)

            var upload = DossierUpload.sample(id: id)
            upload.revision = 0
            upload.village = ""
            let invalid = try await client.put(upload, token: device.token)
            #expect(invalid.status == .badRequest)
            let body = try invalid.decode(ErrorBody.self)
            #expect(body.error == .invalidField)
            #expect(Set(body.fields?.map(\.field) ?? []) == ["revision", "village"])

            let mismatch = try await client.json(.put, "/v1/dossiers/\(UUID().uuidString.lowercased())", token: device.token,
                                                 body: try WireProtocol.encoder().encode(DossierUpload.sample(id: id)))
            #expect(mismatch.status == .badRequest)

            let missing = try await client.json(.put, "/v1/dossiers/\(id)", token: device.token, body: Data("{\"id\": \"\(id)\"}".utf8))
            #expect(missing.status == .badRequest)
            #expect(missing.errorCode == .invalidField)

            let form = try await client.json(.put, "/v1/dossiers/\(id)", token: device.token, body: Data("a=b".utf8), contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType)

            var huge = DossierUpload.sample(id: id)
            huge.answers["ghi_chu"] = .text(String(repeating: "ă", count: WireProtocol.maxDossierBody))
            let tooLarge = try await client.put(huge, token: device.token)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorCode == .bodyTooLarge)
        }
        #expect(try hub.dossierCount() == 0)
    }

    @Test("Activities are stored once by id, and a batch with one bad activity stores none")
    func activities() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        try await hub.app().test(.router) { client in
            let device = try await client.enroll(code)
            let batch = ActivityBatch(activities: (0..<3).map { _ in
                ActivityUpload(id: UUID().uuidString.lowercased(), kind: "visit", occurredAt: Date(), village: "Thôn Đông")
            })
            let body = try WireProtocol.encoder().encode(batch)
            let first = try await client.json(.post, "/v1/activities", token: device.token, body: body)
            #expect(try first.decode(ActivityBatchReply.self) == ActivityBatchReply(accepted: 3, duplicates: 0))
            let again = try await client.json(.post, "/v1/activities", token: device.token, body: body)
            #expect(try again.decode(ActivityBatchReply.self) == ActivityBatchReply(accepted: 0, duplicates: 3))

            var mixed = ActivityBatch(activities: [ActivityUpload(id: UUID().uuidString.lowercased(), kind: "training", occurredAt: Date(), village: "Thôn Đông", participants: 12)])
            mixed.activities.append(ActivityUpload(id: "not-a-uuid", kind: "visit", occurredAt: Date(), village: "Thôn Đông", satisfaction: 9))
            let refused = try await client.json(.post, "/v1/activities", token: device.token, body: try WireProtocol.encoder().encode(mixed))
            #expect(refused.status == .badRequest)
            #expect(try refused.decode(ErrorBody.self).fields?.map(\.field) == ["activities[1].id", "activities[1].satisfaction"])
        }
        let count = try hub.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM activity") }
        #expect(count == 3)
    }

    @Test("The change feed gives a volunteer their own status changes and every announcement, after the cursor")
    func changeFeed() async throws {
        let hub = try HubFixture()
        let lanCode = try hub.code(for: try hub.volunteer())
        let minhCode = try hub.code(for: try hub.volunteer("Phạm Văn Minh"))
        try await hub.app().test(.router) { client in
            let lan = try await client.enroll(lanCode)
            let minh = try await client.enroll(minhCode)
            let lanDossier = DossierUpload.sample()
            let minhDossier = DossierUpload.sample()
            _ = try await client.put(lanDossier, token: lan.token)
            _ = try await client.put(minhDossier, token: minh.token)

            let empty = try await client.json(.get, "/v1/changes?since=0", token: lan.token).decode(ChangesPage.self)
            #expect(empty.changes.isEmpty)
            #expect(empty.cursor == "0")

            _ = try hub.store.setStatus(minhDossier.id, to: .submitted, portalCode: "G22.99-261124-0001")
            _ = try hub.store.setStatus(lanDossier.id, to: .needsSupplement, reason: "Thiếu giấy chứng sinh")
            try hub.store.announce("Thứ Bảy làm việc buổi sáng.")

            let page = try await client.json(.get, "/v1/changes?since=0", token: lan.token).decode(ChangesPage.self)
            #expect(page.changes.map(\.kind) == [.status, .announcement])
            #expect(page.changes[0].dossierId == lanDossier.id)
            #expect(page.changes[0].reason == "Thiếu giấy chứng sinh")
            #expect(!page.more)

            let after = try await client.json(.get, "/v1/changes?since=\(page.cursor)", token: lan.token).decode(ChangesPage.self)
            #expect(after.changes.isEmpty)
            #expect(after.cursor == page.cursor)

            let paged = try await client.json(.get, "/v1/changes?since=0&limit=1", token: minh.token).decode(ChangesPage.self)
            #expect(paged.changes.count == 1 && paged.more)
            #expect(paged.changes[0].portalCode == "G22.99-261124-0001")

            #expect(try await client.json(.get, "/v1/changes?since=abc", token: lan.token).status == .badRequest)
            #expect(try await client.json(.get, "/v1/changes?limit=0", token: lan.token).status == .badRequest)
        }
    }

    @Test("An unknown route answers 404 with the protocol's error body")
    func unknownRoute() async throws {
        let hub = try HubFixture()
        try await hub.app().test(.router) { client in
            for (method, uri) in [(HTTPRequest.Method.get, "/"), (.delete, "/v1/dossiers/x"), (.get, "/v2/health"), (.post, "/v1/health")] {
                let response = try await client.json(method, uri)
                #expect(response.status == .notFound, "\(method) \(uri)")
                #expect(response.errorCode == .notFound)
                #expect(response.headers[HTTPField.Name(WireProtocol.header)!] == "1")
            }
        }
    }
}

@Suite("Hub: the revision rule")
struct RevisionRuleTests {
    @Test("Decides from the stored hash and the latest revision alone")
    func decisions() {
        #expect(RevisionRule.decide(revision: 1, contentSHA256: "a", stored: nil, latest: nil) == .store(.original))
        #expect(RevisionRule.decide(revision: 3, contentSHA256: "a", stored: nil, latest: nil) == .store(.original))
        #expect(RevisionRule.decide(revision: 1, contentSHA256: "a", stored: "a", latest: 1) == .repeated)
        #expect(RevisionRule.decide(revision: 1, contentSHA256: "b", stored: "a", latest: 1) == .conflict)
        #expect(RevisionRule.decide(revision: 2, contentSHA256: "b", stored: nil, latest: 1) == .store(.supplement))
        #expect(RevisionRule.decide(revision: 1, contentSHA256: "a", stored: "a", latest: 2) == .repeated)
        #expect(RevisionRule.decide(revision: 1, contentSHA256: "a", stored: nil, latest: 2) == .stale(latest: 2))
    }
}
