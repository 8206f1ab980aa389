import Foundation
import GRDB
import SoTayCore

// MARK: - The hub link

extension Store {
    public func hubLink() throws(StoreError) -> HubLink? {
        try read { db in try HubLink.fetchOne(db) }
    }

    /// Enrolment: replaces any earlier link (a new hub, or the same one after a revoke).
    /// The cursor starts again, since the change feed is the new device's.
    public func saveHubLink(_ link: HubLink) throws(StoreError) {
        try write { db in
            try HubLink.deleteAll(db)
            try link.insert(db)
        }
    }

    public func updateHubLink(_ change: @escaping @Sendable (inout HubLink) -> Void) throws(StoreError) {
        try write { db in
            guard var link = try HubLink.fetchOne(db) else { return }
            change(&link)
            try link.update(db)
        }
    }
}

// MARK: - Marking ready: the outbox row is written with the change

extension Store {
    public enum ReadyOutcome: Sendable, Hashable {
        /// Queued as this revision.
        case queued(revision: Int)
        /// Already queued or sent with exactly this content: nothing to do.
        case unchanged(revision: Int)
    }

    /// Marks a dossier ready to send and queues it, in one transaction. `payload` builds the
    /// exact request body for a revision from the dossier and its answers; it runs inside the
    /// transaction, so what is sent is what was on disk when the volunteer said "ready".
    ///
    /// A revision queued but never tried is replaced in place (no one has seen it); once a
    /// revision may have reached the hub, a change is a new revision (a supplement).
    public func markReady(_ dossierID: String, now: Date = Date(),
                          payload: (DossierRecord, Answers, [AttachmentRecord], Int) throws -> Data) throws(StoreError) -> ReadyOutcome {
        let vault = try requireVault()
        return try write { db in
            guard var dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            if dossier.revision > 0 && !dossier.changedSinceReady {
                return .unchanged(revision: dossier.revision)
            }
            let answers = try Self.answers(of: dossier, db: db, vault: vault)
            let untried = try OutboxItem
                .filter(OutboxItem.Columns.kind == OutboxItem.Kind.dossier.rawValue && OutboxItem.Columns.itemId == dossierID)
                .filter(sql: "attempts = 0 AND parkedAt IS NULL AND revision = ?", arguments: [dossier.revision])
                .fetchOne(db)
            let revision = untried == nil ? dossier.revision + 1 : dossier.revision
            dossier.revision = revision
            dossier.readyAt = max(now, dossier.updatedAt)
            dossier.status = "ready"
            let attachments = try Self.attachmentRecords(db, vault: vault, where: "dossierId = ?", [dossierID])
            // Frozen as sent, but sealed: the payload holds every answer.
            let body = try vault.seal(try payload(dossier, answers, attachments, revision), context: SealContext.payload(dossierID, revision))
            if var untried {
                untried.payload = body
                untried.createdAt = now
                try untried.update(db)
            } else {
                var item = OutboxItem(id: nil, kind: .dossier, itemId: dossierID, revision: revision, payload: body, createdAt: now,
                                      attempts: 0, lastError: nil, parkedAt: nil, parkedReason: nil)
                try item.insert(db)
            }
            try dossier.update(db)
            return .queued(revision: revision)
        }
    }

    /// Writes an activity and queues it for the hub, in one transaction.
    public func logActivity(_ activity: ActivityRecord) throws(StoreError) {
        try logActivities([activity])
    }

    /// Writes activities and queues them for the hub: all of them, or none.
    /// A note is sealed as it is written: that needs the passphrase once one is set.
    public func logActivities(_ activities: [ActivityRecord]) throws(StoreError) {
        let vault = self.vault
        try write { db in
            for activity in activities {
                try Self.stored(activity, db: db, vault: vault).insert(db)
                var item = OutboxItem(id: nil, kind: .activity, itemId: activity.id, revision: 0, payload: nil, createdAt: activity.createdAt,
                                      attempts: 0, lastError: nil, parkedAt: nil, parkedReason: nil)
                try item.insert(db)
            }
        }
    }
}

// MARK: - Draining the outbox

extension Store {
    /// Items waiting to go, oldest first; parked ones are left out. Dossier payloads come
    /// opened, so dossiers need the passphrase; activities do not, except those with a note in
    /// a store with a passphrase: without it they are left out (held back, like dossiers), so a
    /// note never leaves empty; they go at the next sync with the passphrase.
    public func outbox(kind: OutboxItem.Kind? = nil, limit: Int? = nil) throws(StoreError) -> [OutboxItem] {
        let vault = self.vault
        return try read { db in
            var request = OutboxItem.filter(OutboxItem.Columns.parkedAt == nil).order(Column("id"))
            if let kind { request = request.filter(OutboxItem.Columns.kind == kind.rawValue) }
            if vault == nil, try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM keyring)") ?? false {
                request = request.filter(sql: "NOT (kind = 'activity' AND itemId IN (\(Self.activitiesWithNotes)))")
            }
            if let limit { request = request.limit(limit) }
            return try request.fetchAll(db).map { item in
                guard item.kind == .dossier, let sealed = item.payload else { return item }
                guard let vault else { throw StoreError.locked }
                var opened = item
                opened.payload = try vault.open(sealed, context: SealContext.payload(item.itemId, item.revision))
                return opened
            }
        }
    }

    /// How many dossiers wait to be sent (they need the passphrase to go).
    public func waitingDossierCount() throws(StoreError) -> Int {
        try read { db in try OutboxItem.filter(OutboxItem.Columns.parkedAt == nil && OutboxItem.Columns.kind == OutboxItem.Kind.dossier.rawValue).fetchCount(db) }
    }

    /// How many activities with a note wait for the passphrase (none when it was given, or
    /// when the store has no passphrase).
    public func waitingLockedActivityCount() throws(StoreError) -> Int {
        guard vault == nil else { return 0 }
        return try read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM keyring)") ?? false else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE parkedAt IS NULL AND kind = 'activity' AND itemId IN (\(Self.activitiesWithNotes))") ?? 0
        }
    }

    /// The entries with a note (sealed, or left in clear by an older version); partial index.
    static let activitiesWithNotes = "SELECT id FROM activity WHERE sealedNotes IS NOT NULL OR notes IS NOT NULL"

    /// The entries to send, their notes opened.
    public func activities(ids: [String]) throws(StoreError) -> [ActivityRecord] {
        let vault = self.vault
        return try read { db in try Self.presented(ActivityRecord.fetchAll(db, keys: ids), db: db, vault: vault) }
    }

    /// Counts an attempt before the request goes out, so that a revision that may have reached
    /// the hub is never replaced in place afterwards.
    public func noteAttempt(_ itemIDs: [Int64]) throws(StoreError) {
        _ = try write { db in
            try OutboxItem.filter(keys: itemIDs).updateAll(db, Column("attempts") += 1)
        }
    }

    public func noteFailure(_ itemID: Int64, error: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE outbox SET lastError = ? WHERE id = ?", arguments: [error, itemID])
        }
    }

    /// The hub refused an item for good: set it aside with the reason, so the rest can go.
    public func park(_ itemIDs: [Int64], reason: String, now: Date = Date()) throws(StoreError) {
        _ = try write { db in
            try OutboxItem.filter(keys: itemIDs).updateAll(db, Column("parkedAt").set(to: StoreDate.text(now)), Column("parkedReason").set(to: reason))
        }
    }

    /// Puts parked items back in line (after the volunteer fixed the cause).
    public func unpark() throws(StoreError) -> Int {
        try write { db in
            try OutboxItem.filter(OutboxItem.Columns.parkedAt != nil).updateAll(db, Column("parkedAt").set(to: nil), Column("parkedReason").set(to: nil))
        }
    }

    /// The hub accepted a dossier revision: keep the receipt, drop the outbox row, note the
    /// status — one transaction, so a crash either keeps the row (and resends) or has it all.
    public func completeDossier(_ itemID: Int64, receipt: ReceiptRecord, hubStatus: String, now: Date = Date()) throws(StoreError) {
        try completeDossiers([Completion(itemID: itemID, receipt: receipt, hubStatus: hubStatus)], now: now)
    }

    /// One accepted revision: the outbox row it leaves, the hub's receipt and the status it gave.
    public struct Completion: Sendable {
        public var itemID: Int64
        public var receipt: ReceiptRecord
        public var hubStatus: String

        public init(itemID: Int64, receipt: ReceiptRecord, hubStatus: String) {
            self.itemID = itemID
            self.receipt = receipt
            self.hubStatus = hubStatus
        }
    }

    /// Several accepted revisions in one transaction (one fsync for a run of them): all kept, or
    /// none, and then the next sync sends them again and the hub answers each the same way.
    public func completeDossiers(_ completions: [Completion], now: Date = Date()) throws(StoreError) {
        guard !completions.isEmpty else { return }
        try write { db in
            // Three statements a revision, each prepared once for the window (a first sync books
            // thousands): the receipt kept, the outbox row dropped, the dossier marked sent.
            let keep = try db.cachedStatement(sql: """
                INSERT INTO receipt (dossierId, revision, kind, volunteerId, contentSHA256, receivedAt, hubKeyId, signature)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (dossierId, revision) DO UPDATE SET kind = excluded.kind, volunteerId = excluded.volunteerId,
                    contentSHA256 = excluded.contentSHA256, receivedAt = excluded.receivedAt, hubKeyId = excluded.hubKeyId, signature = excluded.signature
                """)
            let drop = try db.cachedStatement(sql: "DELETE FROM outbox WHERE id = ?")
            // A receipt at or above the last one sent moves the hub's status; `sent` once the
            // latest revision has a receipt. (The right-hand sides read the row as it was.)
            let mark = try db.cachedStatement(sql: """
                UPDATE dossier SET
                    sentRevision = MAX(sentRevision, :revision),
                    status = CASE WHEN status = 'ready' AND MAX(sentRevision, :revision) >= revision THEN 'sent' ELSE status END,
                    hubStatus = CASE WHEN hubStatus IS NULL OR :revision >= sentRevision THEN :hubStatus ELSE hubStatus END,
                    hubStatusAt = CASE WHEN hubStatus IS NULL OR :revision >= sentRevision THEN COALESCE(hubStatusAt, :now) ELSE hubStatusAt END
                WHERE id = :id
                """)
            for completion in completions {
                let receipt = completion.receipt
                try keep.execute(arguments: [receipt.dossierId, receipt.revision, receipt.kind, receipt.volunteerId, receipt.contentSHA256,
                                             receipt.receivedAt, receipt.hubKeyId, receipt.signature])
                try drop.execute(arguments: [completion.itemID])
                try mark.execute(arguments: ["revision": receipt.revision, "hubStatus": completion.hubStatus, "now": StoreDate.text(now), "id": receipt.dossierId])
            }
        }
    }

    public func completeActivities(_ itemIDs: [Int64]) throws(StoreError) {
        try write { db in _ = try OutboxItem.deleteAll(db, keys: itemIDs) }
    }
}

// MARK: - Applying the change feed

extension Store {
    /// Applies one page of the change feed and moves the cursor, in one transaction.
    public func apply(_ changes: [PulledChange], cursor: String, now: Date = Date()) throws(StoreError) {
        try write { db in
            for change in changes {
                switch change {
                case .status(let dossierID, let status, let reason, let portalCode, let at):
                    try db.execute(sql: """
                        UPDATE dossier SET hubStatus = ?, hubReason = ?, portalCode = COALESCE(?, portalCode), hubStatusAt = ?
                        WHERE id = ?
                        """, arguments: [status, reason, portalCode, StoreDate.text(at), dossierID])
                case .announcement(let message, let at):
                    var record = AnnouncementRecord(message: message, at: at, receivedAt: now)
                    try record.insert(db, onConflict: .ignore)
                }
            }
            try db.execute(sql: "UPDATE hubLink SET cursor = ?, lastPulledCount = lastPulledCount + ?", arguments: [cursor, changes.count])
        }
    }

    public func receipts(of dossierID: String) throws(StoreError) -> [ReceiptRecord] {
        try read { db in try ReceiptRecord.filter(Column("dossierId") == dossierID).order(Column("revision")).fetchAll(db) }
    }

    /// What `sotay status` and the home menu show.
    public func syncSummary(announcements limit: Int = 3) throws(StoreError) -> SyncSummary {
        try read { db in
            let counts = try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM outbox WHERE parkedAt IS NULL GROUP BY kind")
            var dossiers = 0
            var activities = 0
            for row in counts {
                if row["kind"] == OutboxItem.Kind.dossier.rawValue { dossiers = row["n"] } else { activities = row["n"] }
            }
            return SyncSummary(
                link: try HubLink.fetchOne(db),
                pendingDossiers: dossiers, pendingActivities: activities,
                parked: try OutboxItem.filter(OutboxItem.Columns.parkedAt != nil).order(Column("id")).fetchAll(db),
                followUps: try DossierRecord.filter(sql: "hubStatus = 'needs-supplement'").order(Column("hubStatusAt").desc).fetchAll(db),
                announcements: try AnnouncementRecord.order(Column("id").desc).limit(limit).fetchAll(db))
        }
    }
}
