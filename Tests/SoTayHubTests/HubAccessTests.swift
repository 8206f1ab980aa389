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

/// A hub with one volunteer's dossier (and its photo), an officer, an admin and a device.
struct StaffedHub {
    let hub: HubFixture
    let officer: String
    let admin: String
    let photo = Data("\u{FF}\u{D8}\u{FF} a photo of a birth certificate".utf8)

    init() throws {
        hub = try HubFixture()
        officer = try hub.store.addStaff(role: .officer, name: "Lê Thị Hoa").token
        admin = try hub.store.addStaff(role: .admin, name: "Đỗ Văn Quản").token
    }

    var photoSHA256: String { Hashes.sha256Hex(photo) }

    /// Enrols a laptop, uploads the photo and sends a dossier naming it. Returns the device's
    /// enrolment and the dossier.
    func volunteerWithDossier(_ client: some TestClientProtocol) async throws -> (EnrollReply, DossierUpload) {
        let device = try await client.enroll(try hub.code(for: try hub.volunteer()))
        let path = try await client.createUpload(for: photo, token: device.token)
        #expect(try await client.patch(path, offset: 0, bytes: photo, token: device.token).status == .noContent)
        var upload = DossierUpload.sample()
        upload.attachments = [AttachmentRef(sha256: photoSHA256, size: Int64(photo.count), mediaType: "image/jpeg", document: "giay_chung_sinh")]
        #expect(try await client.put(upload, token: device.token).status == .created)
        return (device, upload)
    }

    /// The rows about residents' data (reads and decisions); enrolment rows are left out.
    func auditEntries() throws -> [HubAuditEntry] {
        try hub.store.auditEntries().filter { $0.action != .enrollCodeIssued && $0.action != .deviceEnrolled }
    }
}

@Suite("Hub: roles, the audit log and security headers")
struct HubAccessTests {
    enum Holder: String, CaseIterable {
        case none, garbage, device, officer, admin, revokedOfficer
    }

    @Test("Each role is let into its own routes only: no or a bad token is 401, another role's token is 403")
    func roleMatrix() async throws {
        let staffed = try StaffedHub()
        let revoked = try staffed.hub.store.addStaff(role: .officer, name: "Cán bộ đã nghỉ")
        _ = try staffed.hub.store.revokeStaff(revoked.staff.id, role: .officer)
        // Every refused try below is a failed authentication from one address: allow them all.
        try await staffed.hub.app(authFailuresAllowed: 1000).test(.router) { client in
            let (device, dossier) = try await staffed.volunteerWithDossier(client)
            let spare = try await client.enroll(try staffed.hub.code(for: try staffed.hub.volunteer("Phạm Văn Minh")))
            let volunteerId = try #require(try staffed.hub.store.volunteers().first?.id)
            let tokens: [Holder: String] = [
                .garbage: "sotay_off-zzzzzzzz.not-a-secret", .device: device.token, .officer: staffed.officer, .admin: staffed.admin,
                .revokedOfficer: revoked.token,
            ]
            let encoder = WireProtocol.encoder()
            // One request of every route, grouped by the role it is for.
            let routes: [(group: HubRole, method: HTTPRequest.Method, uri: String, body: Data?)] = [
                (.device, .get, "/v1/changes", nil),
                (.device, .get, "/v1/dossiers/\(dossier.id)", nil),
                (.device, .put, "/v1/dossiers/\(dossier.id)", try encoder.encode(dossier)),
                (.device, .post, "/v1/activities", try encoder.encode(ActivityBatch(activities: []))),
                (.device, .post, "/v1/blobs/query", try encoder.encode(BlobQuery(sha256: [staffed.photoSHA256]))),
                (.officer, .get, "/v1/officer/dossiers", nil),
                (.officer, .get, "/v1/officer/dossiers/\(dossier.id)", nil),
                (.officer, .post, "/v1/officer/dossiers/\(dossier.id)/status", try encoder.encode(StatusRequest(status: .submitted, portalCode: "G22.99-1"))),
                (.officer, .get, "/v1/officer/dossiers/\(dossier.id)/attachments/\(staffed.photoSHA256)", nil),
                (.admin, .get, "/v1/admin/devices", nil),
                (.admin, .get, "/v1/admin/audit", nil),
                (.admin, .post, "/v1/admin/enroll-codes", try encoder.encode(EnrollCodeRequest(volunteerId: String(volunteerId)))),
                (.admin, .post, "/v1/admin/devices/\(spare.deviceId)/revoke", nil),
            ]
            for route in routes {
                for holder in Holder.allCases {
                    let response = try await client.json(route.method, route.uri, token: tokens[holder], body: route.body)
                    let expected: HTTPResponse.Status.Kind
                    switch holder {
                    case .none, .garbage, .revokedOfficer: expected = .clientError
                    case .device, .officer, .admin: expected = holder.rawValue == route.group.rawValue ? .successful : .clientError
                    }
                    let label = "\(holder) → \(route.method) \(route.uri)"
                    #expect(response.status.kind == expected, "\(label): \(response.status) \(String(buffer: response.body))")
                    if expected == .clientError {
                        let isOtherRole = [.device, .officer, .admin].contains(holder)
                        #expect(response.status == (isOtherRole ? .forbidden : .unauthorized), "\(label)")
                        #expect(response.errorCode == (isOtherRole ? .forbidden : .unauthorized), "\(label)")
                    }
                }
            }
        }
        // The refusals changed nothing: one status change (the officer's), one revoked device (the admin's).
        #expect(try staffed.hub.store.dossiers().map(\.status) == [.submitted])
        #expect(try staffed.hub.store.devices().filter { $0.revokedAt != nil }.count == 1)
    }

    @Test("Every read of a resident's data writes an audit row naming who, what and from where; the metadata list writes none")
    func auditRowPerRead() async throws {
        let staffed = try StaffedHub()
        var reads = try await staffed.hub.app().test(.router) { client in
            var reads = 0
            let (_, dossier) = try await staffed.volunteerWithDossier(client)
            let list = try await client.json(.get, "/v1/officer/dossiers", token: staffed.officer)
            let summaries = try list.decode(DossierList.self).dossiers
            #expect(summaries.map(\.id) == [dossier.id])
            #expect(!String(buffer: list.body).contains("Trần Văn Bình"), "the queue carries no resident's name")
            #expect(try staffed.auditEntries().isEmpty)

            for _ in 0..<3 {
                let show = try await client.json(.get, "/v1/officer/dossiers/\(dossier.id)", token: staffed.officer)
                #expect(show.status == .ok)
                let detail = try show.decode(DossierDetail.self)
                #expect(detail.residentName == "Trần Văn Bình")
                #expect(detail.revisions.first?.content?.answers["noi_sinh"] == .choice("co_so_y_te"))
                #expect(detail.attachments.map(\.sha256) == [staffed.photoSHA256])
                reads += 1
            }
            for _ in 0..<2 {
                let download = try await client.json(.get, "/v1/officer/dossiers/\(dossier.id)/attachments/\(staffed.photoSHA256)", token: staffed.officer)
                #expect(download.status == .ok)
                #expect(Data(download.body.readableBytesView) == staffed.photo)
                #expect(download.headers[.contentType] == "image/jpeg")
                #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                reads += 1
            }
            // Refused reads show nothing and write nothing.
            #expect(try await client.json(.get, "/v1/officer/dossiers/\(UUID().uuidString.lowercased())", token: staffed.officer).status == .notFound)
            #expect(try await client.json(.get, "/v1/officer/dossiers/\(dossier.id)/attachments/\(String(repeating: "a", count: 64))",
                                          token: staffed.officer).status == .notFound)
            #expect(try await client.json(.get, "/v1/officer/dossiers/\(dossier.id)", token: staffed.admin).status == .forbidden)
            return reads
        }
        // The CLI's reads, made the way `sotay-hub dossiers show` and `dossiers list` make them.
        try staffed.hub.store.appendAudit(.local(user: "quantri"), .dossierShow, dossierIDs: [try staffed.hub.store.dossiers()[0].id])
        reads += 1

        let entries = try staffed.auditEntries()
        let personalReads = entries.filter { $0.action == .dossierShow || $0.action == .attachmentDownload }
        #expect(personalReads.count == reads)
        #expect(personalReads.count == 6)
        let officerRows = entries.filter { $0.actorRole == .officer }
        #expect(officerRows.allSatisfy { $0.actorName == "Lê Thị Hoa" && $0.actorId.hasPrefix("off-") && $0.clientAddress != nil })
        #expect(entries.filter { $0.action == .attachmentDownload }.allSatisfy { $0.blobSHA256 == staffed.photoSHA256 })
        #expect(entries.last?.actorRole == .local)
        #expect(entries.compactMap(\.id) == entries.compactMap(\.id).sorted())
    }

    @Test("Audit rows cannot be changed or deleted, even with SQL on the hub's database")
    func auditIsAppendOnly() throws {
        let hub = try HubFixture()
        try hub.store.appendAudit(.local(user: "quantri"), .dossierShow, dossierIDs: [UUID().uuidString.lowercased()])
        let attempts = [
            "UPDATE auditEntry SET actorName = 'ai đó'",
            "DELETE FROM auditEntry",
            "INSERT OR REPLACE INTO auditEntry (id, at, actorRole, actorId, actorName, action) SELECT id, at, 'local', 'x', 'x', 'dossier.show' FROM auditEntry",
            "INSERT INTO auditEntry (id, at, actorRole, actorId, actorName, action) SELECT id, at, 'local', 'x', 'x', 'dossier.show' FROM auditEntry "
                + "ON CONFLICT (id) DO UPDATE SET actorName = 'x'",
        ]
        for sql in attempts {
            #expect(throws: DatabaseError.self, "\(sql)") {
                try hub.store.writer.write { db in try db.execute(sql: sql) }
            }
        }
        let entries = try hub.store.auditEntries()
        #expect(entries.count == 1)
        #expect(entries[0].actorName == "quantri")
    }

    @Test("An officer's status change reaches the volunteer's change feed; a bad one is a clear 400 and changes nothing")
    func officerSetsStatus() async throws {
        let staffed = try StaffedHub()
        try await staffed.hub.app().test(.router) { client in
            let (device, dossier) = try await staffed.volunteerWithDossier(client)
            let uri = "/v1/officer/dossiers/\(dossier.id)/status"
            let missingReason = try await client.json(.post, uri, token: staffed.officer, body: Data(#"{"status":"needs-supplement"}"#.utf8))
            #expect(missingReason.status == .badRequest)
            #expect(try missingReason.decode(ErrorBody.self).fields?.map(\.field) == ["reason"])
            let unknown = try await client.json(.post, uri, token: staffed.officer, body: Data(#"{"status":"lost"}"#.utf8))
            #expect(unknown.status == .badRequest)
            let notJSON = try await client.json(.post, uri, token: staffed.officer, body: Data("status=completed".utf8))
            #expect(notJSON.status == .badRequest)
            let badID = try await client.json(.post, "/v1/officer/dossiers/..%2F..%2Fhub.sqlite/status", token: staffed.officer,
                                              body: Data(#"{"status":"completed"}"#.utf8))
            #expect(badID.status == .badRequest)
            #expect(try staffed.hub.store.dossiers()[0].status == .received)

            let body = try WireProtocol.encoder().encode(StatusRequest(status: .needsSupplement, reason: "Thiếu giấy chứng sinh bản gốc"))
            let set = try await client.json(.post, uri, token: staffed.officer, body: body)
            #expect(set.status == .ok)
            #expect(try set.decode(DossierSummary.self).status == .needsSupplement)

            let feed = try await client.json(.get, "/v1/changes?since=0", token: device.token).decode(ChangesPage.self)
            #expect(feed.changes.map(\.status) == [.needsSupplement])
            #expect(feed.changes.first?.reason == "Thiếu giấy chứng sinh bản gốc")
        }
        #expect(try staffed.auditEntries().map(\.action) == [.statusChange])
    }

    @Test("The admin makes an enrolment code that enrols a laptop, lists and revokes devices, and pages through the audit log")
    func adminRoutes() async throws {
        let staffed = try StaffedHub()
        let volunteer = try staffed.hub.volunteer()
        try await staffed.hub.app().test(.router) { client in
            let made = try await client.json(.post, "/v1/admin/enroll-codes", token: staffed.admin,
                                             body: try WireProtocol.encoder().encode(EnrollCodeRequest(volunteerId: String(volunteer.id ?? 0))))
            #expect(made.status == .created)
            let code = try made.decode(EnrollCodeReply.self)
            #expect(code.volunteer.name == volunteer.name)
            let device = try await client.enroll(code.code)
            #expect(device.token.hasPrefix("sotay_\(device.deviceId)."))

            let devices = try await client.json(.get, "/v1/admin/devices", token: staffed.admin).decode(DeviceList.self).devices
            #expect(devices.map(\.id) == [device.deviceId])
            let revoke = try await client.json(.post, "/v1/admin/devices/\(device.deviceId)/revoke", token: staffed.admin)
            #expect(try revoke.decode(DeviceInfo.self).revokedAt != nil)
            #expect(try await client.json(.get, "/v1/changes", token: device.token).status == .unauthorized)
            #expect(try await client.json(.post, "/v1/admin/devices/dev-nothere/revoke", token: staffed.admin).status == .notFound)
            #expect(try await client.json(.post, "/v1/admin/enroll-codes", token: staffed.admin, body: Data(#"{"volunteerId":"999"}"#.utf8)).status == .notFound)
            #expect(try await client.json(.post, "/v1/admin/enroll-codes", token: staffed.admin, body: Data(#"{"volunteerId":"-1 OR 1=1"}"#.utf8)).status == .badRequest)

            for _ in 0..<3 { try staffed.hub.store.appendAudit(.local(user: "quantri"), .dossierShow, dossierIDs: [UUID().uuidString.lowercased()]) }
            let first = try await client.json(.get, "/v1/admin/audit?limit=2", token: staffed.admin).decode(AuditLog.self)
            #expect(first.entries.count == 2 && first.more)
            let rest = try await client.json(.get, "/v1/admin/audit?after=\(first.next)", token: staffed.admin).decode(AuditLog.self)
            #expect(rest.entries.count == 3 && !rest.more)
            // The code issued and the device enrolled came first: who, for whom, from where.
            #expect((first.entries + rest.entries).map(\.action) == ["enroll-code.issue", "device.enroll", "dossier.show", "dossier.show", "dossier.show"])
            #expect(first.entries[0].actorRole == "admin" && first.entries[0].volunteerId == String(volunteer.id ?? 0))
            #expect(first.entries[1].actorRole == "device" && first.entries[1].deviceId == device.deviceId && first.entries[1].volunteerId == String(volunteer.id ?? 0))
            let future = try await client.json(.get, "/v1/admin/audit?since=2999-01-01", token: staffed.admin).decode(AuditLog.self)
            #expect(future.entries.isEmpty)
            #expect(try await client.json(.get, "/v1/admin/audit?since=yesterday", token: staffed.admin).status == .badRequest)
            #expect(try await client.json(.get, "/v1/admin/audit?limit=100000", token: staffed.admin).status == .badRequest)
        }
    }

    @Test("Failed officer and admin tokens count against the address like device tokens; a valid one still goes through")
    func staffAuthRateLimit() async throws {
        let staffed = try StaffedHub()
        try await staffed.hub.app(authFailuresAllowed: 3).test(.router) { client in
            #expect(try await client.json(.get, "/v1/officer/dossiers", token: "sotay_off-aaaaaaaa.guess").status == .unauthorized)
            #expect(try await client.json(.get, "/v1/admin/devices", token: "sotay_adm-aaaaaaaa.guess").status == .unauthorized)
            #expect(try await client.json(.get, "/v1/officer/dossiers").status == .unauthorized)
            let blocked = try await client.json(.get, "/v1/admin/audit", token: staffed.officer + "x")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
            #expect(try await client.json(.get, "/v1/officer/dossiers", token: staffed.officer).status == .ok)
        }
    }

    @Test("A device token from before version 4 (no public id) still works; a revoked officer's does not")
    func legacyDeviceToken() async throws {
        let hub = try HubFixture()
        let volunteer = try hub.volunteer()
        let legacy = "sotay_" + String(repeating: "Ab3-", count: 10) + "xyz"
        try hub.store.write { db in
            try HubDevice(id: "dev-legacy01", volunteerId: volunteer.id ?? 0, name: "Laptop cũ", tokenHash: Secrets.hash(legacy),
                          enrolledAt: Date(), revokedAt: nil, lastSeenAt: nil).insert(db)
        }
        try await hub.app().test(.router) { client in
            let accepted = try await client.json(.get, "/v1/changes", token: legacy)
            #expect(accepted.status == .ok)
            #expect(try await client.json(.get, "/v1/changes", token: legacy + "x").status == .unauthorized)
            // The id of one device with the secret of another is no token at all.
            #expect(try await client.json(.get, "/v1/changes", token: "sotay_dev-legacy01." + legacy.dropFirst(6)).status == .unauthorized)
        }
    }

    @Test("Security headers are on a 200, a 401, a 403, a 404, a 413 and a tus response")
    func securityHeaders() async throws {
        let staffed = try StaffedHub()
        try await staffed.hub.app().test(.router) { client in
            let responses = [
                try await client.json(.get, "/v1/health"),
                try await client.json(.get, "/v1/officer/dossiers"),
                try await client.json(.get, "/v1/admin/devices", token: staffed.officer),
                try await client.json(.get, "/v1/no-such-route"),
                try await client.execute(uri: "/v1/health", method: .get, headers: [.contentLength: "5"], body: ByteBuffer(string: "hello")),
                try await client.tus(.options, "/v1/uploads", token: nil),
                try await client.tus(.head, "/v1/uploads/0123", token: staffed.admin),
            ]
            #expect(responses.map(\.status.code) == [200, 401, 403, 404, 413, 204, 403])
            for response in responses {
                let label = "\(response.status)"
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(label)")
                #expect(response.headers[.cacheControl] == "no-store", "\(label)")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(label)")
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!] == "default-src 'none'; frame-ancestors 'none'", "\(label)")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(label)")
                #expect(response.headers[.strictTransportSecurity] == nil, "plain HTTP: \(label)")
            }
        }
    }

    @Test("A hub serving TLS adds Strict-Transport-Security to every response, refusals included")
    func strictTransportSecurity() async throws {
        let hub = try HubFixture()
        var configuration = HubConfiguration(dataDirectory: hub.directory)
        configuration.tlsCertificate = "cert.pem"
        configuration.tlsKey = "key.pem"
        let (router, _) = buildRouter(store: hub.store, configuration: configuration)
        try await Application(router: router).test(.router) { client in
            for uri in ["/v1/health", "/v1/changes", "/nothing"] {
                let response = try await client.json(.get, uri)
                #expect(response.headers[.strictTransportSecurity] == "max-age=31536000", "\(uri)")
            }
        }
    }

    @Test("A route that takes no body refuses one, announced or streamed")
    func noBodyRoutes() async throws {
        let staffed = try StaffedHub()
        try await staffed.hub.app().test(.router) { client in
            let announced = try await client.execute(uri: "/v1/officer/dossiers", method: .get,
                                                     headers: [.authorization: "Bearer \(staffed.officer)", .contentLength: "1048576"],
                                                     body: ByteBuffer(repeating: 0x41, count: 1 << 20))
            #expect(announced.status == .contentTooLarge)
            #expect(announced.errorCode == .bodyTooLarge)
            let streamed = try await client.execute(uri: "/v1/health", method: .get, headers: [:], body: ByteBuffer(string: "x"))
            #expect(streamed.status == .contentTooLarge)
            let revoke = try await client.execute(uri: "/v1/admin/devices/dev-x/revoke", method: .post,
                                                  headers: [.authorization: "Bearer \(staffed.admin)"], body: ByteBuffer(string: "{}"))
            #expect(revoke.status == .contentTooLarge)
            let big = try await client.json(.post, "/v1/admin/enroll-codes", token: staffed.admin,
                                             body: Data(("{\"volunteerId\":\"" + String(repeating: "9", count: 20_000) + "\"}").utf8))
            #expect(big.status == .contentTooLarge)
        }
    }

    @Test("Officers' and admins' tokens are kept only as hashes, and revoking one stops it at once")
    func staffTokens() async throws {
        let hub = try HubFixture()
        let (officer, token) = try hub.store.addStaff(role: .officer, name: "Lê Thị Hoa")
        #expect(token.hasPrefix("sotay_\(officer.id)."))
        #expect(officer.id.hasPrefix("off-"))
        #expect(token.count > 50)
        let stored = try hub.store.read { db in try String.fetchAll(db, sql: "SELECT tokenHash FROM staff") }
        #expect(stored == [Secrets.hash(token)])
        let secret = Data(token.dropFirst("sotay_".count + officer.id.count + 1).utf8)
        for file in try FileManager.default.contentsOfDirectory(atPath: hub.directory.path) where file.hasPrefix("hub.sqlite") {
            let raw = try Data(contentsOf: hub.directory.appending(path: file))
            #expect(raw.range(of: secret) == nil, "\(file)")
        }
        #expect(throws: HubError.self) { try hub.store.addStaff(role: .officer, name: "") }
        #expect(throws: HubError.self) { try hub.store.revokeStaff(officer.id, role: .admin) }
        try await hub.app().test(.router) { client in
            #expect(try await client.json(.get, "/v1/officer/dossiers", token: token).status == .ok)
            _ = try hub.store.revokeStaff(officer.id, role: .officer)
            #expect(try await client.json(.get, "/v1/officer/dossiers", token: token).status == .unauthorized)
        }
    }
}

@Suite("Hub: secrets compared in constant time")
struct ConstantTimeTests {
    @Test("Equal bytes are equal; a difference anywhere, or another length, is not")
    func comparison() {
        let hash = Array(Secrets.hash("sotay_off-abc.secret").utf8)
        #expect(constantTimeEquals(hash, hash))
        #expect(constantTimeEquals([UInt8](), [UInt8]()))
        for index in [0, hash.count / 2, hash.count - 1] {
            var other = hash
            other[index] ^= 0x01
            #expect(!constantTimeEquals(hash, other), "differs at \(index)")
        }
        #expect(!constantTimeEquals(hash, hash.dropLast()))
        #expect(!constantTimeEquals(hash, hash + [0]))
    }

    @Test("A bearer token is read only in its two shapes; anything else is no token")
    func tokenShapes() {
        #expect(BearerToken("sotay_off-k7pxm3qa.c2VjcmV0")?.kind == .officer)
        #expect(BearerToken("sotay_adm-k7pxm3qa.c2VjcmV0")?.kind == .admin)
        #expect(BearerToken("sotay_dev-k7pxm3qa.c2VjcmV0")?.kind == .device)
        #expect(BearerToken("sotay_c2VjcmV0")?.id == nil)
        #expect(BearerToken("sotay_xyz-k7pxm3qa.c2VjcmV0")?.kind == nil)
        for bad in ["", "sotay_", "sotay_.x", "sotay_a.", "sotay_a.b.c", "token", "sotay_a b", "sotay_ä", String(repeating: "a", count: 500)] {
            #expect(BearerToken(bad) == nil, "\(bad.prefix(20))")
        }
        #expect(BearerToken(authorization: "Bearer sotay_abc")?.text == "sotay_abc")
        #expect(BearerToken(authorization: "Basic c2VjcmV0") == nil)
        let made = BearerToken.make(id: BearerToken.newID(.officer))
        #expect(BearerToken(made)?.kind == .officer)
        #expect(BearerToken(made)?.matches(storedHash: Secrets.hash(made)) == true)
        #expect(BearerToken(made)?.matches(storedHash: Secrets.hash(made + "x")) == false)
    }
}
