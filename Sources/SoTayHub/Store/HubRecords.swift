import Foundation
import GRDB
import SoTayWire

/// A volunteer the commune admin registered.
public struct HubVolunteer: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "volunteer"
    public var id: Int64?
    public var name: String
    public var village: String
    public var commune: String
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var info: VolunteerInfo {
        VolunteerInfo(id: String(id ?? 0), name: name, village: village, commune: commune)
    }
}

struct EnrollCodeRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "enrollCode"
    var codeHash: String
    var volunteerId: Int64
    var createdAt: Date
    var expiresAt: Date
    var usedAt: Date?
    var deviceId: String?
}

/// An enrolled laptop.
public struct HubDevice: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "device"
    public var id: String
    public var volunteerId: Int64
    public var name: String
    var tokenHash: String
    public var enrolledAt: Date
    public var revokedAt: Date?
    public var lastSeenAt: Date?

    public enum Columns {
        static let tokenHash = Column(CodingKeys.tokenHash)
        static let volunteerId = Column(CodingKeys.volunteerId)
    }
}

/// A dossier as the commune sees it.
public struct HubDossier: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "dossier"
    public var id: String
    public var volunteerId: Int64
    public var procedureId: String
    public var village: String
    public var commune: String
    public var residentName: String?
    public var status: DossierStatus
    public var reason: String?
    public var portalCode: String?
    public var latestRevision: Int
    public var receivedAt: Date
    public var updatedAt: Date

    public enum Columns {
        static let volunteerId = Column(CodingKeys.volunteerId)
        static let status = Column(CodingKeys.status)
        static let updatedAt = Column(CodingKeys.updatedAt)
    }
}

/// One received revision, stored exactly as it arrived.
public struct HubRevision: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "dossierRevision"
    public var dossierId: String
    public var revision: Int
    public var kind: RevisionKind
    public var deviceId: String
    public var contentSHA256: String
    public var body: String
    /// The exact text signed in the receipt.
    public var receivedAt: String
    public var signature: String

    public enum Columns {
        static let dossierId = Column(CodingKeys.dossierId)
        static let revision = Column(CodingKeys.revision)
    }
}

struct HubActivityRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "activity"
    var id: String
    var volunteerId: Int64
    var deviceId: String
    var kind: String
    var occurredAt: Date
    var village: String
    var procedureId: String?
    var body: String
    var receivedAt: Date
    var residentId: String?
    var outcome: String?
    var reason: String?
    var payment: String?
    var outsideCommune: Bool
    var participants: Int?
    var satisfaction: Int?
    var retracts: String?
    var undone: Bool
}

struct ChangeRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "change"
    var seq: Int64?
    var volunteerId: Int64?
    var kind: Change.Kind
    var dossierId: String?
    var status: DossierStatus?
    var reason: String?
    var portalCode: String?
    var message: String?
    var at: Date
    /// A message about this device, which the device itself does not get.
    var aboutDevice: String? = nil

    mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }

    var change: Change {
        Change.stored(kind: kind, at: at, dossierId: dossierId, status: status, reason: reason, portalCode: portalCode, message: message)
    }
}

extension Change {
    /// A feed row as the laptops get it, from either store.
    static func stored(kind: Kind, at: Date, dossierId: String?, status: DossierStatus?, reason: String?, portalCode: String?, message: String?) -> Change {
        if kind == .content {
            // A content pack's announcement is kept as its JSON in `message`.
            let content = message.flatMap { try? WireProtocol.decoder().decode(ContentAnnouncement.self, from: Data($0.utf8)) }
            return Change(kind: kind, at: at, content: content)
        }
        return Change(kind: kind, at: at, dossierId: dossierId, status: status, reason: reason, portalCode: portalCode, message: message)
    }
}

/// One tus upload: where it stands and whose it is.
struct HubUpload: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "upload"
    var id: String
    var deviceId: String
    var volunteerId: Int64
    var length: Int64
    var offset: Int64
    var sha256: String
    var createdAt: Date
    var updatedAt: Date
    var expiresAt: Date
    var completedAt: Date?
    var failedAt: Date?

    enum Columns {
        static let expiresAt = Column(CodingKeys.expiresAt)
    }
}
