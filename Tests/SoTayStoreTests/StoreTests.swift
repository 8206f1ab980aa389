import Foundation
import Testing
@testable import SoTayCore
@testable import SoTayStore

/// A fresh data folder per test, removed afterwards.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "sotay-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Cheap scrypt: the tests make many stores; Sổ Tay itself never goes below 2^14.
let testDerivation = KeyDerivation(logN: 10)
let testPassphrase = "cây bàng đầu ngõ"
private let consent = ConsentGiven(textVersion: "test", volunteer: "Nguyễn Văn An")

extension Store {
    /// A store in `folder` with its passphrase set, unlocked.
    static func protected(_ folder: URL) throws -> Store {
        let store = try Store.open(directory: folder)
        return try store.hasPassphrase() ? store.unlocked(passphrase: testPassphrase) : store.setPassphrase(testPassphrase, derivation: testDerivation)
    }
}

private let profile = VolunteerProfile(name: "Nguyễn Văn An", phone: nil, village: "Thôn Đông", commune: "Xã Gia Lộc", province: "Hải Phòng")
private let nameStep = ResidentIntake.steps[0]
private let phoneStep = ResidentIntake.steps[1]
private let question = Step(id: "noi_sinh", kind: .question(Question(type: .singleChoice)), text: LocalizedText(vi: "?"))
private let document = Step(id: "giay_chung_sinh", kind: .document(required: true), text: LocalizedText(vi: "Giấy chứng sinh"))
private let status = ChecklistStatus(documentsHave: [], documentsMissing: [], documentsOptionalMissing: [], unansweredRequired: [],
                                     actions: [], completeness: 0.5, requiredCount: 4, satisfiedCount: 2)

@Suite("The volunteer's store keeps every accepted answer")
struct StoreTests {
    @Test("answers, papers and the intake survive closing and reopening the store")
    func roundTrip() throws {
        let folder = try TemporaryFolder()
        let draftID: String
        do {
            let store = try Store.protected(folder.url)
            try store.saveProfile(profile)
            let draft = try store.startDraft(procedureID: "dang-ky-khai-sinh", packVersion: "1", residentID: nil, profile: profile, consent: consent)
            try store.record(.text("Trần Thị Bình"), for: nameStep, in: draft.id, status: status)
            try store.record(.skipped, for: phoneStep, in: draft.id, status: status)
            try store.record(.choice("tai_nha"), for: question, in: draft.id, status: status)
            try store.record(.bool(false), for: document, in: draft.id, status: status)
            draftID = draft.id
        }
        let reopened = try Store.protected(folder.url)
        #expect(try reopened.profile() == profile.withDate(try reopened.profile()?.updatedAt))
        let answers = try reopened.answers(of: draftID)
        #expect(answers == [
            ResidentIntake.nameID: .text("Trần Thị Bình"), ResidentIntake.phoneID: .skipped,
            "noi_sinh": .choice("tai_nha"), "giay_chung_sinh": .bool(false),
        ])
        let drafts = try reopened.drafts()
        #expect(drafts.count == 1)
        #expect(drafts.first?.residentName == "Trần Thị Bình")
        #expect(drafts.first?.dossier.requiredCount == 4)
        #expect(drafts.first?.dossier.satisfiedCount == 2)
        #expect(drafts.first?.dossier.village == "Thôn Đông")
    }

    @Test("personal answers are in their own tables, apart from the dossier's metadata")
    func personalDataApart() throws {
        let folder = try TemporaryFolder()
        let store = try Store.protected(folder.url)
        let draft = try store.startDraft(procedureID: "x", packVersion: "1", residentID: nil, profile: profile, consent: consent)
        try store.record(.text("Trần Thị Bình"), for: nameStep, in: draft.id, status: status)
        try store.record(.choice("tai_nha"), for: question, in: draft.id, status: status)
        let metadata = try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM dossier") }
        #expect(!metadata.description.contains("Trần Thị Bình"))
        #expect(!metadata.description.contains("tai_nha"))
        let personal = try store.read { db in try Data.fetchOne(db, sql: "SELECT fullName FROM residentPersonal") }
        #expect(personal.map { !$0.isEmpty && String(decoding: $0, as: UTF8.self) != "Trần Thị Bình" } == true)
        #expect(try store.residentName(of: draft) == "Trần Thị Bình")
    }

    @Test("a draft is found by a unique prefix of its id; an unknown or ambiguous one is a clear error")
    func prefix() throws {
        let folder = try TemporaryFolder()
        let store = try Store.protected(folder.url)
        let draft = try store.startDraft(procedureID: "x", packVersion: "1", residentID: nil, profile: profile, consent: consent)
        #expect(try store.dossier(String(draft.id.prefix(8))).id == draft.id)
        #expect(try store.dossier(draft.id.uppercased()).id == draft.id)
        #expect(throws: StoreError.self) { try store.dossier("zzzz") }
        #expect(throws: StoreError.self) { try store.dossier("ab") }
    }

    @Test("deleting a draft removes its answers and its resident, and nothing else")
    func delete() throws {
        let folder = try TemporaryFolder()
        let store = try Store.protected(folder.url)
        let kept = try store.startDraft(procedureID: "x", packVersion: "1", residentID: nil, profile: profile, consent: consent)
        let gone = try store.startDraft(procedureID: "x", packVersion: "1", residentID: nil, profile: profile, consent: consent)
        try store.record(.choice("tai_nha"), for: question, in: gone.id, status: status)
        try store.record(.text("Bình"), for: nameStep, in: gone.id, status: status)
        try store.deleteDraft(gone.id)
        #expect(try store.drafts().map(\.dossier.id) == [kept.id])
        let leftovers = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM dossierAnswer) + (SELECT COUNT(*) FROM residentPersonal WHERE fullName IS NOT NULL)")
        }
        #expect(leftovers == 0)
    }

    @Test("a second draft for an existing resident reuses the resident; an unknown resident is refused")
    func existingResident() throws {
        let folder = try TemporaryFolder()
        let store = try Store.protected(folder.url)
        let first = try store.startDraft(procedureID: "x", packVersion: "1", residentID: nil, profile: profile, consent: consent)
        let second = try store.startDraft(procedureID: "y", packVersion: "1", residentID: first.residentId, profile: profile, consent: consent)
        #expect(second.residentId == first.residentId)
        #expect(!second.intake)
        #expect(throws: StoreError.self) {
            try store.startDraft(procedureID: "y", packVersion: "1", residentID: "khong-co", profile: profile, consent: consent)
        }
    }

    @Test("a file that is not a database is refused with a clear error and left as it was")
    func notADatabase() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appending(path: "sotay.sqlite")
        let junk = Data(repeating: 0x41, count: 4096)
        try junk.write(to: file)
        #expect {
            try Store.open(directory: folder.url)
        } throws: { error in
            guard case StoreError.notADatabase = error else { return false }
            return (error as? StoreError)?.message(.vi).contains("không phải sổ dữ liệu") == true
        }
        #expect(try Data(contentsOf: file) == junk)
    }

    @Test("the data folder and database file are readable by their owner only")
    func permissions() throws {
        let folder = try TemporaryFolder()
        let data = folder.url.appending(path: "nested/sotay")
        let store = try Store.protected(data)
        let folderMode = try FileManager.default.attributesOfItem(atPath: data.path)[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: store.databaseURL.path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        #expect(fileMode == 0o600)
    }
}

import GRDB

extension VolunteerProfile {
    func withDate(_ date: Date?) -> VolunteerProfile {
        var copy = self
        copy.updatedAt = date ?? updatedAt
        return copy
    }
}
