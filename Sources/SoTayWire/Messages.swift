import Foundation
import SoTayCore

/// `GET /v1/health`: cheap, unauthenticated, and unmistakably the hub's.
public struct HealthReply: Codable, Sendable, Hashable {
    public var service: String
    public var protocolVersion: String
    public var hubKey: String
    public var time: Date
    /// The hub's X25519 relay key (base64) and the hub key's signature over it (see RelayFile).
    public var relayKey: String?
    public var relayKeySignature: String?

    public init(service: String = WireProtocol.service, protocolVersion: String = WireProtocol.version, hubKey: String, time: Date,
                relayKey: String? = nil, relayKeySignature: String? = nil) {
        self.service = service
        self.protocolVersion = protocolVersion
        self.hubKey = hubKey
        self.time = time
        self.relayKey = relayKey
        self.relayKeySignature = relayKeySignature
    }
}

/// `POST /v1/enroll`: a one-time code read aloud by the commune admin, for a device token.
public struct EnrollRequest: Codable, Sendable, Hashable {
    public var code: String
    public var deviceName: String

    public init(code: String, deviceName: String) {
        self.code = code
        self.deviceName = deviceName
    }
}

public struct EnrollReply: Codable, Sendable, Hashable {
    public var deviceId: String
    /// The bearer token. Shown once; the hub keeps only its hash.
    public var token: String
    public var volunteer: VolunteerInfo
    /// The hub's Ed25519 public key (base64), to check receipts with.
    public var hubKey: String
    /// The hub's X25519 relay key (base64), what `sotay relay export` seals to, and the hub
    /// key's signature over it.
    public var relayKey: String?
    public var relayKeySignature: String?

    public init(deviceId: String, token: String, volunteer: VolunteerInfo, hubKey: String, relayKey: String? = nil, relayKeySignature: String? = nil) {
        self.deviceId = deviceId
        self.token = token
        self.volunteer = volunteer
        self.hubKey = hubKey
        self.relayKey = relayKey
        self.relayKeySignature = relayKeySignature
    }
}

public struct VolunteerInfo: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var village: String
    public var commune: String

    public init(id: String, name: String, village: String, commune: String) {
        self.id = id
        self.name = name
        self.village = village
        self.commune = commune
    }
}

/// `PUT /v1/dossiers/{id}`: one revision of a dossier, as the volunteer marked it ready.
public struct DossierUpload: Codable, Sendable, Hashable {
    public var id: String
    public var revision: Int
    public var procedureId: String
    public var packVersion: String
    public var residentId: String
    public var village: String
    public var commune: String
    public var requiredCount: Int
    public var satisfiedCount: Int
    /// The answers by step id, the resident's name and phone among them (personal data).
    public var answers: [String: AnswerValue]
    public var createdAt: Date
    public var readyAt: Date
    /// The photos and scans this revision carries, by hash. Each must be uploaded first
    /// (`/v1/uploads`); the hub refuses a revision naming a blob it does not hold.
    public var attachments: [AttachmentRef]

    public init(id: String, revision: Int, procedureId: String, packVersion: String, residentId: String, village: String, commune: String,
                requiredCount: Int, satisfiedCount: Int, answers: [String: AnswerValue], createdAt: Date, readyAt: Date,
                attachments: [AttachmentRef] = []) {
        self.id = id
        self.revision = revision
        self.procedureId = procedureId
        self.packVersion = packVersion
        self.residentId = residentId
        self.village = village
        self.commune = commune
        self.requiredCount = requiredCount
        self.satisfiedCount = satisfiedCount
        self.answers = answers
        self.createdAt = createdAt
        self.readyAt = readyAt
        self.attachments = attachments
    }

    enum CodingKeys: String, CodingKey {
        case id, revision, procedureId, packVersion, residentId, village, commune, requiredCount, satisfiedCount, answers, createdAt, readyAt
        case attachments
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        revision = try container.decode(Int.self, forKey: .revision)
        procedureId = try container.decode(String.self, forKey: .procedureId)
        packVersion = try container.decode(String.self, forKey: .packVersion)
        residentId = try container.decode(String.self, forKey: .residentId)
        village = try container.decode(String.self, forKey: .village)
        commune = try container.decode(String.self, forKey: .commune)
        requiredCount = try container.decode(Int.self, forKey: .requiredCount)
        satisfiedCount = try container.decode(Int.self, forKey: .satisfiedCount)
        answers = try container.decode([String: AnswerValue].self, forKey: .answers)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        readyAt = try container.decode(Date.self, forKey: .readyAt)
        // Revisions from before attachments existed carry none.
        attachments = try container.decodeIfPresent([AttachmentRef].self, forKey: .attachments) ?? []
    }

    /// Empty values are left out on the wire: a revision without files has no `attachments` key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(revision, forKey: .revision)
        try container.encode(procedureId, forKey: .procedureId)
        try container.encode(packVersion, forKey: .packVersion)
        try container.encode(residentId, forKey: .residentId)
        try container.encode(village, forKey: .village)
        try container.encode(commune, forKey: .commune)
        try container.encode(requiredCount, forKey: .requiredCount)
        try container.encode(satisfiedCount, forKey: .satisfiedCount)
        try container.encode(answers, forKey: .answers)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(readyAt, forKey: .readyAt)
        if !attachments.isEmpty { try container.encode(attachments, forKey: .attachments) }
    }
}

/// A photo or scan a dossier revision carries: its hash, size and kind, and the paper it shows.
/// The name the file had on the volunteer's laptop never travels.
public struct AttachmentRef: Codable, Sendable, Hashable {
    /// Lowercase hex SHA-256 of the whole file.
    public var sha256: String
    public var size: Int64
    public var mediaType: String
    /// The procedure's document step this shows; `nil` for another paper.
    public var document: String?

    public init(sha256: String, size: Int64, mediaType: String, document: String?) {
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
        self.document = document
    }
}

/// `POST /v1/blobs/query`: which of these blobs the hub does not hold yet for this volunteer.
public struct BlobQuery: Codable, Sendable, Hashable {
    public var sha256: [String]

    public init(sha256: [String]) {
        self.sha256 = sha256
    }
}

public struct BlobQueryReply: Codable, Sendable, Hashable {
    /// The asked hashes the hub does not hold, in the order asked.
    public var missing: [String]

    public init(missing: [String]) {
        self.missing = missing
    }
}

/// The hub's answer to an accepted revision (the same answer every time the revision is resent).
public struct DossierAccepted: Codable, Sendable, Hashable {
    public var dossierId: String
    public var revision: Int
    /// `original` for the first revision the hub received, `supplement` for the later ones.
    public var kind: RevisionKind
    public var status: DossierStatus
    public var receipt: Receipt

    public init(dossierId: String, revision: Int, kind: RevisionKind, status: DossierStatus, receipt: Receipt) {
        self.dossierId = dossierId
        self.revision = revision
        self.kind = kind
        self.status = status
        self.receipt = receipt
    }
}

public enum RevisionKind: String, Codable, Sendable, Hashable {
    case original
    case supplement
}

/// The status of a dossier at the commune. The hub owns it; officers change it.
public enum DossierStatus: String, Codable, Sendable, Hashable, CaseIterable {
    /// The hub has it (set when the first revision arrives).
    case received
    /// Submitted by the commune on the portal (with the portal's dossier code).
    case submitted
    case needsSupplement = "needs-supplement"
    case completed
    case rejected
    /// The resident withdrew the request (rút hồ sơ).
    case withdrawn

    public var isClosed: Bool { self == .completed || self == .rejected || self == .withdrawn }

    public var title: LocalizedText {
        switch self {
        case .received: LocalizedText(vi: "xã đã nhận", en: "received by the commune")
        case .submitted: LocalizedText(vi: "đã nộp trên cổng dịch vụ công", en: "submitted on the portal")
        case .needsSupplement: LocalizedText(vi: "cần bổ sung", en: "needs a supplement")
        case .completed: LocalizedText(vi: "đã xong", en: "completed")
        case .rejected: LocalizedText(vi: "bị từ chối", en: "rejected")
        case .withdrawn: LocalizedText(vi: "người dân đã rút hồ sơ", en: "withdrawn by the resident")
        }
    }
}

/// `GET /v1/dossiers/{id}`: where one of the volunteer's dossiers stands at the hub.
public struct DossierState: Codable, Sendable, Hashable {
    public var dossierId: String
    public var status: DossierStatus
    public var reason: String?
    public var portalCode: String?
    public var revisions: [Receipt]

    public init(dossierId: String, status: DossierStatus, reason: String?, portalCode: String?, revisions: [Receipt]) {
        self.dossierId = dossierId
        self.status = status
        self.reason = reason
        self.portalCode = portalCode
        self.revisions = revisions
    }
}

/// One entry of the outreach activity log, as it goes up. Append-only: an entry is taken back
/// by a later entry of kind `undo` whose `retracts` names it.
public struct ActivityUpload: Codable, Sendable, Hashable {
    public var id: String
    public var kind: String
    public var occurredAt: Date
    public var village: String
    public var residentId: String?
    public var procedureId: String?
    public var dossierId: String?
    /// Guidance: `vneid`, `portal`, `in-person` or `not-yet`.
    public var outcome: String?
    /// Guidance not filed yet: why (`missing-papers`, `no-level2`, …).
    public var reason: String?
    /// Guidance: how the fee was paid (`online`, `cash`, `free`).
    public var payment: String?
    /// Communication: `loudspeaker`, `zalo`, `meeting`, `other`.
    public var channel: String?
    /// Guidance for a resident of another commune (phi địa giới); omitted when not.
    public var outsideCommune: Bool?
    public var topic: String?
    public var participants: Int?
    public var satisfaction: Int?
    public var notes: String?
    /// Undo: the id of the entry taken back.
    public var retracts: String?

    public init(id: String, kind: String, occurredAt: Date, village: String, residentId: String? = nil, procedureId: String? = nil,
                dossierId: String? = nil, outcome: String? = nil, reason: String? = nil, payment: String? = nil, channel: String? = nil,
                outsideCommune: Bool? = nil, topic: String? = nil, participants: Int? = nil, satisfaction: Int? = nil, notes: String? = nil,
                retracts: String? = nil) {
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
    }
}

/// `POST /v1/activities`.
public struct ActivityBatch: Codable, Sendable, Hashable {
    public var activities: [ActivityUpload]

    public init(activities: [ActivityUpload]) {
        self.activities = activities
    }
}

public struct ActivityBatchReply: Codable, Sendable, Hashable {
    /// Newly stored.
    public var accepted: Int
    /// Already on the hub from an earlier attempt: not stored again.
    public var duplicates: Int

    public init(accepted: Int, duplicates: Int) {
        self.accepted = accepted
        self.duplicates = duplicates
    }
}

/// `GET /v1/changes?since=CURSOR`: what changed for this volunteer after the cursor.
public struct ChangesPage: Codable, Sendable, Hashable {
    public var changes: [Change]
    /// Where the next request starts. Opaque to the client; unchanged when there was nothing new.
    public var cursor: String
    /// More changes wait beyond this page.
    public var more: Bool

    public init(changes: [Change], cursor: String, more: Bool) {
        self.changes = changes
        self.cursor = cursor
        self.more = more
    }
}

public struct Change: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        case status
        case announcement
        /// A new signed content pack (only to clients that ask with `content=1`).
        case content
    }

    public var kind: Kind
    public var at: Date
    public var dossierId: String?
    public var status: DossierStatus?
    public var reason: String?
    public var portalCode: String?
    public var message: String?
    /// For `content`: which pack, how big, its SHA-256.
    public var content: ContentAnnouncement?

    public init(kind: Kind, at: Date, dossierId: String? = nil, status: DossierStatus? = nil, reason: String? = nil,
                portalCode: String? = nil, message: String? = nil, content: ContentAnnouncement? = nil) {
        self.content = content
        self.kind = kind
        self.at = at
        self.dossierId = dossierId
        self.status = status
        self.reason = reason
        self.portalCode = portalCode
        self.message = message
    }
}
