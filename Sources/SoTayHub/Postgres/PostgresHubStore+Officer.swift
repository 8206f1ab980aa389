import Foundation
import PostgresNIO
import SoTayWire

/// The officers' and admins' routes on PostgreSQL. An officer's row names their commune
/// (`staff.commune_id`): the queue, a dossier and its attachments are theirs only when the
/// dossier is of that commune. An officer with no commune sees nothing, never every commune.
extension PostgresHubStore: HubOfficerRepository {
    func dossierSummaries(status: DossierStatus?, limit: Int, visibleTo staff: HubStaff) async throws -> [DossierSummary] {
        try await rows("""
            SELECT d.id, d.procedure_id, d.status, d.reason, d.portal_code, d.village, d.commune, d.volunteer_id, v.name AS volunteer,
                   d.latest_revision, d.received_at, d.updated_at
            FROM dossier d JOIN volunteer v ON v.id = d.volunteer_id
            WHERE d.commune_id = (SELECT commune_id FROM staff WHERE id = \(staff.id) AND revoked_at IS NULL)
              AND (\(status?.rawValue)::text IS NULL OR d.status = \(status?.rawValue))
            ORDER BY d.updated_at DESC, d.id LIMIT \(limit)
            """).map { row in
            let volunteerID: Int64 = try row.value("volunteer_id")
            return DossierSummary(id: try row.value("id"), procedureId: try row.value("procedure_id"),
                                  status: DossierStatus(rawValue: try row.value("status")) ?? .received, reason: try row.value("reason"),
                                  portalCode: try row.value("portal_code"), village: try row.value("village"), commune: try row.value("commune"),
                                  volunteerId: String(volunteerID), volunteer: try row.value("volunteer"), latestRevision: try row.value("latest_revision"),
                                  receivedAt: try row.value("received_at"), updatedAt: try row.value("updated_at"))
        }
    }

    func dossier(_ id: String, visibleTo staff: HubStaff) async throws -> HubDossier {
        guard let row = try await rows("""
            SELECT * FROM dossier
            WHERE id = \(id) AND commune_id = (SELECT commune_id FROM staff WHERE id = \(staff.id) AND revoked_at IS NULL)
            """).first else { throw HubError.dossierNotFound(id) }
        return try unsealed(try Self.dossier(row))
    }

    func dossierSummary(_ dossier: HubDossier) async throws -> DossierSummary {
        let name: String? = try await rows("SELECT name FROM volunteer WHERE id = \(dossier.volunteerId)").first?.value("name")
        return DossierSummary(id: dossier.id, procedureId: dossier.procedureId, status: dossier.status, reason: dossier.reason,
                              portalCode: dossier.portalCode, village: dossier.village, commune: dossier.commune,
                              volunteerId: String(dossier.volunteerId), volunteer: name ?? "", latestRevision: dossier.latestRevision,
                              receivedAt: dossier.receivedAt, updatedAt: dossier.updatedAt)
    }

    func attachment(of dossierID: String, named sha256: String) async throws -> AttachmentRef? {
        AttachmentLookup.find(sha256, in: try await revisions(of: dossierID))
    }

    /// The blob's plain bytes, opened from the shared `blobs/` folder with the data key.
    func blobContents(sha256: String) async throws -> Data {
        let url = blobURL(sha256: sha256)
        guard Identifiers.isSHA256(sha256), FileManager.default.fileExists(atPath: url.path) else { throw HubError.blobMissing(sha256) }
        var data = Data()
        do {
            try SealedBlob.open(url, name: sha256, sealer: sealer) { data.append($0) }
        } catch let error as HubSealingError {
            throw HubError.sealing(error)
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError.cannotOpen(path: url.path)
        }
        return data
    }

    func devices() async throws -> [HubDevice] {
        try await rows("SELECT * FROM device ORDER BY enrolled_at, id").map(Self.device)
    }

    /// An officer of one commune (`sotay-hub officers add --commune`), or an admin of the whole
    /// hub (no commune). The token is shown once and kept only as its hash.
    public func addStaff(role: HubRole, name: String, commune: String?, now: Date) async throws -> (staff: HubStaff, token: String) {
        guard let commune else {
            guard role == .officer else { return try await addStaff(role: role, name: name, now: now) }
            // A hub of one commune needs no --commune; a province hub does.
            let communes = try await communeList()
            guard communes.count == 1 else { throw HubError.officerNeedsCommune }
            return try await addStaff(role: role, name: name, commune: communes[0].name, now: now)
        }
        guard role == .officer else { throw HubError.communeForOfficersOnly }
        guard let communeID = try await communeID(named: commune) else { throw HubError.communeNotFound(commune) }
        return try await insertStaff(role: role, name: name, communeID: communeID, now: now)
    }

    /// A commune's number, by its name (tones as typed, NFC); nil when the hub has no such commune.
    public func communeID(named name: String) async throws -> Int64? {
        try await rows("SELECT id FROM commune WHERE name = \(name.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping)")
            .first?.value("id")
    }

    /// The commune an officer belongs to, by name (nil: none, or an admin).
    public func commune(ofStaff id: String) async throws -> String? {
        try await rows("SELECT c.name FROM staff s JOIN commune c ON c.id = s.commune_id WHERE s.id = \(id)").first?.value("name")
    }

    /// Every officer's commune, by the officer's id, in one query (for `officers list`).
    public func staffCommunes() async throws -> [String: String] {
        var communes: [String: String] = [:]
        for row in try await rows("SELECT s.id, c.name FROM staff s JOIN commune c ON c.id = s.commune_id") {
            communes[try row.value("id")] = try row.value("name")
        }
        return communes
    }
}
