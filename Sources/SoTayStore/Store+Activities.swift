import Foundation
import GRDB
import SoTayCore
import SoTayReports

// MARK: - The outreach activity log

extension Store {
    /// Entries of one month (Vietnam time), or all, oldest first; undone ones included (marked).
    public func activities(in month: ReportMonth? = nil) throws(StoreError) -> [ActivityRecord] {
        let vault = self.vault
        return try read { db in
            var request = ActivityRecord.filter(ActivityRecord.Columns.kind != ActivityKind.undo.rawValue)
            if let month {
                let (start, end) = month.interval
                request = request.filter(ActivityRecord.Columns.occurredAt >= start && ActivityRecord.Columns.occurredAt < end)
            }
            return try Self.presented(request.order(ActivityRecord.Columns.occurredAt, ActivityRecord.Columns.id).fetchAll(db), db: db, vault: vault)
        }
    }

    /// The entry whose id is, or starts with, `idOrPrefix` (at least 4 characters).
    public func activity(_ idOrPrefix: String) throws(StoreError) -> ActivityRecord {
        let key = idOrPrefix.lowercased().trimmingCharacters(in: .whitespaces)
        let vault = self.vault
        return try read { db in
            if let exact = try ActivityRecord.fetchOne(db, key: key), exact.kind != ActivityKind.undo.rawValue {
                return try Self.presented([exact], db: db, vault: vault)[0]
            }
            guard key.count >= 4, key.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { throw StoreError.activityNotFound(idOrPrefix) }
            let request = ActivityRecord.filter(ActivityRecord.Columns.id.like("\(key)%") && ActivityRecord.Columns.kind != ActivityKind.undo.rawValue)
            let matches = try request.limit(2).fetchAll(db)
            guard matches.count == 1 else {
                if matches.isEmpty { throw StoreError.activityNotFound(idOrPrefix) }
                throw StoreError.ambiguousActivity(idOrPrefix, matches: try request.fetchCount(db))
            }
            return try Self.presented([matches[0]], db: db, vault: vault)[0]
        }
    }

    /// Entries as the volunteer reads them: a sealed note opened with the passphrase; without
    /// it, no note text at all (`hasLockedNote`), not even one left in clear by an older version
    /// in a store that has a passphrase (it is sealed at the next unlock).
    static func presented(_ records: [ActivityRecord], db: Database, vault: Vault?) throws -> [ActivityRecord] {
        guard records.contains(where: { $0.notes != nil || $0.sealedNotes != nil }) else { return records }
        let hasKeyring = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM keyring)") ?? false
        let protected = vault == nil && hasKeyring
        return try records.map { record in
            var entry = record
            if let sealed = record.sealedNotes {
                entry.notes = try vault.map { try $0.openText(sealed, context: SealContext.notes(record.id)) }
            } else if record.notes != nil, protected {
                entry.notes = nil
                entry.sealedNotes = Data()
            }
            return entry
        }
    }

    /// The entry as it is stored: its note sealed when a passphrase protects the store.
    /// Without the passphrase a note cannot be written then (`locked`); an entry without one can.
    static func stored(_ record: ActivityRecord, db: Database, vault: Vault?) throws -> ActivityRecord {
        guard let note = record.notes else { return record }
        var entry = record
        if let vault {
            entry.sealedNotes = try vault.seal(note, context: SealContext.notes(record.id))
            entry.notes = nil
        } else if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM keyring)") ?? false {
            throw StoreError.locked
        }
        return entry
    }

    /// Takes an entry back: it stops counting here at once, and an undo entry goes to the hub.
    ///
    /// If the entry has not left yet, its outbox row is dropped too. The undo entry is queued
    /// either way: a sync running at this moment may already be sending the entry, and the hub
    /// applies an undo whichever of the two arrives first.
    @discardableResult
    public func undoActivity(_ idOrPrefix: String, now: Date = Date()) throws(StoreError) -> ActivityRecord {
        let found = try activity(idOrPrefix)
        return try write { db in
            guard var entry = try ActivityRecord.fetchOne(db, key: found.id) else { throw StoreError.activityNotFound(idOrPrefix) }
            guard entry.undoneAt == nil else { throw StoreError.activityAlreadyUndone(entry.shortID) }
            entry.undoneAt = now
            try entry.update(db)
            try OutboxItem.filter(OutboxItem.Columns.kind == OutboxItem.Kind.activity.rawValue && Column("itemId") == entry.id && OutboxItem.Columns.parkedAt == nil)
                .deleteAll(db)
            let undo = ActivityRecord(kind: ActivityKind.undo.rawValue, occurredAt: now, village: entry.village, retracts: entry.id, createdAt: now)
            try undo.insert(db)
            var item = OutboxItem(id: nil, kind: .activity, itemId: undo.id, revision: 0, payload: nil, createdAt: now,
                                  attempts: 0, lastError: nil, parkedAt: nil, parkedReason: nil)
            try item.insert(db)
            return entry
        }
    }

    public func residentExists(_ id: String) throws(StoreError) -> Bool {
        try read { db in try ResidentRecord.exists(db, key: id) }
    }

    /// The guidance entry already written for a dossier, if any (not undone): a walk that ends
    /// again after an edit does not log the same work twice.
    public func guidanceActivity(forDossier dossierID: String) throws(StoreError) -> ActivityRecord? {
        try read { db in
            try ActivityRecord.filter(ActivityRecord.Columns.dossierId == dossierID && ActivityRecord.Columns.kind == ActivityKind.guidance.rawValue
                                      && ActivityRecord.Columns.undoneAt == nil).fetchOne(db)
        }
    }
}

// MARK: - The monthly report

extension Store: ReportDatabase {
    /// The volunteer's own activities, as the report queries see them: this laptop has one
    /// volunteer, whose name is bound as the `volunteer` column.
    public func reportTable(volunteer: String) -> ActivityTable {
        ActivityTable(from: "activity", counted: "undoneAt IS NULL AND kind <> 'undo'", volunteer: "?", volunteerArguments: [.text(volunteer)])
    }

    public func rows(_ statement: ReportStatement) throws(StoreError) -> [ReportRow] {
        try read { db in
            try Row.fetchAll(db, sql: statement.sql, arguments: StatementArguments(statement.arguments.map(\.databaseValue))).map { row in
                ReportRow(key: row[0], values: (1..<row.count).map { row[$0] ?? 0 })
            }
        }
    }
}

extension SQLValue {
    /// The value as GRDB binds it; dates in GRDB's text format, the one the columns hold.
    var databaseValue: DatabaseValue {
        switch self {
        case .text(let text): text.databaseValue
        case .integer(let number): number.databaseValue
        case .date(let date): date.databaseValue
        }
    }
}
