import Foundation
import GRDB
import SoTayCore

extension Store {
    /// Starts a draft dossier for a procedure, for a new resident or an existing one.
    public func startDraft(procedureID: String, packVersion: String, residentID: String?, profile: VolunteerProfile, now: Date = Date()) throws(StoreError) -> DossierRecord {
        try write { db in
            let residentId: String
            if let residentID {
                guard try ResidentRecord.fetchOne(db, key: residentID) != nil else { throw StoreError.residentNotFound(residentID) }
                residentId = residentID
            } else {
                residentId = UUID().uuidString.lowercased()
                try ResidentRecord(id: residentId, createdAt: now).insert(db)
                try ResidentPersonalRecord(residentId: residentId, fullName: nil, phone: nil, phoneSkipped: false, updatedAt: now).insert(db)
            }
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
        try write { db in
            guard var dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            try Self.store(value, for: step, in: dossier, db: db, now: now)
            dossier.requiredCount = status.requiredCount
            dossier.satisfiedCount = status.satisfiedCount
            dossier.updatedAt = now
            try dossier.update(db)
        }
    }

    /// Commits many answers at once (an answers file): all of them, or none.
    public func record(_ answers: [(Step, AnswerValue)], in dossierID: String, status: ChecklistStatus, finished: Bool, now: Date = Date()) throws(StoreError) {
        try write { db in
            guard var dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            for (step, value) in answers {
                try Self.store(value, for: step, in: dossier, db: db, now: now)
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
            try db.execute(sql: "UPDATE dossier SET walkFinishedAt = COALESCE(walkFinishedAt, ?) WHERE id = ?", arguments: [now, dossierID])
        }
    }

    private static func store(_ value: AnswerValue, for step: Step, in dossier: DossierRecord, db: Database, now: Date) throws {
        switch (step.id, step.kind) {
        case (ResidentIntake.nameID, _):
            guard case .text(let name) = value else { return }
            try db.execute(sql: "UPDATE residentPersonal SET fullName = ?, updatedAt = ? WHERE residentId = ?",
                           arguments: [name, now, dossier.residentId])
        case (ResidentIntake.phoneID, _):
            let phone: String? = if case .text(let number) = value { number } else { nil }
            try db.execute(sql: "UPDATE residentPersonal SET phone = ?, phoneSkipped = ?, updatedAt = ? WHERE residentId = ?",
                           arguments: [phone, value == .skipped, now, dossier.residentId])
        case (_, .document):
            let have: Bool? = if case .bool(let value) = value { value } else { nil }
            try DossierDocumentRecord(dossierId: dossier.id, documentId: step.id, have: have, updatedAt: now).save(db)
        default:
            let json = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
            try DossierAnswerRecord(dossierId: dossier.id, stepId: step.id, value: json, answeredAt: now).save(db)
        }
    }

    /// Every accepted answer of a dossier, intake and papers included, by step id.
    public func answers(of dossierID: String) throws(StoreError) -> Answers {
        try read { db in
            guard let dossier = try DossierRecord.fetchOne(db, key: dossierID) else { throw StoreError.dossierNotFound(dossierID) }
            return try Self.answers(of: dossier, db: db)
        }
    }

    static func answers(of dossier: DossierRecord, db: Database) throws -> Answers {
        var answers: Answers = [:]
        for row in try DossierAnswerRecord.filter(Column("dossierId") == dossier.id).fetchAll(db) {
            answers[row.stepId] = try JSONDecoder().decode(AnswerValue.self, from: Data(row.value.utf8))
        }
        for row in try DossierDocumentRecord.filter(Column("dossierId") == dossier.id).fetchAll(db) {
            answers[row.documentId] = row.have.map(AnswerValue.bool) ?? .skipped
        }
        if dossier.intake, let personal = try ResidentPersonalRecord.fetchOne(db, key: dossier.residentId) {
            if let name = personal.fullName { answers[ResidentIntake.nameID] = .text(name) }
            if let phone = personal.phone {
                answers[ResidentIntake.phoneID] = .text(phone)
            } else if personal.phoneSkipped {
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

    /// Drafts, most recently changed first, with the resident's name for recognition.
    public func drafts(limit: Int? = nil) throws(StoreError) -> [DraftSummary] {
        try read { db in
            var sql = """
                SELECT dossier.*, residentPersonal.fullName AS residentName
                FROM dossier LEFT JOIN residentPersonal ON residentPersonal.residentId = dossier.residentId
                ORDER BY dossier.updatedAt DESC, dossier.id
                """
            if let limit { sql += " LIMIT \(max(limit, 0))" }
            return try Row.fetchAll(db, sql: sql).map { row in
                DraftSummary(dossier: try DossierRecord(row: row), residentName: row["residentName"])
            }
        }
    }

    /// How many dossiers the drafts list holds, without reading them.
    public func draftCount() throws(StoreError) -> Int {
        try read { db in try DossierRecord.fetchCount(db) }
    }

    /// The resident's name on a dossier, if it was given.
    public func residentName(of dossier: DossierRecord) throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT fullName FROM residentPersonal WHERE residentId = ?", arguments: [dossier.residentId])
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
