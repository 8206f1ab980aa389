import Foundation
import GRDB

/// The commune hub this laptop is enrolled with.
public struct HubLink: Codable, Sendable, Hashable, FetchableRecord, StoreDated, PersistableRecord {
    public static let databaseTableName = "hubLink"
    public var id: Int64 = 1
    public var url: String
    public var allowInsecure: Bool
    public var deviceId: String
    /// The bearer token: a secret, never printed.
    public var token: String
    /// The hub's Ed25519 public key (base64), to check receipts.
    public var hubKey: String
    public var volunteerId: String
    public var enrolledAt: Date
    /// Where the change feed continues.
    public var cursor: String = "0"
    public var lastSyncAt: Date?
    public var lastAttemptAt: Date?
    public var lastError: String?
    public var lastPulledCount: Int = 0
    /// The hub's relay key (base64 X25519), checked against `hubKey` before it was kept.
    public var relayKey: String?

    public init(url: String, allowInsecure: Bool, deviceId: String, token: String, hubKey: String, volunteerId: String, enrolledAt: Date) {
        self.url = url
        self.allowInsecure = allowInsecure
        self.deviceId = deviceId
        self.token = token
        self.hubKey = hubKey
        self.volunteerId = volunteerId
        self.enrolledAt = enrolledAt
    }
}

/// One thing waiting to go to the hub.
public struct OutboxItem: Codable, Sendable, Hashable, FetchableRecord, StoreDated, MutablePersistableRecord {
    public static let databaseTableName = "outbox"

    public enum Kind: String, Codable, Sendable {
        case dossier
        case activity
    }

    public var id: Int64?
    public var kind: Kind
    public var itemId: String
    public var revision: Int
    /// The exact request body (dossiers); activities are read from their table when sent.
    public var payload: Data?
    public var createdAt: Date
    public var attempts: Int
    public var lastError: String?
    public var parkedAt: Date?
    public var parkedReason: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    public enum Columns {
        static let kind = Column(CodingKeys.kind)
        static let itemId = Column(CodingKeys.itemId)
        static let parkedAt = Column(CodingKeys.parkedAt)
    }
}

/// The hub's signed statement that it received a revision of a dossier.
public struct ReceiptRecord: Codable, Sendable, Hashable, FetchableRecord, StoreDated, PersistableRecord {
    public static let databaseTableName = "receipt"
    public var dossierId: String
    public var revision: Int
    /// `original` or `supplement`.
    public var kind: String
    public var volunteerId: String
    public var contentSHA256: String
    /// The exact signed text (ISO 8601, UTC, milliseconds).
    public var receivedAt: String
    public var hubKeyId: String
    public var signature: String

    public init(dossierId: String, revision: Int, kind: String, volunteerId: String, contentSHA256: String, receivedAt: String, hubKeyId: String, signature: String) {
        self.dossierId = dossierId
        self.revision = revision
        self.kind = kind
        self.volunteerId = volunteerId
        self.contentSHA256 = contentSHA256
        self.receivedAt = receivedAt
        self.hubKeyId = hubKeyId
        self.signature = signature
    }
}

/// A message from the commune to every volunteer.
public struct AnnouncementRecord: Codable, Sendable, Hashable, FetchableRecord, StoreDated, MutablePersistableRecord {
    public static let databaseTableName = "announcement"
    public var id: Int64?
    public var message: String
    public var at: Date
    public var receivedAt: Date

    public init(message: String, at: Date, receivedAt: Date) {
        self.message = message
        self.at = at
        self.receivedAt = receivedAt
    }
}

/// One entry of the outreach activity log. `kind` and the coded fields hold the raw values of
/// `ActivityKind`, `GuidanceOutcome`, `NotYetReason`, `PaymentWay` and `CommunicationChannel`.
public struct ActivityRecord: Codable, Sendable, Hashable, FetchableRecord, StoreDated, PersistableRecord {
    public static let databaseTableName = "activity"
    public var id: String
    public var kind: String
    public var occurredAt: Date
    public var village: String
    public var residentId: String?
    public var procedureId: String?
    public var dossierId: String?
    public var outcome: String?
    public var reason: String?
    public var payment: String?
    public var channel: String?
    public var outsideCommune: Bool
    public var topic: String?
    public var participants: Int?
    public var satisfaction: Int?
    /// The note in clear: as written, or opened with the passphrase. `nil` when there is none
    /// or when it is sealed and the store is locked (`hasLockedNote`).
    public var notes: String?
    /// The note as stored, sealed under the data key (bound to the entry's id).
    var sealedNotes: Data?
    /// For an undo entry: the entry it takes back.
    public var retracts: String?
    /// Set when the volunteer took the entry back; it is then not counted.
    public var undoneAt: Date?
    public var createdAt: Date

    public init(id: String = UUID().uuidString.lowercased(), kind: String, occurredAt: Date, village: String, residentId: String? = nil,
                procedureId: String? = nil, dossierId: String? = nil, outcome: String? = nil, reason: String? = nil, payment: String? = nil,
                channel: String? = nil, outsideCommune: Bool = false, topic: String? = nil, participants: Int? = nil,
                satisfaction: Int? = nil, notes: String? = nil, retracts: String? = nil, undoneAt: Date? = nil, createdAt: Date = Date()) {
        self.id = id
        self.kind = kind
        self.occurredAt = occurredAt
        self.village = village
        self.residentId = residentId
        self.procedureId = procedureId
        self.dossierId = dossierId
        self.outcome = outcome
        self.reason = reason
        self.payment = payment
        self.channel = channel
        self.outsideCommune = outsideCommune
        self.topic = topic
        self.participants = participants
        self.satisfaction = satisfaction
        self.notes = notes
        self.retracts = retracts
        self.undoneAt = undoneAt
        self.createdAt = createdAt
    }

    /// Whether the entry has a note that only the passphrase opens.
    public var hasLockedNote: Bool { notes == nil && sealedNotes != nil }

    /// The first eight characters of the id: what the volunteer types to undo it.
    public var shortID: String { String(id.prefix(8)) }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let kind = Column(CodingKeys.kind)
        public static let occurredAt = Column(CodingKeys.occurredAt)
        public static let dossierId = Column(CodingKeys.dossierId)
        public static let undoneAt = Column(CodingKeys.undoneAt)
    }
}

/// A status change or announcement that came down the change feed, ready to apply.
public enum PulledChange: Sendable, Hashable {
    case status(dossierID: String, status: String, reason: String?, portalCode: String?, at: Date)
    case announcement(message: String, at: Date)
}

/// What waits to go up, what came down: `sotay status` and the home menu.
public struct SyncSummary: Sendable, Hashable {
    public var link: HubLink?
    public var pendingDossiers: Int
    public var pendingActivities: Int
    public var parked: [OutboxItem]
    public var followUps: [DossierRecord]
    public var announcements: [AnnouncementRecord]

    public var pending: Int { pendingDossiers + pendingActivities }
}
