import Foundation
import GRDB
import HummingbirdTesting
@testable import SoTayHub
import SoTayTestSupport
import SoTayWire
import Testing

/// The sealing refusal `body` ends with, if any.
func sealingError<T>(_ body: () throws -> T) -> HubSealingError? {
    do {
        _ = try body()
        return nil
    } catch HubError.sealing(let error) {
        return error
    } catch {
        return nil
    }
}

/// Raw bytes of the hub's database, its WAL and every file under `blobs/`, as a thief who
/// copied the data folder would have them.
func rawHubFiles(_ directory: URL) throws -> [(name: String, bytes: Data)] {
    var files: [(String, Data)] = []
    for name in ["hub.sqlite", "hub.sqlite-wal"] {
        let url = directory.appending(path: name)
        if FileManager.default.fileExists(atPath: url.path) { files.append((name, try Data(contentsOf: url))) }
    }
    let blobs = directory.appending(path: "blobs")
    for shard in (try? FileManager.default.contentsOfDirectory(atPath: blobs.path)) ?? [] {
        for name in try FileManager.default.contentsOfDirectory(atPath: blobs.appending(path: shard).path) {
            files.append(("blobs/\(shard)/\(name)", try Data(contentsOf: blobs.appending(path: shard).appending(path: name))))
        }
    }
    return files
}

/// The names of the raw files in which any of `needles` occurs.
func filesHolding(_ needles: [Data], in directory: URL) throws -> [String] {
    try rawHubFiles(directory).filter { file in needles.contains { file.bytes.range(of: $0) != nil } }.map(\.name)
}

/// Forms a resident's name can take in the raw bytes: NFC and NFD UTF-8, and JSON's \u escapes.
func nameForms(_ name: String) -> [Data] {
    let escaped = name.unicodeScalars.map { $0.isASCII ? String($0) : String(format: "\\u%04x", $0.value) }.joined()
    return [Data(name.precomposedStringWithCanonicalMapping.utf8), Data(name.decomposedStringWithCanonicalMapping.utf8), Data(escaped.utf8)]
}

@Suite("Hub: personal data sealed at rest")
struct HubSealingTests {
    static let name = "Hoàng Thị Xuân Mai"
    static let cccd = "038196004217"

    /// A dossier with a name and a CCCD number and one photo, sent as a laptop sends it.
    static func storeDossier(_ hub: HubFixture, photo: Data) async throws -> DossierUpload {
        let volunteer = try hub.volunteer()
        let code = try hub.code(for: volunteer)
        var upload = DossierUpload.sample(name: name)
        upload.answers["so_cccd"] = .text(cccd)
        upload.answers["ghi_chu"] = .text("Bà \(name) ở xóm 3, CCCD \(cccd)")
        upload.attachments = [AttachmentRef(sha256: Hashes.sha256Hex(photo), size: Int64(photo.count), mediaType: "image/jpeg", document: "giay_chung_sinh")]
        let dossier = upload
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            let path = try await client.createUpload(for: photo, token: token)
            let patched = try await client.patch(path, offset: 0, bytes: photo, token: token)
            #expect(patched.status == .noContent)
            #expect(try await client.put(dossier, token: token).status == .created)
            let activity = ActivityUpload(id: UUID().uuidString.lowercased(), kind: "guidance", occurredAt: Date(), village: "Thôn Đông",
                                          procedureId: "dang-ky-khai-sinh", outcome: "vneid", notes: "Giúp \(name), CCCD \(cccd)")
            let posted = try await client.json(.post, "/v1/activities", token: token,
                                               body: try WireProtocol.encoder().encode(ActivityBatch(activities: [activity])))
            #expect(posted.status == .ok)
        }
        return dossier
    }

    @Test("A copy of the database, its WAL and the blob folder holds no resident's name, CCCD number or photo bytes; the store still shows them")
    func rawFilesHoldNothingPersonal() async throws {
        let hub = try HubFixture()
        defer { try? FileManager.default.removeItem(at: hub.directory) }
        let photo = SampleFiles.jpeg(size: 200_000)
        let upload = try await Self.storeDossier(hub, photo: photo)

        let photoPieces = stride(from: 1000, to: photo.count - 64, by: 20_000).map { photo[$0..<($0 + 32)] }
        let needles = nameForms(Self.name) + [Data(Self.cccd.utf8)] + photoPieces.map { Data($0) }
        #expect(try rawHubFiles(hub.directory).contains { $0.name.hasPrefix("blobs/") }, "the photo is stored")
        #expect(try filesHolding(needles, in: hub.directory) == [])

        // Whoever holds the key reads it all back.
        let dossier = try hub.store.dossier(upload.id)
        #expect(dossier.residentName == Self.name)
        let body = try #require(try hub.store.revisions(of: upload.id).first?.body)
        #expect(body.contains(Self.cccd))
        #expect(try hub.store.blobData(sha256: Hashes.sha256Hex(photo)) == photo)
        // Reports still count from the clear metadata.
        #expect(try hub.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM activity WHERE outcome = 'vneid'") } == 1)
    }

    @Test("The data key file is made with mode 0600 at first start, and the same key is used at the next")
    func keyFileMode() throws {
        let hub = try HubFixture()
        defer { try? FileManager.default.removeItem(at: hub.directory) }
        let url = hub.directory.appending(path: HubSealingKey.defaultFileName)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try HubStore.open(directory: hub.directory)
        #expect(again.dataKeyFingerprint == hub.store.dataKeyFingerprint)
    }

    @Test("A key file readable by others, a missing key or another key: the store refuses to open, nothing is decrypted and no key is made")
    func refusals() async throws {
        let hub = try HubFixture()
        defer { try? FileManager.default.removeItem(at: hub.directory) }
        _ = try await Self.storeDossier(hub, photo: SampleFiles.jpeg(size: 10_000))
        let keyURL = hub.directory.appending(path: HubSealingKey.defaultFileName)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyURL.path)
        #expect(sealingError { try HubStore.open(directory: hub.directory) } == .keyExposed(path: keyURL.path, mode: "644"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyURL.path)

        let elsewhere = FileManager.default.temporaryDirectory.appending(path: "hub-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        try FileManager.default.moveItem(at: keyURL, to: elsewhere)
        #expect(sealingError { try HubStore.open(directory: hub.directory) } == .keyMissing(path: keyURL.path))
        #expect(!FileManager.default.fileExists(atPath: keyURL.path), "no new key is made for a sealed database")

        let other = FileManager.default.temporaryDirectory.appending(path: "hub-other-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: other) }
        _ = try HubSealingKey.create(at: other)
        #expect(sealingError { try HubStore.open(directory: hub.directory, keyFile: other) } == .wrongKey(path: other.path))

        // The moved key, named with --key-file, opens it all.
        let moved = try HubStore.open(directory: hub.directory, keyFile: elsewhere)
        #expect(try moved.dossiers().first?.residentName == Self.name)
        let message = HubError.sealing(.keyMissing(path: keyURL.path)).message(.vi)
        #expect(message.contains("Không tạo khóa mới") && !message.contains(Self.name))
    }

    @Test("A changed, moved or cut sealed value or blob is a clear error, never a crash or another resident's data")
    func tampering() async throws {
        let hub = try HubFixture()
        defer { try? FileManager.default.removeItem(at: hub.directory) }
        let photo = SampleFiles.jpeg(size: 150_000)
        let first = try await Self.storeDossier(hub, photo: photo)
        let second = DossierUpload.sample(name: "Lý Văn Tám")
        let device = try #require(try hub.store.devices().first)
        _ = try await hub.store.putDossier(second, body: String(decoding: try WireProtocol.encoder().encode(second), as: UTF8.self), device: device)

        // One flipped bit in the sealed name.
        try hub.store.write { db in
            let sealed = try #require(try String.fetchOne(db, sql: "SELECT residentName FROM dossier WHERE id = ?", arguments: [first.id]))
            var bytes = try #require(Data(base64Encoded: sealed))
            bytes[bytes.count - 1] ^= 0x01
            try db.execute(sql: "UPDATE dossier SET residentName = ? WHERE id = ?", arguments: [bytes.base64EncodedString(), first.id])
        }
        #expect(sealingError { try hub.store.dossier(first.id) } == .damaged("dossier.residentName [\(first.id)]"))
        // Another row's sealed name copied over: the associated data does not match.
        try hub.store.write { db in
            try db.execute(sql: "UPDATE dossier SET residentName = (SELECT residentName FROM dossier WHERE id = ?) WHERE id = ?", arguments: [second.id, first.id])
            try db.execute(sql: "UPDATE dossierRevision SET body = 'not sealed at all' WHERE dossierId = ?", arguments: [second.id])
        }
        #expect(sealingError { try hub.store.dossier(first.id) } == .damaged("dossier.residentName [\(first.id)]"))
        #expect(sealingError { try hub.store.revisions(of: second.id) } == .damaged("dossierRevision.body [\(second.id)/1]"))

        // The blob: a changed byte, then the last segment cut off.
        let sha256 = Hashes.sha256Hex(photo)
        let url = hub.store.blobURL(sha256: sha256)
        let sealed = try Data(contentsOf: url)
        var changed = sealed
        changed[changed.count / 2] ^= 0x40
        try changed.write(to: url)
        #expect(sealingError { try hub.store.blobData(sha256: sha256) } == .damaged("blob \(sha256.prefix(12))"))
        try sealed.prefix(41 + 2 * (SealedBlob.segment + SealedBlob.tag)).write(to: url)
        #expect(sealingError { try hub.store.blobData(sha256: sha256) } == .damaged("blob \(sha256.prefix(12))"))
        let export = FileManager.default.temporaryDirectory.appending(path: "export-\(UUID().uuidString).jpg")
        #expect(sealingError { try hub.store.exportBlob(sha256: sha256, to: export) } == .damaged("blob \(sha256.prefix(12))"))
        #expect(!FileManager.default.fileExists(atPath: export.path), "a blob that does not open leaves no partial copy")
    }

    @Test("A hub that stored data in clear before v5-sealed has every row and blob sealed at its next start, and no plaintext page left behind")
    func migrationSealsExistingData() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sotay-hub-v3-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let photo = SampleFiles.jpeg(size: 100_000)
        let sha256 = Hashes.sha256Hex(photo)
        var upload = DossierUpload.sample(name: Self.name)
        upload.answers["so_cccd"] = .text(Self.cccd)
        let body = String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self)
        let activity = ActivityUpload(id: UUID().uuidString.lowercased(), kind: "visit", occurredAt: Date(), village: "Thôn Đông", notes: "Nhà \(Self.name)")
        do {
            // The hub as it was before: migrations up to v3, everything in clear.
            let pool = try DatabasePool(path: directory.appending(path: "hub.sqlite").path)
            try HubMigrations.migrator.migrate(pool)
            try pool.write { db in
                try db.execute(sql: "INSERT INTO volunteer (name, village, commune, createdAt) VALUES ('Lan', 'Thôn Đông', 'Xã An Bình', ?)", arguments: [Date()])
                try db.execute(sql: "INSERT INTO device (id, volunteerId, name, tokenHash, enrolledAt) VALUES ('d', 1, 'x', 'h', ?)", arguments: [Date()])
                try db.execute(sql: """
                    INSERT INTO dossier (id, volunteerId, procedureId, village, commune, residentName, status, latestRevision, receivedAt, updatedAt)
                    VALUES (?, 1, 'dang-ky-khai-sinh', 'Thôn Đông', 'Xã An Bình', ?, 'received', 1, ?, ?)
                    """, arguments: [upload.id, Self.name, Date(), Date()])
                try db.execute(sql: "INSERT INTO dossierRevision VALUES (?, 1, 'original', 'd', ?, ?, '2026-11-24T03:15:42.123Z', 'sig')",
                               arguments: [upload.id, Hashes.sha256Hex(Data(body.utf8)), body])
                try db.execute(sql: "INSERT INTO activity (id, volunteerId, deviceId, kind, occurredAt, village, body, receivedAt) VALUES (?, 1, 'd', 'visit', ?, 'Thôn Đông', ?, ?)",
                               arguments: [activity.id, activity.occurredAt, String(decoding: try WireProtocol.encoder().encode(activity), as: UTF8.self), Date()])
            }
        }
        try SampleFiles.write(photo, named: sha256, in: directory.appending(path: "blobs").appending(path: String(sha256.prefix(2))))
        let needles = nameForms(Self.name) + [Data(Self.cccd.utf8), Data(photo[5000..<5032])]
        #expect(try filesHolding(needles, in: directory).isEmpty == false, "the old hub holds them in clear")

        let store = try HubStore.open(directory: directory)
        let leaks = try filesHolding(needles, in: directory)
        #expect(leaks == [])
        #expect(try store.dossier(upload.id).residentName == Self.name)
        #expect(try store.revisions(of: upload.id).first?.body == body)
        #expect(try store.blobData(sha256: sha256) == photo)
        // A second start changes nothing.
        let again = try HubStore.open(directory: directory)
        #expect(try again.blobData(sha256: sha256) == photo)
        #expect(try again.dossiers().map(\.residentName) == [Self.name])
    }
}
