import Foundation
import GRDB
import SoTayWire

/// The device's view of the hub: what the routes call.
extension HubStore {
    /// Exchanges a one-time code for a device; the caller made the device id and the token
    /// and passes the token's hash. The code's hash is compared in constant time with each
    /// live code's (a handful: a code lives a day), never looked up by it.
    func enroll(code: String, deviceName: String, deviceID: String, tokenHash: String, clientAddress: String? = nil,
                now: Date = Date()) async throws -> (HubDevice, HubVolunteer) {
        try await enrol(code: code, deviceName: deviceName, deviceID: deviceID, tokenHash: tokenHash, clientAddress: clientAddress, now: now).enrolled()
    }

    public func enrol(code: String, deviceName: String, deviceID: String, tokenHash: String, clientAddress: String?,
                      now: Date) async throws -> EnrolOutcome {
        let codeHash = Array(Secrets.hash(Secrets.normalizedCode(code)).utf8)
        return try await writer.write { db in
            var match: EnrollCodeRecord?
            for candidate in try EnrollCodeRecord.filter(sql: "usedAt IS NULL AND expiresAt > ?", arguments: [now]).fetchAll(db)
            where constantTimeEquals(Array(candidate.codeHash.utf8), codeHash) {
                match = candidate
            }
            guard var record = match, let volunteer = try HubVolunteer.fetchOne(db, key: record.volunteerId) else { return .invalidCode }
            let device = HubDevice(id: deviceID, volunteerId: volunteer.id ?? 0, name: deviceName, tokenHash: tokenHash,
                                   enrolledAt: now, revokedAt: nil, lastSeenAt: now)
            try device.insert(db)
            record.usedAt = now
            record.deviceId = device.id
            try record.update(db)
            // In the same transaction: no device is enrolled without its audit row.
            var entry = HubAuditEntry(id: nil, at: now, actorRole: .device, actorId: device.id, actorName: deviceName, action: .deviceEnrolled,
                                      dossierId: nil, blobSHA256: nil, clientAddress: clientAddress, volunteerId: volunteer.id, deviceId: device.id)
            try entry.insert(db)
            // The volunteer's other laptops hear of it at their next sync: if it was not them,
            // they tell the commune, who revokes the device.
            var notice = ChangeRecord(seq: nil, volunteerId: volunteer.id, kind: .announcement, dossierId: nil, status: nil, reason: nil,
                                      portalCode: nil, message: Self.newDeviceNotice(name: deviceName, at: now), at: now, aboutDevice: device.id)
            try notice.insert(db)
            return .enrolled(device, volunteer)
        }
    }

    /// What the volunteer's other laptops show when a device is enrolled for them.
    static func newDeviceNotice(name: String, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let time = String(format: "%02d:%02d ngày %02d/%02d/%04d", parts.hour ?? 0, parts.minute ?? 0, parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
        return "Một máy mới đã được ghi danh cho bạn lúc \(time) (tên máy: \(name)). Nếu không phải bạn, hãy báo ngay cán bộ xã để thu hồi máy đó."
    }

    /// Stores one revision of a dossier, or answers a resend the same way as the first time.
    /// Returns the reply and whether something new was stored.
    func putDossier(_ upload: DossierUpload, body: String, device: HubDevice, now: Date = Date()) async throws -> (DossierAccepted, created: Bool) {
        try await storeDossier(upload, body: body, device: device, now: now).accepted()
    }

    public func storeDossier(_ upload: DossierUpload, body: String, device: HubDevice, now: Date) async throws -> DossierOutcome {
        // Signed and sealed here, not in the one writer every dossier of the hub waits for.
        let prepared = try PreparedRevision(upload, body: body, device: device, now: now, key: signingKey, sealer: sealer)
        // Committed with the other writes arriving now: one fsync for many laptops (GroupCommit).
        return try await grouped.write(Self.revisionWrite(prepared, device: device, keyID: signingKey.keyID))
    }

    public func storeDossiers(_ items: [DossierBatchItem], device: HubDevice, now: Date) async throws -> [DossierOutcome] {
        let prepared = try await PreparedRevision.all(items, device: device, now: now, key: signingKey, sealer: sealer)
        let keyID = signingKey.keyID
        // The whole batch in one grouped transaction, each revision in a savepoint of its own.
        return try await grouped.writeEach(prepared.map { Self.revisionWrite($0, device: device, keyID: keyID) }).map { try $0.get() }
    }

    /// What storing one prepared revision does inside the writer's transaction.
    private static func revisionWrite(_ prepared: PreparedRevision, device: HubDevice, keyID: String) -> @Sendable (Database) throws -> DossierOutcome {
        { db in
            let upload = prepared.upload, hash = prepared.contentSHA256
            let (receivedAt, receipt, residentName, sealedBody) = (prepared.receivedAt, prepared.receipt, prepared.residentName, prepared.sealedBody)
            let existing = try HubDossier.fetchOne(db.cachedStatement(sql: "SELECT * FROM dossier WHERE id = ?"), arguments: [upload.id])
            if let existing, existing.volunteerId != device.volunteerId { return .ownedByAnother }
            let stored = try HubRevision.fetchOne(db.cachedStatement(sql: "SELECT * FROM dossierRevision WHERE dossierId = ? AND revision = ?"),
                                                  arguments: [upload.id, upload.revision])
            switch RevisionRule.decide(revision: upload.revision, contentSHA256: hash, stored: stored?.contentSHA256, latest: existing?.latestRevision) {
            case .repeated:
                guard let stored, let existing else { throw HubError.unexpected("a repeated revision without its row") }
                let receipt = Receipt(dossierId: stored.dossierId, revision: stored.revision, volunteerId: String(existing.volunteerId),
                                      contentSHA256: stored.contentSHA256, receivedAt: stored.receivedAt, hubKeyId: keyID, signature: stored.signature)
                return .repeated(DossierAccepted(dossierId: upload.id, revision: upload.revision, kind: stored.kind, status: existing.status, receipt: receipt))
            case .conflict:
                return .revisionConflict(revision: upload.revision)
            case .stale(let latest):
                return .staleRevision(revision: upload.revision, latest: latest)
            case .store(let kind):
                let missing = try Self.missingBlobs(upload.attachments.map(\.sha256), volunteerId: device.volunteerId, db: db)
                guard missing.isEmpty else { return .missingBlobs(missing) }
                var dossier = existing ?? HubDossier(
                    id: upload.id, volunteerId: device.volunteerId, procedureId: upload.procedureId, village: upload.village,
                    commune: upload.commune, residentName: nil, status: .received, reason: nil, portalCode: nil,
                    latestRevision: upload.revision, receivedAt: receivedAt, updatedAt: receivedAt)
                dossier.procedureId = upload.procedureId
                dossier.village = upload.village
                dossier.commune = upload.commune
                if let residentName { dossier.residentName = residentName }
                dossier.latestRevision = upload.revision
                dossier.updatedAt = receivedAt
                if kind == .supplement && dossier.status == .needsSupplement {
                    // The supplement the officer asked for arrived: back in the officer's queue.
                    dossier.status = .received
                    dossier.reason = nil
                    var change = ChangeRecord(seq: nil, volunteerId: device.volunteerId, kind: .status, dossierId: dossier.id, status: .received,
                                              reason: nil, portalCode: dossier.portalCode, message: nil, at: receivedAt)
                    try change.insert(db)
                }
                // Insert or update as the row was found: `save` would try an UPDATE first for every new dossier.
                if existing == nil { try dossier.insert(db) } else { try dossier.update(db) }
                try HubRevision(dossierId: upload.id, revision: upload.revision, kind: kind, deviceId: device.id, contentSHA256: hash,
                                body: sealedBody, receivedAt: receipt.receivedAt, signature: receipt.signature).insert(db)
                return .stored(DossierAccepted(dossierId: upload.id, revision: upload.revision, kind: kind, status: dossier.status, receipt: receipt))
            }
        }
    }

    /// Where a dossier stands, for the device that owns it.
    func dossierState(_ id: String, device: HubDevice) async throws -> DossierState {
        guard let state = try await findDossierState(id, device: device) else { throw Refusal.notFound }
        return state
    }

    public func findDossierState(_ id: String, device: HubDevice) async throws -> DossierState? {
        let keyID = signingKey.keyID
        return try await writer.read { db -> DossierState? in
            guard let dossier = try HubDossier.fetchOne(db, key: id), dossier.volunteerId == device.volunteerId else { return nil }
            let revisions = try HubRevision.filter(HubRevision.Columns.dossierId == id).order(HubRevision.Columns.revision).fetchAll(db)
            return DossierState(dossierId: id, status: dossier.status, reason: dossier.reason, portalCode: dossier.portalCode,
                                revisions: revisions.map {
                                    Receipt(dossierId: id, revision: $0.revision, volunteerId: String(dossier.volunteerId), contentSHA256: $0.contentSHA256,
                                            receivedAt: $0.receivedAt, hubKeyId: keyID, signature: $0.signature)
                                })
        }
    }

    /// Stores a batch of activities, all or nothing; ids already stored count as duplicates.
    /// An undo entry marks the entry it takes back (same volunteer only); an entry whose undo
    /// arrived first is stored already marked.
    func postActivities(_ batch: ActivityBatch, device: HubDevice, now: Date = Date()) async throws -> ActivityBatchReply {
        try await storeActivities(batch, device: device, now: now).reply()
    }

    public func storeActivities(_ batch: ActivityBatch, device: HubDevice, now: Date) async throws -> ActivitiesOutcome {
        let encoder = WireProtocol.encoder()
        let rows = try batch.activities.map { activity in
            HubActivityRecord(id: activity.id, volunteerId: device.volunteerId, deviceId: device.id, kind: activity.kind,
                              occurredAt: activity.occurredAt, village: activity.village, procedureId: activity.procedureId,
                              body: try sealer.seal(String(decoding: try encoder.encode(activity), as: UTF8.self), at: .activityBody(activity.id)), receivedAt: now,
                              residentId: activity.residentId, outcome: activity.outcome, reason: activity.reason, payment: activity.payment,
                              outsideCommune: activity.outsideCommune ?? false, participants: activity.participants,
                              satisfaction: activity.satisfaction, retracts: activity.retracts, undone: false)
        }
        do {
            return try await grouped.write { db in
                var accepted = 0
                var duplicates = 0
                for var row in rows {
                    if let owner = try Int64.fetchOne(db, sql: "SELECT volunteerId FROM activity WHERE id = ?", arguments: [row.id]) {
                        // Thrown, not returned: the rows inserted before it roll back.
                        guard owner == device.volunteerId else { throw ActivityOwnedByAnother(id: row.id) }
                        duplicates += 1
                        continue
                    }
                    if let retracts = row.retracts {
                        try db.execute(sql: "UPDATE activity SET undone = 1 WHERE id = ? AND volunteerId = ?", arguments: [retracts, device.volunteerId])
                    } else {
                        row.undone = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM activity WHERE retracts = ? AND volunteerId = ?)",
                                                       arguments: [row.id, device.volunteerId]) ?? false
                    }
                    try row.insert(db)
                    accepted += 1
                }
                return .stored(ActivityBatchReply(accepted: accepted, duplicates: duplicates))
            }
        } catch let other as ActivityOwnedByAnother {
            return .ownedByAnother(activityID: other.id)
        }
    }

    /// The volunteer's changes after `cursor`: one indexed range read, whatever the history.
    public func changes(after cursor: Int64, limit: Int, device: HubDevice, now: Date = Date()) async throws -> ChangesPage {
        try await writer.write { db in
            // Seen now: the admin's `devices list` shows when each laptop last synced.
            try db.execute(sql: "UPDATE device SET lastSeenAt = ? WHERE id = ?", arguments: [now, device.id])
            let rows = try ChangeRecord.fetchAll(db, sql: """
                SELECT * FROM change WHERE seq > ? AND (volunteerId = ? OR volunteerId IS NULL) AND (aboutDevice IS NULL OR aboutDevice <> ?)
                ORDER BY seq LIMIT ?
                """, arguments: [cursor, device.volunteerId, device.id, limit + 1])
            let page = rows.prefix(limit)
            let next = page.last?.seq ?? cursor
            return ChangesPage(changes: page.map(\.change), cursor: String(next), more: rows.count > limit)
        }
    }
}

/// Rolls back a batch that names another volunteer's activity.
struct ActivityOwnedByAnother: Error {
    let id: String
}
