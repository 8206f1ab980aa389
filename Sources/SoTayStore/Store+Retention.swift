import Foundation
import GRDB
import SoTayCore

/// What a retention purge erased, or would erase (`--dry-run`).
public struct PurgeReport: Sendable, Hashable {
    /// The dossiers whose personal data went, short ids first to last.
    public var dossiers: [String] = []
    public var residents = 0
    public var answers = 0
    public var blobs = 0
    public var blobBytes: Int64 = 0
    public var dryRun = false

    public init(dryRun: Bool = false) {
        self.dryRun = dryRun
    }
}

extension Store {
    /// Days personal data is kept after the commune closed a dossier; 30 unless set.
    public static let defaultRetentionDays = 30

    public func retentionDays() throws(StoreError) -> Int {
        try setting(.retentionDays).flatMap(Int.init) ?? Self.defaultRetentionDays
    }

    /// Erases the personal data of dossiers the hub confirmed (no revision left to send) and
    /// closed (completed, rejected, withdrawn) at least `retentionDays` ago: the answers, the
    /// resident's name and phone when no open dossier of theirs remains, attachment rows and
    /// the photo files no other dossier uses. The dossier's metadata, its papers checklist,
    /// receipts, the consent record and the activity log stay, so reports do not change.
    ///
    /// Needs no passphrase: sealed values are deleted, never read.
    public func purge(retentionDays days: Int? = nil, now: Date = Date(), dryRun: Bool = false) throws(StoreError) -> PurgeReport {
        let retention: Int
        if let days { retention = days } else { retention = try retentionDays() }
        let cutoff = now.addingTimeInterval(-Double(max(retention, 0)) * 86_400)
        var report = PurgeReport(dryRun: dryRun)
        let hashes: [String] = try write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM dossier
                WHERE personalPurgedAt IS NULL AND revision > 0 AND sentRevision >= revision
                  AND hubStatus IN ('completed', 'rejected', 'withdrawn') AND hubStatusAt <= ?
                  AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.kind = 'dossier' AND outbox.itemId = dossier.id)
                ORDER BY hubStatusAt, id
                """, arguments: [StoreDate.text(cutoff)])
            report.dossiers = ids
            guard !ids.isEmpty else { return [] }
            let list = ids.map { _ in "?" }.joined(separator: ",")
            let arguments = StatementArguments(ids)
            report.answers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dossierAnswer WHERE dossierId IN (\(list))", arguments: arguments) ?? 0
            // A resident's name goes when every dossier of theirs is purged or being purged.
            let residents = try String.fetchAll(db, sql: """
                SELECT DISTINCT residentId FROM dossier d WHERE d.id IN (\(list))
                  AND NOT EXISTS (SELECT 1 FROM dossier o WHERE o.residentId = d.residentId AND o.personalPurgedAt IS NULL AND o.id NOT IN (\(list)))
                """, arguments: arguments + arguments)
            report.residents = residents.count
            let hashes = try String.fetchAll(db, sql: """
                SELECT DISTINCT sha256 FROM attachment a WHERE a.dossierId IN (\(list))
                  AND NOT EXISTS (SELECT 1 FROM attachment o WHERE o.sha256 = a.sha256 AND o.dossierId NOT IN (\(list)))
                """, arguments: arguments + arguments)
            report.blobs = hashes.count
            report.blobBytes = try Int64.fetchOne(db, sql: """
                SELECT COALESCE(SUM(size), 0) FROM (SELECT DISTINCT sha256, size FROM attachment WHERE sha256 IN (\(hashes.map { _ in "?" }.joined(separator: ","))))
                """, arguments: StatementArguments(hashes)) ?? 0
            guard !dryRun else { return [] }
            try db.execute(sql: "DELETE FROM dossierAnswer WHERE dossierId IN (\(list))", arguments: arguments)
            try db.execute(sql: "DELETE FROM attachment WHERE dossierId IN (\(list))", arguments: arguments)
            try db.execute(sql: "DELETE FROM blobUpload WHERE sha256 IN (\(hashes.map { _ in "?" }.joined(separator: ",")))", arguments: StatementArguments(hashes))
            if !residents.isEmpty {
                try db.execute(sql: """
                    UPDATE residentPersonal SET fullName = NULL, phone = NULL, updatedAt = ? WHERE residentId IN (\(residents.map { _ in "?" }.joined(separator: ",")))
                    """, arguments: [StoreDate.text(now)] + StatementArguments(residents))
            }
            // The officer's reason and the portal's code can name or point to the person.
            try db.execute(sql: "UPDATE dossier SET personalPurgedAt = ?, hubReason = NULL, portalCode = NULL WHERE id IN (\(list))",
                           arguments: [StoreDate.text(now)] + arguments)
            return hashes
        }
        // Rows first, files after: a crash in between leaves only unreferenced sealed files,
        // which the next purge does not need (they cannot be opened without the key either).
        if !hashes.isEmpty { try blobFolder().remove(hashes) }
        return report
    }
}
