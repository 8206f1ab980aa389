import Foundation
import GRDB

/// A photo's original, kept (sealed, in the blob folder) beside the smaller sending copy that
/// is attached, until the hub's receipt for a revision that carries the copy: should the copy
/// turn out unreadable, the original is still on the laptop until the commune has the dossier.
extension Store {
    static func registerPhotoOriginals(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-photo-originals") { db in
            try db.execute(sql: """
                -- copySha256: the sending copy (attached, sent); originalSha256: the photo as taken.
                CREATE TABLE photoOriginal (
                    copySha256 TEXT PRIMARY KEY NOT NULL,
                    originalSha256 TEXT NOT NULL,
                    addedAt DATETIME NOT NULL
                );
                """)
        }
    }

    public func keepOriginal(_ originalSHA256: String, forCopy copySHA256: String, now: Date = Date()) throws(StoreError) {
        try write { db in
            try db.execute(sql: "INSERT INTO photoOriginal (copySha256, originalSha256, addedAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [copySHA256, originalSHA256, StoreDate.text(now)])
        }
    }

    /// Originals still kept on this laptop (sending copy → original).
    public func keptOriginals() throws(StoreError) -> [String: String] {
        try read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT copySha256, originalSha256 FROM photoOriginal").map { ($0["copySha256"], $0["originalSha256"]) },
                       uniquingKeysWith: { first, _ in first })
        }
    }

    /// Erases the originals whose copy every dossier holding it has sent in a revision the hub
    /// receipted (marked ready after the copy was attached, and that revision sent), and those
    /// whose copy no dossier holds any more. Returns how many went.
    @discardableResult
    public func pruneOriginals() throws(StoreError) -> Int {
        let gone: [String] = try write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT p.copySha256, p.originalSha256 FROM photoOriginal p
                WHERE NOT EXISTS (
                    SELECT 1 FROM attachment a JOIN dossier d ON d.id = a.dossierId
                    WHERE a.sha256 = p.copySha256
                      AND NOT (d.revision > 0 AND d.sentRevision >= d.revision AND d.readyAt IS NOT NULL AND d.readyAt >= a.addedAt
                               AND EXISTS (SELECT 1 FROM receipt r WHERE r.dossierId = d.id AND r.revision = d.sentRevision))
                )
                """)
            var originals: [String] = []
            for row in rows {
                let copy: String = row["copySha256"]
                originals.append(row["originalSha256"])
                try db.execute(sql: "DELETE FROM photoOriginal WHERE copySha256 = ?", arguments: [copy])
            }
            return originals
        }
        guard !gone.isEmpty else { return 0 }
        // Only files no attachment uses (the same photo attached elsewhere as it is stays).
        try blobFolder().remove(unreferencedBlobs(among: gone))
        return gone.count
    }
}
