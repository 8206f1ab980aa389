import Foundation
import GRDB

/// The append-only audit log: a row for every read or export of a resident's personal data.
///
/// A row is written before the data is read, in its own transaction: when the log cannot be
/// written, nothing is shown.
extension HubStore {
    /// Appends one row per dossier (or one row without a dossier when `dossierIDs` is empty).
    @discardableResult
    public func appendAudit(_ actor: AuditActor, _ action: AuditAction, dossierIDs: [String], blobSHA256: String? = nil,
                            volunteerID: Int64? = nil, now: Date = Date()) throws(HubError) -> [HubAuditEntry] {
        let ids: [String?] = dossierIDs.isEmpty ? [nil] : dossierIDs
        return try write { db in
            try ids.map { dossierID in
                var entry = HubAuditEntry(id: nil, at: now, actorRole: actor.role, actorId: actor.id, actorName: actor.name, action: action,
                                          dossierId: dossierID, blobSHA256: blobSHA256, clientAddress: actor.clientAddress,
                                          volunteerId: volunteerID)
                try entry.insert(db)
                return entry
            }
        }
    }

    /// The log in the order it was written, from `since` on, at most `limit` rows after `after`.
    public func auditEntries(since: Date? = nil, after: Int64 = 0, limit: Int? = nil) throws(HubError) -> [HubAuditEntry] {
        try read { db in
            var request = HubAuditEntry.filter(HubAuditEntry.Columns.id > after).order(HubAuditEntry.Columns.id)
            if let since { request = request.filter(HubAuditEntry.Columns.at >= since) }
            if let limit { request = request.limit(limit) }
            return try request.fetchAll(db)
        }
    }
}
