import Foundation
import PostgresNIO
import SoTayWire

/// The device's side of sync on PostgreSQL: the same decisions as HubStore+Sync, made safe for
/// several `serve` processes writing at once (row locks and conditional updates, never process
/// memory).
extension PostgresHubStore: HubSyncRepository {
    public func enrol(code: String, deviceName: String, deviceID: String, tokenHash: String, clientAddress: String?,
                      now: Date) async throws -> EnrolOutcome {
        let codeHash = Array(Secrets.hash(Secrets.normalizedCode(code)).utf8)
        let logger = logger
        return try await transaction { connection -> EnrolOutcome in
            // Compared in constant time with each live code's hash, never looked up by it.
            var match: String?
            for row in try await connection.rows("SELECT code_hash FROM enroll_code WHERE used_at IS NULL AND expires_at > \(now)", logger: logger) {
                let candidate: String = try row.value("code_hash")
                if constantTimeEquals(Array(candidate.utf8), codeHash) { match = candidate }
            }
            guard let match else { return .invalidCode }
            // Taken by whoever updates it first: a second process with the same code finds it used.
            guard let taken = try await connection.rows("""
                UPDATE enroll_code SET used_at = \(now), device_id = \(deviceID)
                WHERE code_hash = \(match) AND used_at IS NULL AND expires_at > \(now) RETURNING volunteer_id
                """, logger: logger).first else { return .invalidCode }
            let volunteerID: Int64 = try taken.value("volunteer_id")
            guard let volunteer = try await Self.volunteer(volunteerID, connection, logger: logger) else { return .invalidCode }
            try await connection.query("""
                INSERT INTO device (id, volunteer_id, name, token_hash, enrolled_at, last_seen_at)
                VALUES (\(deviceID), \(volunteerID), \(deviceName), \(tokenHash), \(now), \(now))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO audit_entry (at, actor_role, actor_id, actor_name, action, client_address, volunteer_id, device_id)
                VALUES (\(now), \(AuditActor.Role.device.rawValue), \(deviceID), \(deviceName), \(AuditAction.deviceEnrolled.rawValue),
                        \(clientAddress), \(volunteerID), \(deviceID))
                """, logger: logger)
            try await Self.appendChange(connection, logger: logger, volunteerID: volunteerID, kind: .announcement,
                                        message: HubStore.newDeviceNotice(name: deviceName, at: now), at: now, aboutDevice: deviceID)
            let device = HubDevice(id: deviceID, volunteerId: volunteerID, name: deviceName, tokenHash: tokenHash, enrolledAt: now, revokedAt: nil,
                                   lastSeenAt: now)
            return .enrolled(device, volunteer)
        }
    }

    public func storeDossier(_ upload: DossierUpload, body: String, device: HubDevice, now: Date) async throws -> DossierOutcome {
        // Signed and sealed before any statement, not while the dossier's lock is held.
        let prepared = try PreparedRevision(upload, body: body, device: device, now: now, key: signingKey, sealer: sealer)
        // Only a first revision tries the short path: a later one is a supplement to a dossier
        // the hub nearly always holds, and the attempt would be a round trip spent for nothing.
        if upload.revision == 1, try await storeNewDossiers([prepared], device: device).contains(upload.id) {
            return .stored(prepared.accepted(kind: .original, status: .received))
        }
        return try await storeRevision(prepared, device: device)
    }

    public func storeDossiers(_ items: [DossierBatchItem], device: HubDevice, now: Date) async throws -> [DossierOutcome] {
        let prepared = try await PreparedRevision.all(items, device: device, now: now, key: signingKey, sealer: sealer)
        // The batch's new dossiers in one statement (one round trip, one commit); the others,
        // and any the statement did not store, each on the general path.
        let firsts = prepared.filter { $0.upload.revision == 1 }
        let stored = firsts.isEmpty ? [] : try await storeNewDossiers(firsts, device: device)
        var outcomes = [DossierOutcome?](repeating: nil, count: prepared.count)
        var rest: [Int] = []
        for (index, revision) in prepared.enumerated() {
            if revision.upload.revision == 1 && stored.contains(revision.upload.id) {
                outcomes[index] = .stored(revision.accepted(kind: .original, status: .received))
            } else {
                rest.append(index)
            }
        }
        // A few at a time: each holds a pooled connection for its transaction.
        for slice in stride(from: 0, to: rest.count, by: 4).map({ rest[$0..<min($0 + 4, rest.count)] }) {
            try await withThrowingTaskGroup(of: (Int, DossierOutcome).self) { group in
                for index in slice {
                    group.addTask { (index, try await self.storeRevision(prepared[index], device: device)) }
                }
                for try await (index, outcome) in group { outcomes[index] = outcome }
            }
        }
        return try outcomes.map { outcome in
            guard let outcome else { throw HubError.unexpected("a batch revision without an outcome") }
            return outcome
        }
    }

    /// The general path for one revision: under the dossier's lock, whatever the hub holds.
    private func storeRevision(_ prepared: PreparedRevision, device: HubDevice) async throws -> DossierOutcome {
        let upload = prepared.upload, hash = prepared.contentSHA256
        let key = signingKey
        let logger = logger
        let (receivedAt, receipt, residentName, sealedBody) = (prepared.receivedAt, prepared.receipt, prepared.residentName, prepared.sealedBody)
        return try await transaction { connection -> DossierOutcome in
            // One writer per dossier at a time, whichever process took the request.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(upload.id), 0))", logger: logger)
            let existing = try await connection.rows("""
                SELECT volunteer_id, status, portal_code, latest_revision FROM dossier WHERE id = \(upload.id)
                """, logger: logger).first
            let owner: Int64? = try existing?.value("volunteer_id")
            if let owner, owner != device.volunteerId { return .ownedByAnother }
            let stored = try await connection.rows("""
                SELECT kind, content_sha256, received_at, signature FROM dossier_revision WHERE dossier_id = \(upload.id) AND revision = \(upload.revision)
                """, logger: logger).first
            let latest: Int? = try existing?.value("latest_revision")
            let status = try existing.map { row in DossierStatus(rawValue: try row.value("status")) ?? .received }
            switch RevisionRule.decide(revision: upload.revision, contentSHA256: hash, stored: try stored?.value("content_sha256", String.self), latest: latest) {
            case .repeated:
                guard let stored, let status else { throw HubError.unexpected("a repeated revision without its row") }
                let receipt = Receipt(dossierId: upload.id, revision: upload.revision, volunteerId: String(device.volunteerId),
                                      contentSHA256: try stored.value("content_sha256"), receivedAt: try stored.value("received_at"), hubKeyId: key.keyID,
                                      signature: try stored.value("signature"))
                let kind = RevisionKind(rawValue: try stored.value("kind")) ?? .original
                return .repeated(DossierAccepted(dossierId: upload.id, revision: upload.revision, kind: kind, status: status, receipt: receipt))
            case .conflict:
                return .revisionConflict(revision: upload.revision)
            case .stale(let latest):
                return .staleRevision(revision: upload.revision, latest: latest)
            case .store(let kind):
                let hashes = upload.attachments.map(\.sha256)
                if !hashes.isEmpty {
                    var held = Set<String>()
                    for row in try await connection.rows("""
                        SELECT sha256 FROM blob_holder WHERE volunteer_id = \(device.volunteerId) AND sha256 = ANY(\(hashes))
                        """, logger: logger) {
                        held.insert(try row.value("sha256"))
                    }
                    let missing = hashes.filter { !held.contains($0) }
                    if !missing.isEmpty { return .missingBlobs(missing) }
                }
                var newStatus = status ?? .received
                if existing == nil {
                    try await connection.query("""
                        INSERT INTO dossier (id, commune_id, volunteer_id, procedure_id, village, commune, resident_name, status, latest_revision,
                                             received_at, updated_at)
                        SELECT \(upload.id), commune_id, id, \(upload.procedureId), \(upload.village), \(upload.commune), \(residentName),
                               \(DossierStatus.received.rawValue), \(upload.revision), \(receivedAt), \(receivedAt)
                        FROM volunteer WHERE id = \(device.volunteerId)
                        """, logger: logger)
                } else {
                    var reopened = false
                    if kind == .supplement && newStatus == .needsSupplement {
                        // The supplement the officer asked for arrived: back in the officer's queue.
                        newStatus = .received
                        reopened = true
                        let portalCode: String? = try existing?.value("portal_code")
                        try await Self.appendChange(connection, logger: logger, volunteerID: device.volunteerId, kind: .status, dossierID: upload.id,
                                                    status: .received, portalCode: portalCode, at: receivedAt)
                    }
                    try await connection.query("""
                        UPDATE dossier SET procedure_id = \(upload.procedureId), village = \(upload.village), commune = \(upload.commune),
                            resident_name = COALESCE(\(residentName), resident_name), latest_revision = \(upload.revision), updated_at = \(receivedAt),
                            status = \(newStatus.rawValue), reason = CASE WHEN \(reopened) THEN NULL ELSE reason END
                        WHERE id = \(upload.id)
                        """, logger: logger)
                }
                try await connection.query("""
                    INSERT INTO dossier_revision (dossier_id, revision, kind, device_id, content_sha256, body, received_at, signature)
                    VALUES (\(upload.id), \(upload.revision), \(kind.rawValue), \(device.id), \(hash), \(sealedBody), \(receipt.receivedAt), \(receipt.signature))
                    """, logger: logger)
                return .stored(DossierAccepted(dossierId: upload.id, revision: upload.revision, kind: kind, status: newStatus, receipt: receipt))
            }
        }
    }

    /// Dossiers the hub has never seen, their blobs all held: each dossier and its first revision
    /// stored by one statement for the whole lot, which is its own transaction (one round trip,
    /// one commit) instead of the seven of the general path for each. Returns the ids stored;
    /// one that exists (whoever owns it) or names a missing blob is left out, having written
    /// nothing, and the general path decides. Two requests for the same new dossier at once:
    /// the second waits on the first's key, finds it, and goes the general path, which answers
    /// `repeated` or `conflict`. Rows are inserted in id order, so two overlapping batches take
    /// their keys in the same order and never deadlock.
    private func storeNewDossiers(_ revisions: [PreparedRevision], device: HubDevice) async throws -> Set<String> {
        var blobLines: [Int64] = [], blobHashes: [String] = []
        for (line, revision) in revisions.enumerated() {
            for attachment in revision.upload.attachments {
                blobLines.append(Int64(line + 1))
                blobHashes.append(attachment.sha256)
            }
        }
        let uploads = revisions.map(\.upload)
        let ids = uploads.map(\.id), procedures = uploads.map(\.procedureId), villages = uploads.map(\.village), communes = uploads.map(\.commune)
        // A sealed name is never empty: '' stands for none, an array of text having no optional.
        let names = revisions.map { $0.residentName ?? "" }
        let hashes = revisions.map(\.contentSHA256), bodies = revisions.map(\.sealedBody), times = revisions.map(\.receivedAt)
        // The revision keeps its time as the receipt spells it (text, milliseconds), as the general path does.
        let receiptTimes = revisions.map(\.receipt.receivedAt), signatures = revisions.map(\.receipt.signature)
        let stored = try await rows("""
            WITH incoming AS (
                SELECT * FROM unnest(\(ids)::text[], \(procedures)::text[], \(villages)::text[], \(communes)::text[], \(names)::text[],
                                     \(hashes)::text[], \(bodies)::text[], \(times)::timestamptz[], \(receiptTimes)::text[], \(signatures)::text[])
                    WITH ORDINALITY AS i(id, procedure_id, village, commune, resident_name, content_sha256, body, received_at, receipt_at, signature, line)
            ), new_dossier AS (
                INSERT INTO dossier (id, commune_id, volunteer_id, procedure_id, village, commune, resident_name, status, latest_revision,
                                     received_at, updated_at)
                SELECT i.id, v.commune_id, v.id, i.procedure_id, i.village, i.commune, NULLIF(i.resident_name, ''),
                       \(DossierStatus.received.rawValue), 1, i.received_at, i.received_at
                FROM incoming i JOIN volunteer v ON v.id = \(device.volunteerId)
                WHERE NOT EXISTS (SELECT 1 FROM unnest(\(blobLines)::int8[], \(blobHashes)::text[]) AS wanted(line, sha256)
                                  WHERE wanted.line = i.line
                                    AND NOT EXISTS (SELECT 1 FROM blob_holder h WHERE h.volunteer_id = \(device.volunteerId) AND h.sha256 = wanted.sha256))
                ORDER BY i.id
                ON CONFLICT (id) DO NOTHING
                RETURNING id
            )
            INSERT INTO dossier_revision (dossier_id, revision, kind, device_id, content_sha256, body, received_at, signature)
            SELECT i.id, 1, \(RevisionKind.original.rawValue), \(device.id), i.content_sha256, i.body, i.receipt_at, i.signature
            FROM incoming i JOIN new_dossier d ON d.id = i.id
            RETURNING dossier_id
            """)
        return Set(try stored.map { try $0.value("dossier_id", String.self) })
    }

    public func findDossierState(_ id: String, device: HubDevice) async throws -> DossierState? {
        guard let dossier = try await rows("""
            SELECT status, reason, portal_code FROM dossier WHERE id = \(id) AND volunteer_id = \(device.volunteerId)
            """).first else { return nil }
        let keyID = signingKey.keyID
        let revisions = try await rows("""
            SELECT revision, content_sha256, received_at, signature FROM dossier_revision WHERE dossier_id = \(id) ORDER BY revision
            """).map { row in
            Receipt(dossierId: id, revision: try row.value("revision"), volunteerId: String(device.volunteerId), contentSHA256: try row.value("content_sha256"),
                    receivedAt: try row.value("received_at"), hubKeyId: keyID, signature: try row.value("signature"))
        }
        return DossierState(dossierId: id, status: DossierStatus(rawValue: try dossier.value("status")) ?? .received, reason: try dossier.value("reason"),
                            portalCode: try dossier.value("portal_code"), revisions: revisions)
    }

    public func storeActivities(_ batch: ActivityBatch, device: HubDevice, now: Date) async throws -> ActivitiesOutcome {
        let encoder = WireProtocol.encoder()
        let sealer = sealer
        let logger = logger
        let rows = try batch.activities.map { activity in
            (activity, try sealer.seal(String(decoding: try encoder.encode(activity), as: UTF8.self), at: .activityBody(activity.id)))
        }
        do {
            return try await transaction { connection -> ActivitiesOutcome in
                // One batch per volunteer at a time, whichever process took it: an undo and the
                // entry it takes back, sent through two processes at once, still find each other.
                try await connection.query("SELECT pg_advisory_xact_lock(2, \(Int32(truncatingIfNeeded: device.volunteerId)))", logger: logger)
                var accepted = 0
                var duplicates = 0
                for (activity, body) in rows {
                    if let owner = try await Self.activityOwner(activity.id, connection, logger: logger) {
                        guard owner == device.volunteerId else { throw ActivityOwnedByAnother(id: activity.id) }
                        duplicates += 1
                        continue
                    }
                    var undone = false
                    if let retracts = activity.retracts {
                        try await connection.query("UPDATE activity SET undone = true WHERE id = \(retracts) AND volunteer_id = \(device.volunteerId)",
                                                   logger: logger)
                    } else {
                        undone = try await connection.rows("""
                            SELECT EXISTS (SELECT 1 FROM activity WHERE retracts = \(activity.id) AND volunteer_id = \(device.volunteerId)) AS undone
                            """, logger: logger).first?.value("undone") ?? false
                    }
                    let inserted = try await connection.rows("""
                        INSERT INTO activity (id, commune_id, volunteer_id, device_id, kind, occurred_at, village, procedure_id, body, received_at,
                                              resident_id, outcome, reason, payment, outside_commune, participants, satisfaction, retracts, undone)
                        SELECT \(activity.id), commune_id, id, \(device.id), \(activity.kind), \(activity.occurredAt), \(activity.village),
                               \(activity.procedureId), \(body), \(now), \(activity.residentId), \(activity.outcome), \(activity.reason),
                               \(activity.payment), \(activity.outsideCommune ?? false), \(activity.participants), \(activity.satisfaction),
                               \(activity.retracts), \(undone)
                        FROM volunteer WHERE id = \(device.volunteerId)
                        ON CONFLICT (id) DO NOTHING RETURNING id
                        """, logger: logger)
                    if inserted.isEmpty {
                        // Another process stored the same id a moment ago.
                        guard try await Self.activityOwner(activity.id, connection, logger: logger) == device.volunteerId else {
                            throw ActivityOwnedByAnother(id: activity.id)
                        }
                        duplicates += 1
                    } else {
                        accepted += 1
                    }
                }
                return .stored(ActivityBatchReply(accepted: accepted, duplicates: duplicates))
            }
        } catch let other as ActivityOwnedByAnother {
            return .ownedByAnother(activityID: other.id)
        }
    }

    public func changes(after cursor: Int64, limit: Int, device: HubDevice, now: Date) async throws -> ChangesPage {
        // Seen now: the admin's `devices list` shows when each laptop last synced.
        _ = try await rows("UPDATE device SET last_seen_at = \(now) WHERE id = \(device.id)")
        let rows = try await rows("""
            SELECT seq, kind, dossier_id, status, reason, portal_code, message, at FROM change
            WHERE commune_id = (SELECT commune_id FROM volunteer WHERE id = \(device.volunteerId)) AND seq > \(cursor)
              AND (volunteer_id = \(device.volunteerId) OR volunteer_id IS NULL) AND (about_device IS NULL OR about_device <> \(device.id))
            ORDER BY seq LIMIT \(limit + 1)
            """)
        let page = rows.prefix(limit)
        var changes: [Change] = []
        var next = cursor
        for row in page {
            next = try row.value("seq")
            guard let kind = Change.Kind(rawValue: try row.value("kind")) else { continue }
            let status: String? = try row.value("status")
            changes.append(Change.stored(kind: kind, at: try row.value("at"), dossierId: try row.value("dossier_id"), status: status.flatMap(DossierStatus.init),
                                         reason: try row.value("reason"), portalCode: try row.value("portal_code"), message: try row.value("message")))
        }
        return ChangesPage(changes: changes, cursor: String(next), more: rows.count > limit)
    }

    public func holder(of token: BearerToken) async throws -> TokenHolder? {
        guard let kind = token.kind else { return nil }
        switch kind {
        case .device:
            let found: [PostgresRandomAccessRow]
            if let id = token.id {
                found = try await rows("SELECT * FROM device WHERE id = \(id)")
            } else {
                found = try await rows("SELECT * FROM device WHERE token_hash = \(token.hash)")
            }
            guard let row = found.first else { return nil }
            let device = try Self.device(row)
            guard token.matches(storedHash: device.tokenHash), device.revokedAt == nil else { return nil }
            return .device(device)
        case .officer, .admin, .province:
            guard let id = token.id, let row = try await rows("SELECT * FROM staff WHERE id = \(id)").first else { return nil }
            let staff = try Self.staff(row)
            guard token.matches(storedHash: staff.tokenHash), staff.revokedAt == nil, staff.role == BearerToken.role(of: kind) else { return nil }
            return .staff(staff)
        }
    }

    // MARK: - Shared pieces

    /// Appends one change to the volunteer's commune's feed (every commune's, for an
    /// announcement to all). The number comes from the commune's counter row, locked until this
    /// transaction ends: see PostgresMigrations, `feed_counter`.
    static func appendChange(_ connection: PostgresConnection, logger: Logger, volunteerID: Int64?, communeID: Int64? = nil, kind: Change.Kind,
                             dossierID: String? = nil, status: DossierStatus? = nil, reason: String? = nil, portalCode: String? = nil,
                             message: String? = nil, at: Date, aboutDevice: String? = nil) async throws {
        try await connection.query("""
            WITH target AS (
                SELECT COALESCE(\(communeID), (SELECT commune_id FROM volunteer WHERE id = \(volunteerID))) AS commune_id
            ), next AS (
                UPDATE feed_counter SET last_seq = last_seq + 1 WHERE commune_id = (SELECT commune_id FROM target) RETURNING commune_id, last_seq
            )
            INSERT INTO change (commune_id, seq, volunteer_id, kind, dossier_id, status, reason, portal_code, message, at, about_device)
            SELECT commune_id, last_seq, \(volunteerID), \(kind.rawValue), \(dossierID), \(status?.rawValue), \(reason), \(portalCode), \(message),
                   \(at), \(aboutDevice)
            FROM next
            """, logger: logger)
    }

    static func activityOwner(_ id: String, _ connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.rows("SELECT volunteer_id FROM activity WHERE id = \(id)", logger: logger).first?.value("volunteer_id")
    }

    static func volunteer(_ id: Int64, _ connection: PostgresConnection, logger: Logger) async throws -> HubVolunteer? {
        try await connection.rows("SELECT * FROM volunteer WHERE id = \(id)", logger: logger).first.map(volunteer)
    }

    static func volunteer(_ row: PostgresRandomAccessRow) throws -> HubVolunteer {
        HubVolunteer(id: try row.value("id"), name: try row.value("name"), village: try row.value("village"), commune: try row.value("commune"),
                     createdAt: try row.value("created_at"))
    }

    static func device(_ row: PostgresRandomAccessRow) throws -> HubDevice {
        HubDevice(id: try row.value("id"), volunteerId: try row.value("volunteer_id"), name: try row.value("name"), tokenHash: try row.value("token_hash"),
                  enrolledAt: try row.value("enrolled_at"), revokedAt: try row.value("revoked_at"), lastSeenAt: try row.value("last_seen_at"))
    }

    static func staff(_ row: PostgresRandomAccessRow) throws -> HubStaff {
        HubStaff(id: try row.value("id"), role: HubRole(rawValue: try row.value("role")) ?? .officer, name: try row.value("name"),
                 tokenHash: try row.value("token_hash"), createdAt: try row.value("created_at"), revokedAt: try row.value("revoked_at"))
    }
}
