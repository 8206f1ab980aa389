import Foundation
import SoTayWire

// Bodies of the officer and admin routes (`/v1/officer/…`, `/v1/admin/…`). The volunteers'
// laptops never use these, so they live with the hub rather than in SoTayWire.

/// A dossier in the officers' queue: metadata only, no resident's name or answer.
public struct DossierSummary: Codable, Sendable, Hashable {
    public var id: String
    public var procedureId: String
    public var status: DossierStatus
    public var reason: String?
    public var portalCode: String?
    public var village: String
    public var commune: String
    public var volunteerId: String
    public var volunteer: String
    public var latestRevision: Int
    public var receivedAt: Date
    public var updatedAt: Date
}

/// `GET /v1/officer/dossiers`.
public struct DossierList: Codable, Sendable, Hashable {
    public var dossiers: [DossierSummary]
}

/// `GET /v1/officer/dossiers/{id}`: everything the hub holds on one dossier.
public struct DossierDetail: Codable, Sendable, Hashable {
    public struct Revision: Codable, Sendable, Hashable {
        public var revision: Int
        public var kind: RevisionKind
        public var receivedAt: String
        public var contentSHA256: String
        /// The revision as the laptop sent it; absent if it cannot be read as a dossier.
        public var content: DossierUpload?
        /// The device that sent it.
        public var deviceId: String?
        /// Sent by another device than the one that sent the first revision: the officer checks
        /// it (a device enrolled later for the same volunteer can write into their dossiers).
        public var otherDevice: Bool?
    }

    public var dossier: DossierSummary
    public var residentName: String?
    public var revisions: [Revision]
    /// The attachments of the latest revision; each downloads from `…/attachments/{sha256}`.
    public var attachments: [AttachmentRef]
}

/// `POST /v1/officer/dossiers/{id}/status`.
public struct StatusRequest: Codable, Sendable, Hashable {
    public var status: DossierStatus
    public var reason: String?
    public var portalCode: String?

    public init(status: DossierStatus, reason: String? = nil, portalCode: String? = nil) {
        self.status = status
        self.reason = reason
        self.portalCode = portalCode
    }
}

/// `POST /v1/admin/enroll-codes`.
public struct EnrollCodeRequest: Codable, Sendable, Hashable {
    /// The volunteer's number, as in `sotay-hub volunteers list`.
    public var volunteerId: String

    public init(volunteerId: String) {
        self.volunteerId = volunteerId
    }
}

public struct EnrollCodeReply: Codable, Sendable, Hashable {
    /// Shown once; the hub keeps only its hash.
    public var code: String
    public var expiresAt: Date
    public var volunteer: VolunteerInfo
}

/// An enrolled laptop, for the admin.
public struct DeviceInfo: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var volunteerId: String
    public var enrolledAt: Date
    public var lastSeenAt: Date?
    public var revokedAt: Date?

    init(_ device: HubDevice) {
        id = device.id
        name = device.name
        volunteerId = String(device.volunteerId)
        enrolledAt = device.enrolledAt
        lastSeenAt = device.lastSeenAt
        revokedAt = device.revokedAt
    }
}

/// `GET /v1/admin/devices`.
public struct DeviceList: Codable, Sendable, Hashable {
    public var devices: [DeviceInfo]
}

/// One row of the audit log, as `GET /v1/admin/audit` and `sotay-hub audit --json` give it.
public struct AuditRecord: Codable, Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var actorRole: String
    public var actorId: String
    public var actorName: String
    public var action: String
    public var dossierId: String?
    public var blobSHA256: String?
    public var clientAddress: String?
    /// The volunteer's number, for enrolment codes and devices.
    public var volunteerId: String?
    public var deviceId: String?

    public init(_ entry: HubAuditEntry) {
        id = entry.id ?? 0
        at = entry.at
        actorRole = entry.actorRole.rawValue
        actorId = entry.actorId
        actorName = entry.actorName
        action = entry.action.rawValue
        dossierId = entry.dossierId
        blobSHA256 = entry.blobSHA256
        clientAddress = entry.clientAddress
        volunteerId = entry.volunteerId.map(String.init)
        deviceId = entry.deviceId
    }
}

/// `GET /v1/admin/audit`: `next` is the `after` that continues the list, when `more`.
public struct AuditLog: Codable, Sendable, Hashable {
    public var entries: [AuditRecord]
    public var next: String
    public var more: Bool
}
