import Foundation
import GRDB
import SoTayCore

extension Store {
    /// The blob folder beside the database, with the volunteer's size limit.
    public func blobFolder() throws(StoreError) -> BlobFolder {
        let megabytes = try setting(.attachmentMaxMegabytes).flatMap(Int64.init) ?? BlobFolder.defaultMaxBytes / 1_000_000
        return BlobFolder(url: directory.appending(path: "blobs"), maxBytes: megabytes * 1_000_000, vault: vault)
    }

    public enum AttachOutcome: Sendable, Hashable {
        case added(AttachmentRecord)
        /// The same bytes are already attached to this dossier: nothing changed.
        case alreadyAttached(AttachmentRecord)
        /// The same bytes were attached for another paper (or none): now linked to the one named.
        case relinked(AttachmentRecord, from: String?)
    }

    /// Links a blob already in the blob folder to a dossier, and marks the dossier changed (a
    /// dossier already sent needs a new revision to carry it).
    public func attach(_ blob: StoredBlob, to dossierID: String, documentId: String?, label: String,
                       now: Date = Date()) throws(StoreError) -> AttachOutcome {
        let vault = try requireVault()
        return try write { db in
            guard var dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            if var existing = try Self.attachmentRecords(db, vault: vault, where: "dossierId = ? AND sha256 = ?", [dossierID, blob.sha256]).first {
                guard let documentId, documentId != existing.documentId else { return .alreadyAttached(existing) }
                let previous = existing.documentId
                try db.execute(sql: "UPDATE attachment SET documentId = ? WHERE id = ?", arguments: [documentId, existing.id])
                existing.documentId = documentId
                dossier.updatedAt = max(now, dossier.updatedAt)
                try dossier.update(db)
                return .relinked(existing, from: previous)
            }
            let record = AttachmentRecord(id: UUID().uuidString.lowercased(), dossierId: dossierID, documentId: documentId, sha256: blob.sha256,
                                          size: blob.size, mediaType: blob.kind.mediaType, label: label, addedAt: now)
            // The file's name may be a person's ("CCCD Nguyen Van A.jpg"): it is sealed too.
            try db.execute(sql: """
                INSERT INTO attachment (id, dossierId, documentId, sha256, size, mediaType, label, addedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.id, record.dossierId, record.documentId, record.sha256, record.size, record.mediaType,
                                 try vault.seal(label, context: SealContext.label(record.id)), StoreDate.text(record.addedAt)])
            dossier.updatedAt = max(now, dossier.updatedAt)
            try dossier.update(db)
            return .added(record)
        }
    }

    /// Takes one attachment off a dossier (the dossier counts as changed), then removes the
    /// photo itself when no other dossier uses it.
    public func detach(_ attachmentID: String, from dossierID: String, now: Date = Date()) throws(StoreError) {
        let sha256: String? = try write { db in
            guard var dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            guard let hash = try String.fetchOne(db, sql: "SELECT sha256 FROM attachment WHERE id = ? AND dossierId = ?", arguments: [attachmentID, dossierID])
            else { return nil }
            try db.execute(sql: "DELETE FROM attachment WHERE id = ?", arguments: [attachmentID])
            dossier.updatedAt = max(now, dossier.updatedAt)
            try dossier.update(db)
            return hash
        }
        guard let sha256 else { return }
        try blobFolder().remove(unreferencedBlobs(among: [sha256]))
    }

    public func attachments(of dossierID: String) throws(StoreError) -> [AttachmentStatus] {
        try read { db in
            let records = try Self.attachmentRecords(db, vault: vault, where: "dossierId = ?", [dossierID])
            let uploaded = try Set(String.fetchAll(db, sql: """
                SELECT sha256 FROM blobUpload WHERE uploadedAt IS NOT NULL AND sha256 IN (SELECT sha256 FROM attachment WHERE dossierId = ?)
                """, arguments: [dossierID]))
            return records.map { AttachmentStatus(attachment: $0, uploaded: uploaded.contains($0.sha256)) }
        }
    }

    /// Attachment rows in the order they were added, labels opened (empty without the key).
    static func attachmentRecords(_ db: Database, vault: Vault?, where condition: String, _ arguments: StatementArguments) throws -> [AttachmentRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM attachment WHERE \(condition) ORDER BY addedAt, id", arguments: arguments).map { row in
            let id: String = row["id"]
            let label = try vault.flatMap { try openText(row["label"], context: SealContext.label(id), vault: $0) } ?? ""
            return AttachmentRecord(id: id, dossierId: row["dossierId"], documentId: row["documentId"], sha256: row["sha256"],
                                    size: row["size"], mediaType: row["mediaType"], label: label, addedAt: StoreDate.decode(row["addedAt"]) ?? row["addedAt"])
        }
    }

    public func blobUpload(_ sha256: String) throws(StoreError) -> BlobUploadRecord? {
        try read { db in try BlobUploadRecord.fetchOne(db, key: sha256) }
    }

    /// Remembers where a blob's upload stands, so that a later run resumes it.
    public func noteBlobUpload(_ sha256: String, url: String?, offset: Int64, now: Date = Date()) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO blobUpload (sha256, uploadURL, offset, updatedAt) VALUES (?, ?, ?, ?)
                ON CONFLICT (sha256) DO UPDATE SET uploadURL = excluded.uploadURL, offset = excluded.offset, updatedAt = excluded.updatedAt
                """, arguments: [sha256, url, offset, StoreDate.text(now)])
        }
    }

    /// The hub holds these blobs, whole and verified.
    public func markBlobsUploaded(_ hashes: [String], now: Date = Date()) throws(StoreError) {
        guard !hashes.isEmpty else { return }
        try write { db in
            for sha256 in hashes {
                try db.execute(sql: """
                    INSERT INTO blobUpload (sha256, uploadURL, offset, updatedAt, uploadedAt) VALUES (?, NULL, 0, ?, ?)
                    ON CONFLICT (sha256) DO UPDATE SET uploadURL = NULL, updatedAt = excluded.updatedAt, uploadedAt = excluded.uploadedAt
                    """, arguments: [sha256, StoreDate.text(now), StoreDate.text(now)])
            }
        }
    }

    /// Forgets that the hub held these (it said it does not, after all: a new hub, a restore).
    public func markBlobsMissing(_ hashes: [String]) throws(StoreError) {
        guard !hashes.isEmpty else { return }
        try write { db in
            for sha256 in hashes {
                try db.execute(sql: "UPDATE blobUpload SET uploadedAt = NULL WHERE sha256 = ?", arguments: [sha256])
            }
        }
    }

    /// Blob files no attachment names any more (after a draft was deleted); the caller removes them.
    public func unreferencedBlobs(among hashes: [String]) throws(StoreError) -> [String] {
        try read { db in
            try hashes.filter { sha256 in
                try AttachmentRecord.filter(AttachmentRecord.Columns.sha256 == sha256).fetchCount(db) == 0
            }
        }
    }
}

// MARK: - Settings

/// The volunteer's settings, kept in the store: `sotay settings`.
public enum SettingKey: String, Sendable, CaseIterable {
    /// Largest file `sotay attach` takes, in MB (default 15).
    case attachmentMaxMegabytes = "attachment-max-mb"
    /// Days residents' personal data stays after the commune closed the dossier (default 30).
    case retentionDays = "retention-days"
    /// Long side, in pixels, of the copy of a JPEG photo that is sent (default 1600; 0: send as taken).
    case photoMaxPixels = "photo-max-px"
    /// Minutes residents' data stays open after the last command that used it (default 15; 0: ask every time).
    case unlockedMinutes = "unlocked-minutes"
}

extension Store {
    public func setting(_ key: SettingKey) throws(StoreError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key.rawValue]) }
    }

    public func setSetting(_ key: SettingKey, _ value: String?) throws(StoreError) {
        try write { db in
            if let value {
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               arguments: [key.rawValue, value])
            } else {
                try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key.rawValue])
            }
        }
    }
}
