import Foundation
import SoTayWire

/// What the officers' and admins' HTTP routes (`StaffRoutes`, `/v1/officer/…`, `/v1/admin/…`)
/// ask of a store, whatever the engine.
///
/// A commune is a tenant: an officer sees the dossiers of their own commune only. On SQLite the
/// hub is one commune, so an officer sees every dossier; on PostgreSQL the officer's row names
/// their commune (`sotay-hub officers add --commune`), and a dossier of another commune is
/// "not found", exactly like one that does not exist. Admins manage the whole hub.
protocol HubOfficerRepository: HubAdminRepository, HubAuditRepository {
    /// The queue `staff` may see, newest change first: metadata only, no names.
    func dossierSummaries(status: DossierStatus?, limit: Int, visibleTo staff: HubStaff) async throws -> [DossierSummary]
    /// A dossier by its whole id, when `staff` may see it; `HubError.dossierNotFound` otherwise.
    func dossier(_ id: String, visibleTo staff: HubStaff) async throws -> HubDossier
    func dossierSummary(_ dossier: HubDossier) async throws -> DossierSummary
    /// The attachment named `sha256` by some revision of the dossier, if any.
    func attachment(of dossierID: String, named sha256: String) async throws -> AttachmentRef?
    /// A stored blob's plain bytes (blobs are sealed at rest).
    func blobContents(sha256: String) async throws -> Data
    func devices() async throws -> [HubDevice]
}

/// The attachment named `sha256` by the latest revision that names it.
enum AttachmentLookup {
    static func find(_ sha256: String, in revisions: [HubRevision]) -> AttachmentRef? {
        let decoder = WireProtocol.decoder()
        for revision in revisions.reversed() {
            guard let content = try? decoder.decode(DossierUpload.self, from: Data(revision.body.utf8)) else { continue }
            if let attachment = content.attachments.first(where: { $0.sha256 == sha256 }) { return attachment }
        }
        return nil
    }
}

/// The SQLite hub: one commune, so whoever is staff sees every dossier.
extension HubStore: HubOfficerRepository {
    func dossierSummaries(status: DossierStatus?, limit: Int, visibleTo _: HubStaff) async throws -> [DossierSummary] {
        try await dossierSummaries(status: status, limit: limit)
    }

    func dossier(_ id: String, visibleTo _: HubStaff) throws(HubError) -> HubDossier {
        try dossier(id)
    }

    func attachment(of dossierID: String, named sha256: String) throws(HubError) -> AttachmentRef? {
        try dossier(dossierID, names: sha256)
    }
}
