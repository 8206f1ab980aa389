import Foundation
import GRDB
import SoTayCore
import SoTayWire

/// What the commune admin and officers do from the command line.
extension HubStore {
    public func addVolunteer(name: String, village: String, commune: String, now: Date = Date()) throws(HubError) -> HubVolunteer {
        for (field, value) in [("name", name), ("village", village), ("commune", commune)] where !Identifiers.isName(value) {
            throw .invalidText(field: field)
        }
        return try write { db in
            var volunteer = HubVolunteer(id: nil, name: clean(name), village: clean(village), commune: clean(commune), createdAt: now)
            try volunteer.insert(db)
            return volunteer
        }
    }

    public func volunteers() throws(HubError) -> [HubVolunteer] {
        try read { db in try HubVolunteer.order(Column("id")).fetchAll(db) }
    }

    /// A volunteer by number, or by name (tones and case ignored) when only one has it.
    public func volunteer(_ key: String) throws(HubError) -> HubVolunteer {
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        return try read { db in
            if let number = Int64(trimmed), let volunteer = try HubVolunteer.fetchOne(db, key: number) { return volunteer }
            let folded = VietnameseFolding.fold(trimmed)
            let matches = try HubVolunteer.fetchAll(db).filter { VietnameseFolding.fold($0.name) == folded }
            guard matches.count == 1 else {
                throw matches.isEmpty ? HubError.volunteerNotFound(key) : HubError.ambiguousVolunteer(key)
            }
            return matches[0]
        }
    }

    /// A new one-time code for the volunteer, valid for `validity`. Only its hash is kept.
    public func makeEnrollCode(for volunteer: HubVolunteer, validity: TimeInterval = 24 * 3600, now: Date = Date()) throws(HubError) -> (code: String, expiresAt: Date) {
        let code = Secrets.newEnrollCode()
        let record = EnrollCodeRecord(codeHash: Secrets.hash(Secrets.normalizedCode(code)), volunteerId: volunteer.id ?? 0,
                                      createdAt: now, expiresAt: now.addingTimeInterval(validity), usedAt: nil, deviceId: nil)
        try write { db in try record.insert(db) }
        return (code, record.expiresAt)
    }

    public func devices() throws(HubError) -> [HubDevice] {
        try read { db in try HubDevice.order(Column("enrolledAt")).fetchAll(db) }
    }

    /// Revokes a device: its token stops working at once. Its dossiers stay.
    public func revokeDevice(_ id: String, now: Date = Date()) throws(HubError) -> HubDevice {
        try write { db in
            guard var device = try HubDevice.fetchOne(db, key: id.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw HubError.deviceNotFound(id)
            }
            if device.revokedAt == nil {
                device.revokedAt = now
                try device.update(db)
            }
            return device
        }
    }

    public func dossiers(status: DossierStatus? = nil) throws(HubError) -> [HubDossier] {
        try read { db in
            var request = HubDossier.order(HubDossier.Columns.updatedAt.desc)
            if let status { request = request.filter(HubDossier.Columns.status == status.rawValue) }
            return try request.fetchAll(db)
        }.map { dossier throws(HubError) in try unsealed(dossier) }
    }

    /// A dossier by id or by its first characters (at least 4).
    public func dossier(_ key: String) throws(HubError) -> HubDossier {
        let trimmed = key.trimmingCharacters(in: .whitespaces).lowercased()
        return try unsealed(try read { db in
            if let exact = try HubDossier.fetchOne(db, key: trimmed) { return exact }
            guard trimmed.count >= 4, trimmed.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { throw HubError.dossierNotFound(key) }
            let matches = try HubDossier.filter(Column("id").like("\(trimmed)%")).limit(10).fetchAll(db)
            guard matches.count == 1 else {
                throw matches.isEmpty ? HubError.dossierNotFound(key) : HubError.ambiguousDossier(key, matches: matches.count)
            }
            return matches[0]
        })
    }

    public func revisions(of dossierID: String) throws(HubError) -> [HubRevision] {
        try read { db in
            try HubRevision.filter(HubRevision.Columns.dossierId == dossierID).order(HubRevision.Columns.revision).fetchAll(db)
        }.map { revision throws(HubError) in try unsealed(revision) }
    }

    public func volunteerName(_ id: Int64) throws(HubError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT name FROM volunteer WHERE id = ?", arguments: [id]) }
    }

    /// An officer's decision: stored with the dossier and queued in the volunteer's change feed,
    /// in one transaction.
    public func setStatus(_ dossierID: String, to status: DossierStatus, portalCode: String? = nil, reason: String? = nil,
                          now: Date = Date()) throws(HubError) -> HubDossier {
        let reason = reason.map(clean).flatMap { $0.isEmpty ? nil : $0 }
        if (status == .needsSupplement || status == .rejected) && reason == nil { throw .reasonRequired(status) }
        let dossier = try self.dossier(dossierID)
        return try unsealed(try write { db in
            guard var dossier = try HubDossier.fetchOne(db, key: dossier.id) else { throw HubError.dossierNotFound(dossierID) }
            dossier.status = status
            dossier.reason = reason
            if let portalCode = portalCode.map(clean), !portalCode.isEmpty { dossier.portalCode = portalCode }
            dossier.updatedAt = now
            try dossier.update(db)
            var change = ChangeRecord(seq: nil, volunteerId: dossier.volunteerId, kind: .status, dossierId: dossier.id, status: status,
                                      reason: reason, portalCode: dossier.portalCode, message: nil, at: now)
            try change.insert(db)
            return dossier
        })
    }

    /// A message for every volunteer (a new form, a changed opening time), through the feed.
    public func announce(_ message: String, now: Date = Date()) throws(HubError) {
        let text = clean(message)
        guard !text.isEmpty, text.count <= 2000 else { throw .invalidText(field: "message") }
        try write { db in
            var change = ChangeRecord(seq: nil, volunteerId: nil, kind: .announcement, dossierId: nil, status: nil, reason: nil,
                                      portalCode: nil, message: text, at: now)
            try change.insert(db)
        }
    }
}

private func clean(_ text: String) -> String {
    text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
}
