import Foundation
import GRDB
import SoTayCore

extension Store {
    /// The blob folder beside the database, with the volunteer's size limit.
    public func blobFolder() throws(StoreError) -> BlobFolder {
        let megabytes = try setting(.attachmentMaxMegabytes).flatMap(Int64.init) ?? BlobFolder.defaultMaxBytes / 1_000_000
        return BlobFolder(url: directory.appending(path: "blobs"), maxBytes: megabytes * 1_000_000)
    }

    public enum AttachOutcome: Sendable, Hashable {
        case added(AttachmentRecord)
        /// The same bytes are already attached to this dossier: nothing changed.
        case alreadyAttached(AttachmentRecord)
    }

    /// Links a blob already in the blob folder to a dossier, and marks the dossier changed (a
    /// dossier already sent needs a new revision to carry it).
    public func attach(_ blob: StoredBlob, to dossierID: String, documentId: String?, label: String,
                       now: Date = Date()) throws(StoreError) -> AttachOutcome {
        try write { db in
            guard var dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            if let existing = try AttachmentRecord
                .filter(AttachmentRecord.Columns.dossierId == dossierID && AttachmentRecord.Columns.sha256 == blob.sha256)
                .fetchOne(db) {
                return .alreadyAttached(existing)
            }
            let record = AttachmentRecord(id: UUID().uuidString.lowercased(), dossierId: dossierID, documentId: documentId, sha256: blob.sha256,
                                          size: blob.size, mediaType: blob.kind.mediaType, label: label, addedAt: now)
            try record.insert(db)
            dossier.updatedAt = max(now, dossier.updatedAt)
            try dossier.update(db)
            return .added(record)
        }
    }

    public func attachments(of dossierID: String) throws(StoreError) -> [AttachmentStatus] {
        try read { db in
            let records = try AttachmentRecord.filter(AttachmentRecord.Columns.dossierId == dossierID)
                .order(AttachmentRecord.Columns.addedAt, Column("id")).fetchAll(db)
            let uploaded = try Set(String.fetchAll(db, sql: """
                SELECT sha256 FROM blobUpload WHERE uploadedAt IS NOT NULL AND sha256 IN (SELECT sha256 FROM attachment WHERE dossierId = ?)
                """, arguments: [dossierID]))
            return records.map { AttachmentStatus(attachment: $0, uploaded: uploaded.contains($0.sha256)) }
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
                """, arguments: [sha256, url, offset, now])
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
                    """, arguments: [sha256, now, now])
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
