import Crypto
import Foundation
import GRDB
import Testing
@testable import SoTayCore
@testable import SoTayStore

private let profile = VolunteerProfile(name: "Nguyễn Văn An", phone: nil, village: "Thôn Đông", commune: "Xã Gia Lộc", province: "Hải Phòng")
private let consent = ConsentGiven(textVersion: "test", volunteer: "Nguyễn Văn An")
private let nameStep = ResidentIntake.steps[0]
private let phoneStep = ResidentIntake.steps[1]
private let cccdStep = Step(id: "so_dinh_danh", kind: .question(Question(type: .cccd)), text: LocalizedText(vi: "Số định danh"))
private let status = ChecklistStatus(documentsHave: [], documentsMissing: [], documentsOptionalMissing: [], unansweredRequired: [],
                                     actions: [], completeness: 1, requiredCount: 3, satisfiedCount: 3)

private struct Payload: Encodable {
    var answers: [String: String]
    var labels: [String]
}

/// A resident whose data must not be found in clear anywhere on disk.
private enum Resident {
    static let name = "Trần Thị Bình"
    static let cccd = "001326012345"
    static let phone = "0912345678"
}

/// A JPEG-shaped file with a random body, so that any 64-byte window of it is unique.
private func photo(bytes count: Int) -> Data {
    var generator = SystemRandomNumberGenerator()
    let body = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data(body) + Data([0xFF, 0xD9])
}

/// Every file of the data folder, as bytes: the database, its WAL and shared memory, the blobs.
private func rawFiles(_ folder: URL) throws -> [(String, Data)] {
    let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
    var files: [(String, Data)] = []
    while let url = enumerator?.nextObject() as? URL {
        guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
        files.append((url.lastPathComponent, try Data(contentsOf: url)))
    }
    return files
}

/// The needles: the name in NFC and NFD, and as it is typed without tone marks.
private func needles(photo: Data) -> [(String, Data)] {
    var result: [(String, Data)] = [
        ("name NFC", Data(Resident.name.precomposedStringWithCanonicalMapping.utf8)),
        ("name NFD", Data(Resident.name.decomposedStringWithCanonicalMapping.utf8)),
        ("CCCD", Data(Resident.cccd.utf8)),
        ("phone", Data(Resident.phone.utf8)),
    ]
    for offset in stride(from: 4, to: photo.count - 64, by: photo.count / 7) {
        result.append(("photo @\(offset)", photo.subdata(in: offset ..< offset + 64)))
    }
    return result
}

@Suite("Residents' data is sealed at rest")
struct PrivacyTests {
    /// A protected store with one resident's name, phone, CCCD, a photo and a queued payload.
    private func filled() throws -> (TemporaryFolder, Store, DossierRecord, Data) {
        let folder = try TemporaryFolder()
        let store = try Store.protected(folder.url)
        try store.saveProfile(profile)
        let draft = try store.startDraft(procedureID: "dang-ky-khai-sinh", packVersion: "1", residentID: nil, profile: profile, consent: consent)
        try store.record(.text(Resident.name), for: nameStep, in: draft.id, status: status)
        try store.record(.text(Resident.phone), for: phoneStep, in: draft.id, status: status)
        try store.record(.text(Resident.cccd), for: cccdStep, in: draft.id, status: status)
        let bytes = photo(bytes: 200_000)
        let source = folder.url.appending(path: "\(Resident.name) CCCD.jpg")
        try bytes.write(to: source)
        let blob = try store.blobFolder().importFile(at: source)
        _ = try store.attach(blob, to: draft.id, documentId: nil, label: source.lastPathComponent)
        try FileManager.default.removeItem(at: source)
        _ = try store.markReady(draft.id) { _, answers, attachments, _ in
            let described: [String: String] = answers.mapValues { "\($0)" }
            let labels: [String] = attachments.map(\.label)
            return try JSONEncoder().encode(Payload(answers: described, labels: labels))
        }
        return (folder, store, draft, bytes)
    }

    @Test("the database, its WAL and the blob folder hold none of the resident's name, CCCD, phone or photo bytes")
    func rawFilesHoldNoPersonalData() throws {
        let (folder, store, draft, bytes) = try filled()
        // The store itself reads everything back.
        let answers = try store.answers(of: draft.id)
        #expect(answers[ResidentIntake.nameID] == .text(Resident.name))
        #expect(answers["so_dinh_danh"] == .text(Resident.cccd))
        let attachment = try #require(try store.attachments(of: draft.id).first?.attachment)
        #expect(attachment.label == "\(Resident.name) CCCD.jpg")
        #expect(try store.blobFolder().reader(sha256: attachment.sha256).readAll() == bytes)
        #expect(String(decoding: try #require(try store.outbox(kind: .dossier).first?.payload), as: UTF8.self).contains(Resident.cccd))

        let files = try rawFiles(folder.url)
        #expect(files.contains { $0.0 == "sotay.sqlite-wal" })
        #expect(files.contains { $0.0 == attachment.sha256 })
        for (file, data) in files {
            for (what, needle) in needles(photo: bytes) {
                #expect(data.range(of: needle) == nil, "\(what) found in \(file)")
            }
        }
        // After a checkpoint the main file holds the pages too.
        try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let database = try Data(contentsOf: store.databaseURL)
        for (what, needle) in needles(photo: bytes) {
            #expect(database.range(of: needle) == nil, "\(what) found in the database after a checkpoint")
        }
    }

    @Test("a wrong passphrase unlocks nothing; without one, personal data stays closed and metadata works")
    func wrongPassphrase() throws {
        let (folder, _, draft, _) = try filled()
        let locked = try Store.open(directory: folder.url)
        #expect(throws: StoreError.self) { try locked.unlocked(passphrase: "sai mật khẩu rồi") }
        do {
            _ = try locked.unlocked(passphrase: testPassphrase.uppercased())
            Issue.record("a passphrase in other capitals opened the store")
        } catch {
            guard case .wrongPassphrase = error else { Issue.record("\(error)"); return }
            #expect(error.message(.vi).contains("Sai cụm mật khẩu"))
        }
        #expect(locked.isUnlocked == false)
        #expect(throws: StoreError.self) { try locked.answers(of: draft.id) }
        #expect(throws: StoreError.self) { try locked.residentName(of: draft) }
        #expect(throws: StoreError.self) { try locked.outbox(kind: .dossier) }
        #expect(throws: StoreError.self) { try locked.record(.text("x"), for: nameStep, in: draft.id, status: status) }
        #expect(throws: StoreError.self) {
            try locked.startDraft(procedureID: "x", packVersion: "1", residentID: nil, profile: profile, consent: consent)
        }
        let sha = try #require(try locked.attachments(of: draft.id).first?.attachment.sha256)
        #expect(throws: AttachmentError.locked) { try locked.blobFolder().reader(sha256: sha) }
        // Metadata: the list, the counts, the outbox of activities.
        #expect(try locked.drafts().map(\.residentName) == [nil])
        #expect(try locked.draftCount() == 1)
        #expect(try locked.waitingDossierCount() == 1)
        #expect(try locked.outbox(kind: .activity).isEmpty)
        #expect(try locked.syncSummary().pendingDossiers == 1)
    }

    @Test("changing the passphrase rewraps the key: the old one stops working, the data is untouched")
    func changePassphrase() throws {
        let (folder, store, draft, _) = try filled()
        let sealedBefore = try store.read { db in try Data.fetchOne(db, sql: "SELECT fullName FROM residentPersonal") }
        let newPassphrase = "hoa gạo đỏ bờ sông"
        #expect(throws: StoreError.self) { try store.changePassphrase(from: "sai mật khẩu rồi", to: newPassphrase, derivation: testDerivation) }
        #expect(throws: StoreError.self) { try store.changePassphrase(from: testPassphrase, to: "ngắn", derivation: testDerivation) }
        try store.changePassphrase(from: testPassphrase, to: newPassphrase, derivation: testDerivation)

        let reopened = try Store.open(directory: folder.url)
        #expect(throws: StoreError.self) { try reopened.unlocked(passphrase: testPassphrase) }
        let unlocked = try reopened.unlocked(passphrase: newPassphrase)
        #expect(try unlocked.residentName(of: draft) == Resident.name)
        let sealedAfter = try store.read { db in try Data.fetchOne(db, sql: "SELECT fullName FROM residentPersonal") }
        #expect(sealedBefore == sealedAfter, "the data was re-encrypted")
    }

    @Test("a sealed value moved to another row, or altered, is refused, never opened")
    func tampering() throws {
        let (folder, store, draft, _) = try filled()
        defer { withExtendedLifetime(folder) {} }
        let other = try store.startDraft(procedureID: "x", packVersion: "1", residentID: nil, profile: profile, consent: consent)
        try store.record(.text("Lê Văn Cường"), for: nameStep, in: other.id, status: status)
        // Swap the two residents' sealed names.
        try store.write { db in
            try db.execute(sql: """
                UPDATE residentPersonal SET fullName = (SELECT fullName FROM residentPersonal p WHERE p.residentId != residentPersonal.residentId)
                """)
        }
        #expect(throws: StoreError.self) { try store.residentName(of: draft) }
        // A name planted in clear is not taken for the resident's.
        try store.write { db in try db.execute(sql: "UPDATE residentPersonal SET fullName = 'Kẻ Giả Mạo'") }
        #expect(throws: StoreError.self) { try store.residentName(of: draft) }
        // One flipped bit in the middle of a photo.
        let sha = try #require(try store.attachments(of: draft.id).first?.attachment.sha256)
        let file = try store.blobFolder().fileURL(sha256: sha)
        var sealed = try Data(contentsOf: file)
        sealed[sealed.count / 2] ^= 0x01
        try sealed.write(to: file)
        let reader = try store.blobFolder().reader(sha256: sha)
        #expect(throws: AttachmentError.blobDamaged) { try reader.readAll() }
        // Cut short.
        try sealed.prefix(sealed.count - 100).write(to: file)
        #expect(throws: AttachmentError.blobDamaged) { try store.blobFolder().reader(sha256: sha).readAll() }
    }

    @Test("any range of a sealed photo reads back exactly, across segment boundaries")
    func sealedRanges() throws {
        let folder = try TemporaryFolder()
        let store = try Store.protected(folder.url)
        var generator = SystemRandomNumberGenerator()
        for size in [100, 65_536 - 6, 65_536 - 5, 65_536 * 3 - 6, 300_001] {
            let bytes = photo(bytes: size)
            let source = folder.url.appending(path: "p\(size).jpg")
            try bytes.write(to: source)
            let blob = try store.blobFolder().importFile(at: source)
            #expect(blob.size == Int64(bytes.count))
            let reader = try store.blobFolder().reader(sha256: blob.sha256)
            #expect(reader.length == Int64(bytes.count))
            #expect(try reader.readAll() == bytes)
            for _ in 0..<50 {
                let offset = Int.random(in: 0...bytes.count, using: &generator)
                let count = Int.random(in: 0...200_000, using: &generator)
                let expected = bytes.subdata(in: offset ..< min(bytes.count, offset + count))
                #expect(try reader.read(offset: Int64(offset), count: count) == expected, "size \(size) offset \(offset) count \(count)")
            }
        }
    }

    @Test("a store written in clear by an older version is sealed when its passphrase is set")
    func legacyStoreIsSealed() throws {
        let folder = try TemporaryFolder()
        let plain = try Store.open(directory: folder.url)
        let bytes = photo(bytes: 150_000)
        let sha = SHA256Hex.of(bytes)
        let blobFile = folder.url.appending(path: "blobs/\(sha.prefix(2))/\(sha)")
        try FileManager.default.createDirectory(at: blobFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: blobFile)
        // What version 0.9 wrote: names, answers, labels and payloads as text.
        try plain.write { db in
            try db.execute(sql: """
                INSERT INTO resident (id, createdAt) VALUES ('r1', '2026-11-01 00:00:00.000');
                INSERT INTO residentPersonal (residentId, fullName, phone, phoneSkipped, updatedAt) VALUES ('r1', ?, ?, 0, '2026-11-01 00:00:00.000');
                INSERT INTO dossier (id, residentId, procedureId, packVersion, intake, village, commune, createdAt, updatedAt, revision)
                    VALUES ('d1', 'r1', 'x', '1', 1, 'Thôn Đông', 'Xã Gia Lộc', '2026-11-01 00:00:00.000', '2026-11-01 00:00:00.000', 1);
                INSERT INTO dossierAnswer (dossierId, stepId, value, answeredAt) VALUES ('d1', 'so_dinh_danh', ?, '2026-11-01 00:00:00.000');
                INSERT INTO attachment (id, dossierId, sha256, size, mediaType, label, addedAt) VALUES ('a1', 'd1', ?, ?, 'image/jpeg', ?, '2026-11-01 00:00:00.000');
                INSERT INTO outbox (kind, itemId, revision, payload, createdAt) VALUES ('dossier', 'd1', 1, ?, '2026-11-01 00:00:00.000');
                """, arguments: [Resident.name, Resident.phone, String(decoding: try JSONEncoder().encode(AnswerValue.text(Resident.cccd)), as: UTF8.self), sha, bytes.count, "\(Resident.name).jpg",
                                 Data("{\"name\":\"\(Resident.name)\",\"cccd\":\"\(Resident.cccd)\"}".utf8)])
        }
        let store = try plain.setPassphrase(testPassphrase, derivation: testDerivation)
        for (file, data) in try rawFiles(folder.url) {
            for (what, needle) in needles(photo: bytes) {
                #expect(data.range(of: needle) == nil, "\(what) still in clear in \(file)")
            }
        }
        let dossier = try store.dossier("d1")
        #expect(try store.residentName(of: dossier) == Resident.name)
        #expect(try store.answers(of: "d1")["so_dinh_danh"] == .text(Resident.cccd))
        #expect(try store.attachments(of: "d1").first?.attachment.label == "\(Resident.name).jpg")
        #expect(try store.blobFolder().reader(sha256: sha).readAll() == bytes)
        #expect(String(decoding: try #require(try store.outbox(kind: .dossier).first?.payload), as: UTF8.self).contains(Resident.cccd))
        #expect(throws: StoreError.self) { try store.setPassphrase("một mật khẩu khác", derivation: testDerivation) }
    }

    @Test("purge erases personal data and photos of confirmed, closed dossiers past retention; metadata and the log stay")
    func purge() throws {
        let (folder, store, old, bytes) = try filled()
        let now = Date()
        // A second dossier of the same resident, still open: the name must stay while it lives.
        let recent = try store.startDraft(procedureID: "y", packVersion: "1", residentID: old.residentId, profile: profile, consent: consent)
        try store.record(.text(Resident.cccd), for: cccdStep, in: recent.id, status: status)
        var guidance = ActivityRecord(kind: "guidance", occurredAt: now, village: "Thôn Đông", residentId: old.residentId, procedureId: "dang-ky-khai-sinh",
                                      dossierId: old.id, createdAt: now)
        guidance.outcome = "vneid"
        try store.logActivity(guidance)
        let activitiesBefore = try store.activities()

        // Not yet confirmed by the hub: kept, whatever its status.
        try store.apply([.status(dossierID: old.id, status: "completed", reason: "Đã cấp cho bà \(Resident.name)", portalCode: "G22.99-261101-0001",
                                 at: now.addingTimeInterval(-40 * 86_400))], cursor: "1")
        #expect(try store.purge(now: now).dossiers.isEmpty)
        let item = try #require(try store.outbox(kind: .dossier).first)
        try store.completeDossier(try #require(item.id), receipt: ReceiptRecord(dossierId: old.id, revision: 1, kind: "original", volunteerId: "1", contentSHA256: "00",
                                                                   receivedAt: "2026-10-01T00:00:00.000Z", hubKeyId: "k", signature: "s"),
                                  hubStatus: "completed", now: now)
        // Closed 40 days ago; the setting says 45: kept. 30 (the default): erased.
        try store.setSetting(.retentionDays, "45")
        #expect(try store.purge(now: now).dossiers.isEmpty)
        try store.setSetting(.retentionDays, nil)
        let dry = try store.purge(now: now, dryRun: true)
        #expect(dry.dossiers == [old.id] && dry.blobs == 1 && dry.answers == 1 && dry.residents == 0)
        #expect(try store.answers(of: old.id)["so_dinh_danh"] == .text(Resident.cccd), "a dry run erased something")

        let done = try store.purge(now: now)
        #expect(done.dossiers == [old.id])
        #expect(try store.answers(of: old.id)[cccdStep.id] == nil)
        #expect(try store.attachments(of: old.id).isEmpty)
        let purged = try store.dossier(old.id)
        #expect(purged.hubStatus == "completed" && purged.hubReason == nil && purged.portalCode == nil && purged.revision == 1)
        #expect(try store.residentName(of: recent) == Resident.name, "the open dossier's resident lost the name")
        #expect(try store.answers(of: recent.id)[cccdStep.id] == .text(Resident.cccd))
        #expect(try store.activities() == activitiesBefore)
        #expect(try store.hasConsent(residentID: old.residentId, textVersion: "test"))
        #expect(try store.purge(now: now).dossiers.isEmpty, "a second purge found more")
        let blobs = try rawFiles(folder.url.appending(path: "blobs"))
        #expect(!blobs.contains { $0.1.count > bytes.count / 2 }, "the photo file is still there")

        // The second dossier closes too: now the name goes.
        try store.write { db in
            try db.execute(sql: "UPDATE dossier SET revision = 1, sentRevision = 1, hubStatus = 'withdrawn', hubStatusAt = ? WHERE id = ?",
                           arguments: [now.addingTimeInterval(-31 * 86_400), recent.id])
        }
        let second = try store.purge(now: now)
        #expect(second.dossiers == [recent.id] && second.residents == 1)
        #expect(try store.residentName(of: recent) == nil)
        #expect(try store.drafts().count == 2, "the dossiers' metadata is gone")
    }
}

/// A log note about a resident: its words must not be found in clear on disk.
private let note = "Bà Mận hẹn thứ Ba mang giấy chứng sinh"

@Suite("Log notes are sealed at rest")
struct NoteSealingTests {
    private func rawHolds(_ folder: URL, _ text: String) throws -> [String] {
        try rawFiles(folder).filter { $0.1.range(of: Data(text.utf8)) != nil }.map(\.0)
    }

    @Test("a note is written sealed; locked, it reads as locked, cannot be written, and its entry is held back from a sync")
    func noteSealedAtRest() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store.protected(folder.url)
        let withNote = ActivityRecord(kind: "visit", occurredAt: Date(), village: "Thôn Đông", notes: note)
        let without = ActivityRecord(kind: "visit", occurredAt: Date(), village: "Thôn Đông")
        try store.logActivities([withNote, without])
        #expect(try rawHolds(folder.url, note) == [])
        #expect(try rawHolds(folder.url, "hẹn thứ Ba") == [])
        #expect(try store.activity(withNote.id).notes == note)
        #expect(try store.activities(ids: [withNote.id]).first?.notes == note)

        let locked = try Store.open(directory: folder.url)
        let listed = try locked.activities()
        #expect(listed.count == 2)
        #expect(listed.first { $0.id == withNote.id }.map { $0.notes == nil && $0.hasLockedNote } == true)
        #expect(listed.first { $0.id == without.id }?.hasLockedNote == false)
        // Writing a note needs the passphrase; an entry without one does not.
        do {
            try locked.logActivity(ActivityRecord(kind: "visit", occurredAt: Date(), village: "Thôn Đông", notes: "khác"))
            Issue.record("a note was written without the passphrase")
        } catch {
            guard case .locked = error else { Issue.record("\(error)"); return }
        }
        try locked.logActivity(ActivityRecord(kind: "visit", occurredAt: Date(), village: "Thôn Đông"))
        // A sync without the passphrase sends the entries without a note; the other waits.
        let waiting = try locked.outbox(kind: .activity).map(\.itemId)
        #expect(waiting.count == 2 && !waiting.contains(withNote.id))
        #expect(try locked.waitingLockedActivityCount() == 1)
        let unlocked = try locked.unlocked(passphrase: testPassphrase)
        #expect(try unlocked.outbox(kind: .activity).map(\.itemId).contains(withNote.id))
        #expect(try unlocked.waitingLockedActivityCount() == 0)
        // Moved to another entry, the sealed note does not open.
        try store.write { db in try db.execute(sql: "UPDATE activity SET sealedNotes = (SELECT sealedNotes FROM activity WHERE id = ?) WHERE id = ?",
                                               arguments: [withNote.id, without.id]) }
        #expect(throws: StoreError.self) { try unlocked.activity(without.id) }
    }

    @Test("notes in clear are sealed when the passphrase is set, or at the first unlock after the upgrade")
    func clearNotesSealed() throws {
        // No passphrase yet: the note is kept as before, then sealed with everything else.
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let plain = try Store.open(directory: folder.url)
        let first = ActivityRecord(kind: "visit", occurredAt: Date(), village: "Thôn Đông", notes: note)
        try plain.logActivity(first)
        #expect(try plain.activity(first.id).notes == note)
        #expect(try plain.outbox(kind: .activity).count == 1)
        let store = try plain.setPassphrase(testPassphrase, derivation: testDerivation)
        #expect(try rawHolds(folder.url, note) == [])
        #expect(try store.activity(first.id).notes == note)

        // A note written in clear before this version, in a store that has a passphrase.
        let second = ActivityRecord(kind: "visit", occurredAt: Date(), village: "Thôn Đông")
        try store.logActivity(second)
        try store.write { db in try db.execute(sql: "UPDATE activity SET notes = ? WHERE id = ?", arguments: [note + " (cũ)", second.id]) }
        let locked = try Store.open(directory: folder.url)
        #expect(try locked.activity(second.id).hasLockedNote, "a clear note was shown without the passphrase")
        #expect(try locked.outbox(kind: .activity).map(\.itemId) == [])
        let unlocked = try locked.unlocked(passphrase: testPassphrase)
        #expect(try rawHolds(folder.url, note) == [])
        #expect(try unlocked.activity(second.id).notes == note + " (cũ)")
        #expect(try unlocked.activities(ids: [first.id, second.id]).compactMap(\.notes).count == 2)
    }
}

private enum SHA256Hex {
    static func of(_ data: Data) -> String {
        var hasher = SHA256()
        hasher.update(data: data)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
