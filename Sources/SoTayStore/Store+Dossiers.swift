import Foundation
import GRDB
import SoTayCore

extension Store {
    /// Starts a draft dossier for a procedure, for a new resident or an existing one, with the
    /// resident's consent recorded in the same transaction: no personal data without it.
    public func startDraft(procedureID: String, packVersion: String, residentID: String?, profile: VolunteerProfile,
                           consent: ConsentGiven, now: Date = Date()) throws(StoreError) -> DossierRecord {
        _ = try requireVault()
        return try write { db in
            let residentId: String
            if let residentID {
                guard try ResidentRecord.fetchOne(db, key: residentID) != nil else { throw StoreError.residentNotFound(residentID) }
                residentId = residentID
            } else {
                residentId = UUID().uuidString.lowercased()
                try ResidentRecord(id: residentId, createdAt: now).insert(db)
                try ResidentPersonalRecord(residentId: residentId, fullName: nil, phone: nil, phoneSkipped: false, updatedAt: now).insert(db)
            }
            try Self.insertConsent(consent, residentID: residentId, db: db)
            let dossier = DossierRecord(
                id: UUID().uuidString.lowercased(), residentId: residentId, procedureId: procedureID, packVersion: packVersion,
                status: "draft", intake: residentID == nil, village: profile.village, commune: profile.commune,
                requiredCount: 0, satisfiedCount: 0, walkFinishedAt: nil, createdAt: now, updatedAt: now)
            try dossier.insert(db)
            return dossier
        }
    }

    /// Commits one accepted answer, with the dossier's new progress, in one transaction.
    public func record(_ value: AnswerValue, for step: Step, in dossierID: String, status: ChecklistStatus, now: Date = Date()) throws(StoreError) {
        let vault = try requireVault()
        try write { db in
            guard var dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            try Self.store(value, for: step, in: dossier, db: db, vault: vault, now: now)
            dossier.requiredCount = status.requiredCount
            dossier.satisfiedCount = status.satisfiedCount
            dossier.updatedAt = now
            try dossier.update(db)
        }
    }

    /// Commits many answers at once (an answers file): all of them, or none.
    public func record(_ answers: [(Step, AnswerValue)], in dossierID: String, status: ChecklistStatus, finished: Bool, now: Date = Date()) throws(StoreError) {
        let vault = try requireVault()
        try write { db in
            guard var dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            for (step, value) in answers {
                try Self.store(value, for: step, in: dossier, db: db, vault: vault, now: now)
            }
            dossier.requiredCount = status.requiredCount
            dossier.satisfiedCount = status.satisfiedCount
            dossier.updatedAt = now
            if finished && dossier.walkFinishedAt == nil { dossier.walkFinishedAt = now }
            try dossier.update(db)
        }
    }

    /// Notes that the walk reached its closing summary.
    public func markWalkFinished(_ dossierID: String, now: Date = Date()) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE dossier SET walkFinishedAt = COALESCE(walkFinishedAt, ?) WHERE id = ?", arguments: [StoreDate.text(now), dossierID])
        }
    }

    private static func store(_ value: AnswerValue, for step: Step, in dossier: DossierRecord, db: Database, vault: Vault, now: Date) throws {
        switch (step.id, step.kind) {
        case (ResidentIntake.nameID, _):
            guard case .text(let name) = value else { return }
            try db.execute(sql: "UPDATE residentPersonal SET fullName = ?, updatedAt = ? WHERE residentId = ?",
                           arguments: [try vault.seal(name, context: SealContext.fullName(dossier.residentId)), StoreDate.text(now), dossier.residentId])
        case (ResidentIntake.phoneID, _):
            let phone: Data? = if case .text(let number) = value { try vault.seal(number, context: SealContext.phone(dossier.residentId)) } else { nil }
            try db.execute(sql: "UPDATE residentPersonal SET phone = ?, phoneSkipped = ?, updatedAt = ? WHERE residentId = ?",
                           arguments: [phone, value == .skipped, StoreDate.text(now), dossier.residentId])
        case (_, .document):
            let have: Bool? = if case .bool(let value) = value { value } else { nil }
            try DossierDocumentRecord(dossierId: dossier.id, documentId: step.id, have: have, updatedAt: now).save(db)
        default:
            let sealed = try vault.seal(try JSONEncoder().encode(value), context: SealContext.answer(dossier.id, step.id))
            try db.execute(sql: """
                INSERT INTO dossierAnswer (dossierId, stepId, value, answeredAt) VALUES (?, ?, ?, ?)
                ON CONFLICT (dossierId, stepId) DO UPDATE SET value = excluded.value, answeredAt = excluded.answeredAt
                """, arguments: [dossier.id, step.id, sealed, StoreDate.text(now)])
        }
    }

    /// Every accepted answer of a dossier, intake and papers included, by step id.
    public func answers(of dossierID: String) throws(StoreError) -> Answers {
        let vault = try requireVault()
        return try read { db in
            guard let dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            return try Self.answers(of: dossier, db: db, vault: vault)
        }
    }

    static func answers(of dossier: DossierRecord, db: Database, vault: Vault) throws -> Answers {
        var answers: Answers = [:]
        for row in try Row.fetchAll(db, sql: "SELECT stepId, value FROM dossierAnswer WHERE dossierId = ?", arguments: [dossier.id]) {
            let stepId: String = row["stepId"]
            guard case .blob(let sealed) = (row["value"] as DatabaseValue).storage else { throw StoreError.sealedValueDamaged }
            answers[stepId] = try JSONDecoder().decode(AnswerValue.self, from: try vault.open(sealed, context: SealContext.answer(dossier.id, stepId)))
        }
        for row in try DossierDocumentRecord.filter(Column("dossierId") == dossier.id).fetchAll(db) {
            answers[row.documentId] = row.have.map(AnswerValue.bool) ?? .skipped
        }
        if dossier.intake, let row = try Row.fetchOne(db, sql: "SELECT * FROM residentPersonal WHERE residentId = ?", arguments: [dossier.residentId]) {
            if let name = try openText(row["fullName"], context: SealContext.fullName(dossier.residentId), vault: vault) {
                answers[ResidentIntake.nameID] = .text(name)
            }
            if let phone = try openText(row["phone"], context: SealContext.phone(dossier.residentId), vault: vault) {
                answers[ResidentIntake.phoneID] = .text(phone)
            } else if row["phoneSkipped"] as Bool? == true {
                answers[ResidentIntake.phoneID] = .skipped
            }
        }
        return answers
    }

    /// The dossier whose id is, or starts with, `idOrPrefix` (at least 4 characters).
    public func dossier(_ idOrPrefix: String) throws(StoreError) -> DossierRecord {
        let key = idOrPrefix.lowercased().trimmingCharacters(in: .whitespaces)
        return try read { db in
            if let exact = try DossierRecord.fetchOne(db, key: key) { return exact }
            guard key.count >= 4, key.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { throw StoreError.dossierNotFound(idOrPrefix) }
            let matches = try DossierRecord.filter(DossierRecord.Columns.id.like("\(key)%")).limit(2).fetchAll(db)
            guard matches.count == 1 else {
                if matches.isEmpty { throw StoreError.dossierNotFound(idOrPrefix) }
                let count = try DossierRecord.filter(DossierRecord.Columns.id.like("\(key)%")).fetchCount(db)
                throw StoreError.ambiguousDossier(idOrPrefix, matches: count)
            }
            return matches[0]
        }
    }

    /// Drafts, most recently changed first, with the resident's name for recognition when the
    /// store is unlocked (`nil` otherwise).
    public func drafts(limit: Int? = nil) throws(StoreError) -> [DraftSummary] {
        let vault = self.vault
        return try read { db in
            let columns = DossierRecord.listedColumns.map { "dossier.\($0)" }.joined(separator: ", ")
            var sql = """
                SELECT \(columns), residentPersonal.fullName
                FROM dossier LEFT JOIN residentPersonal ON residentPersonal.residentId = dossier.residentId
                ORDER BY dossier.updatedAt DESC, dossier.id
                """
            if let limit { sql += " LIMIT \(max(limit, 0))" }
            // A cursor, not `Row.fetchAll` (a copied row compares every column name), read by
            // position: the name is the column after the dossier's.
            let nameColumn = DossierRecord.listedColumns.count
            var summaries: [DraftSummary] = []
            let rows = try Row.fetchCursor(db, sql: sql)
            while let row = try rows.next() {
                let dossier = DossierRecord(listedRow: row)
                let name = try vault.flatMap { try Self.openText(row[nameColumn], context: SealContext.fullName(dossier.residentId), vault: $0) }
                summaries.append(DraftSummary(dossier: dossier, residentName: name))
            }
            return summaries
        }
    }

    /// How many dossiers the drafts list holds, without reading them.
    public func draftCount() throws(StoreError) -> Int {
        try read { db in try DossierRecord.fetchCount(db) }
    }

    /// The resident's name on a dossier, if it was given.
    public func residentName(of dossier: DossierRecord) throws(StoreError) -> String? {
        let vault = try requireVault()
        return try read { db in
            guard let value = try DatabaseValue.fetchOne(db, sql: "SELECT fullName FROM residentPersonal WHERE residentId = ?", arguments: [dossier.residentId])
            else { return nil }
            return try Self.openText(value, context: SealContext.fullName(dossier.residentId), vault: vault)
        }
    }

    /// Every resident on this laptop with the name and phone they gave (opened with the passphrase).
    public func residentCards() throws(StoreError) -> [ResidentCard] {
        let vault = try requireVault()
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT r.id, p.fullName, p.phone FROM resident r LEFT JOIN residentPersonal p ON p.residentId = r.id").map { row in
                let id: String = row["id"]
                return ResidentCard(id: id, name: try Self.openText(row["fullName"], context: SealContext.fullName(id), vault: vault),
                                    phone: try Self.openText(row["phone"], context: SealContext.phone(id), vault: vault))
            }
        }
    }

    /// Deletes a draft with its answers; the resident too when nothing else refers to them.
    public func deleteDraft(_ dossierID: String) throws(StoreError) {
        let hashes = try attachments(of: dossierID).map(\.attachment.sha256)
        try write { db in
            guard let dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            try db.execute(sql: "DELETE FROM outbox WHERE kind = 'dossier' AND itemId = ?", arguments: [dossier.id])
            try dossier.delete(db)
            let others = try DossierRecord.filter(DossierRecord.Columns.residentId == dossier.residentId).fetchCount(db)
            if others == 0 {
                try ResidentRecord.deleteOne(db, key: dossier.residentId)
            }
        }
        // The rows are gone; now the photos no other dossier uses. A crash in between leaves
        // only unreferenced files, never a row without its file.
        try blobFolder().remove(unreferencedBlobs(among: hashes))
    }
}
