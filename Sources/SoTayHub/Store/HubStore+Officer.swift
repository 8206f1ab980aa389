import Foundation
import GRDB
import SoTayWire

/// What officers read and fetch over HTTP.
extension HubStore {
    /// The commune's dossiers, most recently changed first: metadata only, never a name.
    func dossierSummaries(status: DossierStatus?, limit: Int) async throws -> [DossierSummary] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT dossier.id, procedureId, status, reason, portalCode, dossier.village, dossier.commune, volunteerId,
                       volunteer.name AS volunteer, latestRevision, receivedAt, updatedAt
                FROM dossier JOIN volunteer ON volunteer.id = dossier.volunteerId
                WHERE ?1 IS NULL OR status = ?1
                ORDER BY updatedAt DESC, dossier.id LIMIT ?2
                """, arguments: [status?.rawValue, limit])
            .map(Self.summary)
        }
    }

    /// One dossier's summary.
    func dossierSummary(_ dossier: HubDossier) throws(HubError) -> DossierSummary {
        DossierSummary(id: dossier.id, procedureId: dossier.procedureId, status: dossier.status, reason: dossier.reason,
                       portalCode: dossier.portalCode, village: dossier.village, commune: dossier.commune,
                       volunteerId: String(dossier.volunteerId), volunteer: try volunteerName(dossier.volunteerId) ?? "",
                       latestRevision: dossier.latestRevision, receivedAt: dossier.receivedAt, updatedAt: dossier.updatedAt)
    }

    private static func summary(_ row: Row) -> DossierSummary {
        let volunteerId: Int64 = row["volunteerId"]
        return DossierSummary(id: row["id"], procedureId: row["procedureId"], status: DossierStatus(rawValue: row["status"]) ?? .received,
                              reason: row["reason"], portalCode: row["portalCode"], village: row["village"], commune: row["commune"],
                              volunteerId: String(volunteerId), volunteer: row["volunteer"], latestRevision: row["latestRevision"],
                              receivedAt: row["receivedAt"], updatedAt: row["updatedAt"])
    }

    /// Whether any revision of the dossier names the blob: an officer downloads only the
    /// attachments of the dossier they opened.
    func dossier(_ dossierID: String, names sha256: String) throws(HubError) -> AttachmentRef? {
        AttachmentLookup.find(sha256, in: try revisions(of: dossierID))
    }

    /// A stored blob's bytes (at most `Tus-Max-Size`).
    /// The file's plain bytes: blobs are sealed at rest, opened here for the officer who asked.
    func blobContents(sha256: String) throws(HubError) -> Data {
        guard FileManager.default.fileExists(atPath: blobURL(sha256: sha256).path) else { throw .blobMissing(sha256) }
        return try blobData(sha256: sha256)
    }
}
