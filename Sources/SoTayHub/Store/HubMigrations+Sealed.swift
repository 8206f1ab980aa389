import Foundation
import GRDB

extension HubMigrations {
    static let sealed = "v5-sealed"

    /// `v5-sealed`: the residents' personal data sealed with the hub's data key (`Sealer`).
    ///
    /// Registered apart from the others because it needs the key. It depends on no migration
    /// after `v3-activity-report`: it only adds its own table and rewrites three columns. In the
    /// migration's one transaction it seals every value already stored, so a database is either
    /// wholly plaintext (before) or wholly sealed (after), and no read ever has to guess which.
    /// Sealed columns: `dossier.residentName`, `dossierRevision.body` (every answer),
    /// `activity.body` (notes, topics). What reports and the change feed read stays clear.
    static func registerSealed(_ migrator: inout DatabaseMigrator, sealer: Sealer) {
        let check = sealer.dataKey.check
        migrator.registerMigration(sealed) { db in
            try db.execute(sql: """
                -- Which key sealed this database: an HMAC under the key, never the key itself.
                -- blobsSealedAt: when the blob files stored before this migration were sealed.
                CREATE TABLE hubSealing (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    keyCheck TEXT NOT NULL,
                    sealedAt DATETIME NOT NULL,
                    blobsSealedAt DATETIME
                );
                """)
            try db.execute(sql: "INSERT INTO hubSealing (id, keyCheck, sealedAt) VALUES (1, ?, ?)", arguments: [check, Date()])
            for row in try Row.fetchAll(db, sql: "SELECT id, residentName FROM dossier WHERE residentName IS NOT NULL") {
                let id: String = row["id"]
                try db.execute(sql: "UPDATE dossier SET residentName = ? WHERE id = ?",
                               arguments: [try sealer.seal(row["residentName"], at: .residentName(dossier: id)), id])
            }
            for row in try Row.fetchAll(db, sql: "SELECT dossierId, revision, body FROM dossierRevision") {
                let (id, revision): (String, Int) = (row["dossierId"], row["revision"])
                try db.execute(sql: "UPDATE dossierRevision SET body = ? WHERE dossierId = ? AND revision = ?",
                               arguments: [try sealer.seal(row["body"], at: .revisionBody(dossier: id, revision: revision)), id, revision])
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, body FROM activity") {
                let id: String = row["id"]
                try db.execute(sql: "UPDATE activity SET body = ? WHERE id = ?", arguments: [try sealer.seal(row["body"], at: .activityBody(id)), id])
            }
        }
    }
}
