import Foundation
import GRDB

/// A photo or scan linked to a dossier, and to the paper it shows when known.
public struct AttachmentRecord: Codable, Sendable, Hashable, FetchableRecord, StoreDated, PersistableRecord, Identifiable {
    public static let databaseTableName = "attachment"
    public var id: String
    public var dossierId: String
    /// The id of the procedure's document step this shows; `nil` for another paper.
    public var documentId: String?
    public var sha256: String
    public var size: Int64
    public var mediaType: String
    /// The name the file had, shown on screen only.
    public var label: String
    public var addedAt: Date

    public enum Columns {
        public static let dossierId = Column(CodingKeys.dossierId)
        public static let sha256 = Column(CodingKeys.sha256)
        public static let addedAt = Column(CodingKeys.addedAt)
    }
}

/// Where the upload of one blob stands.
public struct BlobUploadRecord: Codable, Sendable, Hashable, FetchableRecord, StoreDated, PersistableRecord {
    public static let databaseTableName = "blobUpload"
    public var sha256: String
    /// The tus upload on the hub, to resume; `nil` before one was created.
    public var uploadURL: String?
    /// The last offset the hub reported.
    public var offset: Int64
    public var updatedAt: Date
    /// When the hub confirmed it holds the whole blob.
    public var uploadedAt: Date?
}

/// An attachment as `drafts show` lists it.
public struct AttachmentStatus: Sendable, Hashable {
    public var attachment: AttachmentRecord
    public var uploaded: Bool

    /// The revision of `dossier` the hub already has this file in, if any: it was attached
    /// before the dossier was last marked ready and that revision reached the hub. Taking it
    /// off then needs a new revision without it; the hub keeps the old one.
    public func sentRevision(of dossier: DossierRecord) -> Int? {
        guard dossier.sentRevision > 0, let readyAt = dossier.readyAt, attachment.addedAt <= readyAt else { return nil }
        return dossier.sentRevision
    }
}
