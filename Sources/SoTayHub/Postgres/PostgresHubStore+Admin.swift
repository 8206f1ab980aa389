import Foundation
import PostgresNIO
import SoTayCore
import SoTayWire

/// The admin's and officers' side on PostgreSQL: volunteers, codes, devices, decisions, staff
/// tokens and the audit log. Same checks and the same errors as HubStore+Admin.
extension PostgresHubStore: HubAdminRepository, HubStaffRepository, HubAuditRepository {
    public func addVolunteer(name: String, village: String, commune: String, now: Date) async throws -> HubVolunteer {
        for (field, value) in [("name", name), ("village", village), ("commune", commune)] where !Identifiers.isName(value) {
            throw HubError.invalidText(field: field)
        }
        let logger = logger, shelf = contentShelf
        let (name, village, commune) = (clean(name), clean(village), clean(commune))
        return try await transaction { connection -> HubVolunteer in
            let communeID = try await Self.commune(named: commune, connection, logger: logger, now: now, shelf: shelf)
            guard let row = try await connection.rows("""
                INSERT INTO volunteer (commune_id, name, village, commune, created_at) VALUES (\(communeID), \(name), \(village), \(commune), \(now))
                RETURNING *
                """, logger: logger).first else { throw HubError.unexpected("no volunteer row") }
            return try Self.volunteer(row)
        }
    }

    /// The commune's id, made (with its feed counter) the first time it is named. A commune
    /// made after a content pack was published finds the newest pack in its new feed, so its
    /// laptops take the library the others have.
    static func commune(named name: String, _ connection: PostgresConnection, logger: Logger, now: Date, shelf: ContentShelf) async throws -> Int64 {
        let made = try await connection.rows("""
            INSERT INTO commune (name, created_at) VALUES (\(name), \(now)) ON CONFLICT (name) DO NOTHING RETURNING id
            """, logger: logger).first
        guard let id: Int64 = try await connection.rows("SELECT id FROM commune WHERE name = \(name)", logger: logger).first?.value("id") else {
            throw HubError.unexpected("no commune row")
        }
        try await connection.query("INSERT INTO feed_counter (commune_id) VALUES (\(id)) ON CONFLICT (commune_id) DO NOTHING", logger: logger)
        if made != nil, let newest = shelf.packs().last {
            try await appendChange(connection, logger: logger, volunteerID: nil, communeID: id, kind: .content,
                                   message: String(decoding: try WireProtocol.encoder().encode(newest), as: UTF8.self), at: now)
        }
        return id
    }

    public func volunteers() async throws -> [HubVolunteer] {
        try await rows("SELECT * FROM volunteer ORDER BY id").map(Self.volunteer)
    }

    public func volunteer(_ key: String) async throws -> HubVolunteer {
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        if let number = Int64(trimmed), let row = try await rows("SELECT * FROM volunteer WHERE id = \(number)").first { return try Self.volunteer(row) }
        let folded = VietnameseFolding.fold(trimmed)
        let matches = try await volunteers().filter { VietnameseFolding.fold($0.name) == folded }
        guard matches.count == 1 else { throw matches.isEmpty ? HubError.volunteerNotFound(key) : HubError.ambiguousVolunteer(key) }
        return matches[0]
    }

    public func makeEnrollCode(for volunteer: HubVolunteer, validity: TimeInterval, now: Date) async throws -> (code: String, expiresAt: Date) {
        let code = Secrets.newEnrollCode()
        let expiresAt = now.addingTimeInterval(validity)
        _ = try await rows("""
            INSERT INTO enroll_code (code_hash, volunteer_id, created_at, expires_at)
            VALUES (\(Secrets.hash(Secrets.normalizedCode(code))), \(volunteer.id ?? 0), \(now), \(expiresAt))
            """)
        return (code, expiresAt)
    }

    public func revokeDevice(_ id: String, now: Date) async throws -> HubDevice {
        let key = id.trimmingCharacters(in: .whitespaces).lowercased()
        _ = try await rows("UPDATE device SET revoked_at = \(now) WHERE id = \(key) AND revoked_at IS NULL")
        guard let row = try await rows("SELECT * FROM device WHERE id = \(key)").first else { throw HubError.deviceNotFound(id) }
        return try Self.device(row)
    }

    public func setStatus(_ dossierID: String, to status: DossierStatus, portalCode: String?, reason: String?, now: Date) async throws -> HubDossier {
        let reason = reason.map(clean).flatMap { $0.isEmpty ? nil : $0 }
        if (status == .needsSupplement || status == .rejected) && reason == nil { throw HubError.reasonRequired(status) }
        let id = try await dossier(dossierID).id
        let portalCode = portalCode.map(clean).flatMap { $0.isEmpty ? nil : $0 }
        let logger = logger
        let row = try await transaction { connection -> PostgresRandomAccessRow in
            guard let row = try await connection.rows("""
                UPDATE dossier SET status = \(status.rawValue), reason = \(reason), portal_code = COALESCE(\(portalCode), portal_code), updated_at = \(now)
                WHERE id = \(id) RETURNING *
                """, logger: logger).first else { throw HubError.dossierNotFound(dossierID) }
            try await Self.appendChange(connection, logger: logger, volunteerID: try row.value("volunteer_id"), kind: .status, dossierID: id, status: status,
                                        reason: reason, portalCode: try row.value("portal_code"), at: now)
            return row
        }
        return try unsealed(try Self.dossier(row))
    }

    /// An announcement goes to every commune's feed on this hub.
    public func announce(_ message: String, now: Date) async throws {
        let text = clean(message)
        guard !text.isEmpty, text.count <= 2000 else { throw HubError.invalidText(field: "message") }
        let logger = logger
        try await transaction { connection in
            try await Self.appendToEveryCommune(connection, logger: logger, kind: .announcement, message: text, at: now)
        }
    }

    /// One change for every volunteer of every commune, each in its commune's feed.
    static func appendToEveryCommune(_ connection: PostgresConnection, logger: Logger, kind: Change.Kind, message: String, at now: Date) async throws {
        for row in try await connection.rows("SELECT commune_id FROM feed_counter ORDER BY commune_id", logger: logger) {
            try await appendChange(connection, logger: logger, volunteerID: nil, communeID: try row.value("commune_id"), kind: kind, message: message, at: now)
        }
    }

    public func dossier(_ key: String) async throws -> HubDossier {
        let trimmed = key.trimmingCharacters(in: .whitespaces).lowercased()
        if let exact = try await rows("SELECT * FROM dossier WHERE id = \(trimmed)").first { return try unsealed(try Self.dossier(exact)) }
        guard trimmed.count >= 4, trimmed.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { throw HubError.dossierNotFound(key) }
        let matches = try await rows("SELECT * FROM dossier WHERE id LIKE \(trimmed + "%") ORDER BY id LIMIT 10")
        guard matches.count == 1 else {
            throw matches.isEmpty ? HubError.dossierNotFound(key) : HubError.ambiguousDossier(key, matches: matches.count)
        }
        return try unsealed(try Self.dossier(matches[0]))
    }

    public func revisions(of dossierID: String) async throws -> [HubRevision] {
        try await rows("SELECT * FROM dossier_revision WHERE dossier_id = \(dossierID) ORDER BY revision").map { row in
            let revision = HubRevision(dossierId: try row.value("dossier_id"), revision: try row.value("revision"),
                                       kind: RevisionKind(rawValue: try row.value("kind")) ?? .original, deviceId: try row.value("device_id"),
                                       contentSHA256: try row.value("content_sha256"), body: try row.value("body"), receivedAt: try row.value("received_at"),
                                       signature: try row.value("signature"))
            var opened = revision
            opened.body = try sealer.open(revision.body, at: .revisionBody(dossier: revision.dossierId, revision: revision.revision))
            return opened
        }
    }

    func unsealed(_ dossier: HubDossier) throws -> HubDossier {
        var dossier = dossier
        if let sealed = dossier.residentName { dossier.residentName = try sealer.open(sealed, at: .residentName(dossier: dossier.id)) }
        return dossier
    }

    static func dossier(_ row: PostgresRandomAccessRow) throws -> HubDossier {
        HubDossier(id: try row.value("id"), volunteerId: try row.value("volunteer_id"), procedureId: try row.value("procedure_id"),
                   village: try row.value("village"), commune: try row.value("commune"), residentName: try row.value("resident_name"),
                   status: DossierStatus(rawValue: try row.value("status")) ?? .received, reason: try row.value("reason"),
                   portalCode: try row.value("portal_code"), latestRevision: try row.value("latest_revision"), receivedAt: try row.value("received_at"),
                   updatedAt: try row.value("updated_at"))
    }

    // MARK: - Staff

    public func addStaff(role: HubRole, name: String, now: Date) async throws -> (staff: HubStaff, token: String) {
        try await insertStaff(role: role, name: name, communeID: nil, now: now)
    }

    /// The staff row with its commune (an officer's, or nil), in one statement.
    func insertStaff(role: HubRole, name: String, communeID: Int64?, now: Date) async throws -> (staff: HubStaff, token: String) {
        guard role != .device else { throw HubError.unexpected("a device is enrolled, not added") }
        guard Identifiers.isName(name) else { throw HubError.invalidText(field: "name") }
        let id = BearerToken.newID(BearerToken.kind(of: role))
        let token = BearerToken.make(id: id)
        let staff = HubStaff(id: id, role: role, name: clean(name), tokenHash: Secrets.hash(token), createdAt: now, revokedAt: nil)
        _ = try await rows("""
            INSERT INTO staff (id, role, name, token_hash, commune_id, created_at)
            VALUES (\(staff.id), \(role.rawValue), \(staff.name), \(staff.tokenHash), \(communeID), \(now))
            """)
        return (staff, token)
    }

    public func staff(role: HubRole) async throws -> [HubStaff] {
        try await rows("SELECT * FROM staff WHERE role = \(role.rawValue) ORDER BY created_at, id").map(Self.staff)
    }

    public func revokeStaff(_ id: String, role: HubRole, now: Date) async throws -> HubStaff {
        let key = id.trimmingCharacters(in: .whitespaces).lowercased()
        guard let row = try await rows("SELECT * FROM staff WHERE id = \(key) AND role = \(role.rawValue)").first else { throw HubError.staffNotFound(id, role: role) }
        var staff = try Self.staff(row)
        if staff.revokedAt == nil {
            _ = try await rows("UPDATE staff SET revoked_at = \(now) WHERE id = \(key) AND revoked_at IS NULL")
            staff.revokedAt = now
        }
        return staff
    }

    // MARK: - Audit

    @discardableResult
    public func appendAudit(_ actor: AuditActor, _ action: AuditAction, dossierIDs: [String], blobSHA256: String?, volunteerID: Int64?,
                            now: Date) async throws -> [HubAuditEntry] {
        let ids: [String?] = dossierIDs.isEmpty ? [nil] : dossierIDs
        let logger = logger
        return try await transaction { connection -> [HubAuditEntry] in
            var entries: [HubAuditEntry] = []
            for dossierID in ids {
                let id: Int64? = try await connection.rows("""
                    INSERT INTO audit_entry (at, actor_role, actor_id, actor_name, action, dossier_id, blob_sha256, client_address, volunteer_id)
                    VALUES (\(now), \(actor.role.rawValue), \(actor.id), \(actor.name), \(action.rawValue), \(dossierID), \(blobSHA256),
                            \(actor.clientAddress), \(volunteerID))
                    RETURNING id
                    """, logger: logger).first?.value("id")
                entries.append(HubAuditEntry(id: id, at: now, actorRole: actor.role, actorId: actor.id, actorName: actor.name, action: action,
                                             dossierId: dossierID, blobSHA256: blobSHA256, clientAddress: actor.clientAddress, volunteerId: volunteerID))
            }
            return entries
        }
    }

    public func auditEntries(since: Date?, after: Int64, limit: Int?) async throws -> [HubAuditEntry] {
        try await rows("""
            SELECT * FROM audit_entry WHERE id > \(after) AND (\(since)::timestamptz IS NULL OR at >= \(since)) ORDER BY id LIMIT \(limit)
            """).map(Self.auditEntry)
    }

    static func auditEntry(_ row: PostgresRandomAccessRow) throws -> HubAuditEntry {
        HubAuditEntry(id: try row.value("id"), at: try row.value("at"), actorRole: AuditActor.Role(rawValue: try row.value("actor_role")) ?? .local,
                      actorId: try row.value("actor_id"), actorName: try row.value("actor_name"),
                      action: AuditAction(rawValue: try row.value("action")) ?? .dossierShow, dossierId: try row.value("dossier_id"),
                      blobSHA256: try row.value("blob_sha256"), clientAddress: try row.value("client_address"), volunteerId: try row.value("volunteer_id"),
                      deviceId: try row.value("device_id"))
    }
}

private func clean(_ text: String) -> String {
    text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
}
