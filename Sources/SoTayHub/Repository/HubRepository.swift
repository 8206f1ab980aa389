import Foundation
import SoTayWire

// The hub's storage as protocols: what the routes and the admin commands ask of a store,
// whatever the engine (`HubStore` on SQLite, `PostgresHubStore` on PostgreSQL).
//
// A repository answers with domain outcomes (`DossierOutcome.staleRevision`), never with an HTTP
// refusal: the routes map outcomes to status codes (HubRoutes+Outcomes.swift). Errors thrown are
// the store's own faults (`HubError`, `StorageFault`, `HubSealingError`): the disk, the database,
// the data key.
//
// Each capability is a protocol of its own, so a new one (a web console's reads, content packs,
// a USB relay) is one more protocol and one more conformance per store, not an edit of these.

/// The device's side of sync: enrolment, dossiers and their revisions, activities, the change
/// feed, and finding who holds a token.
public protocol HubSyncRepository: Sendable {
    /// Signs receipts; its public half is what `/v1/health` hands out.
    var signingKey: HubSigningKey { get }

    /// Exchanges a one-time code for a device (the caller made its id and token and passes the
    /// token's hash), with its audit row and a notice to the volunteer's other devices.
    func enrol(code: String, deviceName: String, deviceID: String, tokenHash: String, clientAddress: String?, now: Date) async throws -> EnrolOutcome

    /// Stores one revision of a dossier, or answers a resend the same way as the first time.
    func storeDossier(_ upload: DossierUpload, body: String, device: HubDevice, now: Date) async throws -> DossierOutcome

    /// Stores a batch of revisions from one device, each of a different dossier: each one's
    /// outcome is what `storeDossier` would have given it, in the order given. The store may
    /// commit them together; none waits on another's refusal.
    func storeDossiers(_ items: [DossierBatchItem], device: HubDevice, now: Date) async throws -> [DossierOutcome]

    /// Where a dossier stands, for the device whose volunteer owns it; nil for any other.
    func findDossierState(_ id: String, device: HubDevice) async throws -> DossierState?

    /// Stores a batch of activities, all or nothing.
    func storeActivities(_ batch: ActivityBatch, device: HubDevice, now: Date) async throws -> ActivitiesOutcome

    /// The volunteer's changes after `cursor`, oldest first. A cursor handed out is never
    /// passed by a change committed later: the feed skips nothing, under any concurrency.
    func changes(after cursor: Int64, limit: Int, device: HubDevice, now: Date) async throws -> ChangesPage

    /// The active holder of a token, or nil.
    func holder(of token: BearerToken) async throws -> TokenHolder?
}

/// What the commune admin and officers do from the command line (and the officer routes' writes).
public protocol HubAdminRepository: Sendable {
    func addVolunteer(name: String, village: String, commune: String, now: Date) async throws -> HubVolunteer
    func volunteers() async throws -> [HubVolunteer]
    /// A volunteer by number, or by name (tones and case ignored) when only one has it.
    func volunteer(_ key: String) async throws -> HubVolunteer
    func makeEnrollCode(for volunteer: HubVolunteer, validity: TimeInterval, now: Date) async throws -> (code: String, expiresAt: Date)
    func revokeDevice(_ id: String, now: Date) async throws -> HubDevice
    /// An officer's decision, stored with the dossier and queued in the volunteer's feed in one transaction.
    func setStatus(_ dossierID: String, to status: DossierStatus, portalCode: String?, reason: String?, now: Date) async throws -> HubDossier
    /// A message for every volunteer, through the feed.
    func announce(_ message: String, now: Date) async throws
    /// A dossier by id or by its first characters, its personal values opened.
    func dossier(_ key: String) async throws -> HubDossier
    /// Every revision of a dossier, bodies opened.
    func revisions(of dossierID: String) async throws -> [HubRevision]
}

/// Officers' and admins' tokens.
public protocol HubStaffRepository: Sendable {
    func addStaff(role: HubRole, name: String, now: Date) async throws -> (staff: HubStaff, token: String)
    func staff(role: HubRole) async throws -> [HubStaff]
    func revokeStaff(_ id: String, role: HubRole, now: Date) async throws -> HubStaff
}

/// The append-only log of personal-data reads: a row is written before the data is read.
public protocol HubAuditRepository: Sendable {
    @discardableResult
    func appendAudit(_ actor: AuditActor, _ action: AuditAction, dossierIDs: [String], blobSHA256: String?, volunteerID: Int64?,
                     now: Date) async throws -> [HubAuditEntry]
    func auditEntries(since: Date?, after: Int64, limit: Int?) async throws -> [HubAuditEntry]
}

/// Everything a hub's store offers today.
public typealias HubRepository = HubSyncRepository & HubAdminRepository & HubStaffRepository & HubAuditRepository

/// One revision of a batch: the decoded upload and its bytes as sent (what is hashed, signed and kept).
public struct DossierBatchItem: Sendable {
    public var upload: DossierUpload
    public var body: String

    public init(upload: DossierUpload, body: String) {
        self.upload = upload
        self.body = body
    }
}

// MARK: - Outcomes

/// What came of an enrolment.
public enum EnrolOutcome: Sendable {
    case enrolled(HubDevice, HubVolunteer)
    /// Wrong, already used or expired: nothing was stored.
    case invalidCode
}

/// What came of a dossier revision sent by a device.
public enum DossierOutcome: Sendable, Equatable {
    /// Stored now.
    case stored(DossierAccepted)
    /// This exact revision was stored before: the same reply, nothing new.
    case repeated(DossierAccepted)
    /// The dossier is another volunteer's.
    case ownedByAnother
    /// The revision is stored with different content.
    case revisionConflict(revision: Int)
    /// Older than the latest stored.
    case staleRevision(revision: Int, latest: Int)
    /// Attachments the volunteer has not uploaded, in the order named.
    case missingBlobs([String])
}

/// What came of a batch of activities.
public enum ActivitiesOutcome: Sendable, Equatable {
    case stored(ActivityBatchReply)
    /// An id in the batch is another volunteer's: nothing was stored.
    case ownedByAnother(activityID: String)
}
