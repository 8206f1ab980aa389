import Foundation
import GRDB

/// What a token lets its holder do on the hub.
public enum HubRole: String, Codable, Sendable, Hashable, CaseIterable {
    /// A volunteer's enrolled laptop: its own dossiers, activities, uploads and feed.
    case device
    /// Reads and acts on the commune's dossiers.
    case officer
    /// Manages volunteers, devices and enrolment; reads the audit log; reads no dossier.
    case admin
    /// Reads every commune's report counts on a province hub (PostgreSQL): no dossier, no
    /// resident, no personal data at all.
    case province
}

/// An officer or admin: a person at the commune office with a bearer token of their own.
public struct HubStaff: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "staff"
    /// The token's public part, `off-…` or `adm-…`.
    public var id: String
    public var role: HubRole
    public var name: String
    var tokenHash: String
    public var createdAt: Date
    public var revokedAt: Date?

    public enum Columns {
        static let role = Column(CodingKeys.role)
        static let createdAt = Column(CodingKeys.createdAt)
    }
}

/// Who read personal data, as the audit log names them.
public struct AuditActor: Sendable, Hashable {
    public enum Role: String, Codable, Sendable, Hashable {
        case officer, admin, device
        /// A `sotay-hub` command run on the hub's own machine.
        case local
    }

    public var role: Role
    public var id: String
    public var name: String
    public var clientAddress: String?

    public init(role: Role, id: String, name: String, clientAddress: String? = nil) {
        self.role = role
        self.id = id
        self.name = name
        self.clientAddress = clientAddress
    }

    /// The person running a `sotay-hub` command on the hub's machine, by their system user name.
    public static func local(user: String) -> AuditActor {
        AuditActor(role: .local, id: user, name: user, clientAddress: nil)
    }
}

/// What was read or done.
public enum AuditAction: String, Codable, Sendable, Hashable, CaseIterable {
    /// A list that showed the resident's name (one row per dossier listed).
    case dossierList = "dossier.list"
    /// One dossier with its answers.
    case dossierShow = "dossier.show"
    /// An attachment's bytes handed out.
    case attachmentDownload = "attachment.download"
    /// An officer's decision on a dossier.
    case statusChange = "dossier.set-status"
    /// An enrolment code issued for a volunteer (`volunteerId`): whoever holds it can enrol a
    /// device that writes into that volunteer's dossiers.
    case enrollCodeIssued = "enroll-code.issue"
    /// A device enrolled (`deviceId`) for a volunteer (`volunteerId`), from `clientAddress`.
    case deviceEnrolled = "device.enroll"
}

/// One row of the audit log.
public struct HubAuditEntry: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditEntry"
    public var id: Int64?
    public var at: Date
    public var actorRole: AuditActor.Role
    public var actorId: String
    public var actorName: String
    public var action: AuditAction
    public var dossierId: String?
    public var blobSHA256: String?
    public var clientAddress: String?
    /// The volunteer the entry concerns (enrolment codes and devices).
    public var volunteerId: Int64? = nil
    /// The device the entry concerns (a device enrolled).
    public var deviceId: String? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    public enum Columns {
        static let at = Column(CodingKeys.at)
        static let id = Column(CodingKeys.id)
    }
}
