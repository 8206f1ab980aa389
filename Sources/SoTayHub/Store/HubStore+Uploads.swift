import Crypto
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif
import SoTayWire

/// Blobs and tus uploads: rows here, bytes in `uploads/` and `blobs/` beside the database.
extension HubStore {
    var uploadsFolder: URL { directory.appending(path: "uploads") }
    var blobsFolder: URL { directory.appending(path: "blobs") }

    func partURL(_ uploadID: String) -> URL { uploadsFolder.appending(path: uploadID + ".part") }

    /// Where a verified blob lives: `blobs/ab/abcdef…`.
    public func blobURL(sha256: String) -> URL {
        blobsFolder.appending(path: String(sha256.prefix(2))).appending(path: sha256)
    }

    /// Starts an upload: its row, then an empty part file.
    ///
    /// In that order, because the sweep run on every new upload deletes part files that have no
    /// row: a part file made before its row could be swept in between, and the upload would
    /// answer HEAD 200 and every PATCH 410. A row whose file never came (the hub stopped in
    /// between) answers PATCH 410, and the client starts a new upload.
    func createUpload(length: Int64, sha256: String, device: HubDevice, lifetime: TimeInterval, quota: UploadQuota = .init(),
                      now: Date = Date()) async throws -> HubUpload {
        let upload = HubUpload(id: Secrets.newUploadID(), deviceId: device.id, volunteerId: device.volunteerId, length: length, offset: 0,
                               sha256: sha256, createdAt: now, updatedAt: now, expiresAt: now.addingTimeInterval(lifetime), completedAt: nil, failedAt: nil)
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: uploadsFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StorageFault(error, path: uploadsFolder.path)
        }
        try await writer.write { db in
            try quota.check(db, deviceID: device.id, adding: length, now: now)
            try upload.insert(db)
        }
        do {
            try Data().write(to: partURL(upload.id), options: .withoutOverwriting)
            try fileManager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partURL(upload.id).path)
        } catch {
            _ = try? await writer.write { db in try HubUpload.deleteOne(db, key: upload.id) }
            throw StorageFault(error, path: partURL(upload.id).path)
        }
        return upload
    }

    /// The device's own upload. Another device's or an unknown id is 404; an expired or failed
    /// one is 410, so the client starts a new one.
    func upload(_ id: String, device: HubDevice, now: Date = Date()) async throws -> HubUpload {
        guard let upload = try await writer.read({ db in try HubUpload.fetchOne(db, key: id) }), upload.deviceId == device.id else {
            throw Refusal.notFound
        }
        if upload.failedAt != nil || (upload.completedAt == nil && upload.expiresAt <= now) {
            throw Refusal(410, .uploadExpired, "This upload expired or failed its check. Start a new upload.")
        }
        return upload
    }

    /// Records how far an upload got; its expiry moves on with every step forward.
    func recordOffset(_ id: String, offset: Int64, lifetime: TimeInterval, now: Date = Date()) async throws -> HubUpload {
        try await writer.write { db in
            guard var upload = try HubUpload.fetchOne(db, key: id) else { throw Refusal.notFound }
            upload.offset = offset
            upload.updatedAt = now
            upload.expiresAt = now.addingTimeInterval(lifetime)
            try upload.update(db)
            return upload
        }
    }

    /// The whole blob is there and its hash is checked: move it into place and record it.
    func completeUpload(_ upload: HubUpload, now: Date = Date()) async throws -> HubUpload {
        do {
            // Sealed into blobs/ and the plaintext part file removed (see HubStore+Sealing).
            try sealBlob(from: partURL(upload.id), sha256: upload.sha256)
        } catch {
            if let fault = StorageFault.classify(error, path: blobsFolder.path) { throw fault }
            throw HubError.cannotCreateFolder(path: blobsFolder.path)
        }
        return try await writer.write { db in
            try db.execute(sql: "INSERT INTO blob (sha256, size, storedAt) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [upload.sha256, upload.length, now])
            try db.execute(sql: "INSERT INTO blobHolder (sha256, volunteerId, heldSince) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [upload.sha256, upload.volunteerId, now])
            var done = upload
            done.offset = upload.length
            done.completedAt = now
            done.updatedAt = now
            try done.update(db)
            return done
        }
    }

    /// The bytes did not hash to what the upload announced: drop them for good.
    func failUpload(_ upload: HubUpload, now: Date = Date()) async throws {
        try? FileManager.default.removeItem(at: partURL(upload.id))
        try await writer.write { db in
            try db.execute(sql: "UPDATE upload SET failedAt = ?, updatedAt = ? WHERE id = ?", arguments: [now, now, upload.id])
        }
    }

    /// Termination: the client gave up on this upload.
    func deleteUpload(_ upload: HubUpload) async throws {
        try? FileManager.default.removeItem(at: partURL(upload.id))
        _ = try await writer.write { db in try HubUpload.deleteOne(db, key: upload.id) }
    }

    /// The asked hashes this volunteer does not hold, in the order asked.
    func missingBlobs(_ hashes: [String], volunteerId: Int64) async throws -> [String] {
        try await writer.read { db in
            try Self.missingBlobs(hashes, volunteerId: volunteerId, db: db)
        }
    }

    static func missingBlobs(_ hashes: [String], volunteerId: Int64, db: Database) throws -> [String] {
        guard !hashes.isEmpty else { return [] }
        let held = try Set(String.fetchAll(db, sql: """
            SELECT sha256 FROM blobHolder WHERE volunteerId = ? AND sha256 IN (SELECT value FROM json_each(?))
            """, arguments: [volunteerId, String(decoding: try JSONEncoder().encode(hashes), as: UTF8.self)]))
        return hashes.filter { !held.contains($0) }
    }

    /// How old a part file without a row must be before the sweep deletes it.
    static let orphanGrace: TimeInterval = 10 * 60

    /// Removes uploads past their expiry, rows and part files. Returns how many went.
    @discardableResult
    public func sweepExpiredUploads(now: Date = Date()) async throws -> Int {
        let expired = try await writer.write { db in
            let rows = try HubUpload.filter(HubUpload.Columns.expiresAt <= now).fetchAll(db)
            _ = try HubUpload.filter(HubUpload.Columns.expiresAt <= now).deleteAll(db)
            return rows
        }
        for upload in expired {
            try? FileManager.default.removeItem(at: partURL(upload.id))
        }
        // A part file with no row (left by an older hub that made the file first) goes too.
        // The folder is listed before the rows are read: a row is written before its file, so
        // every file listed whose upload lives has its row in what is read next. The grace
        // period is a second guard, for a file made by anything else at that moment.
        let files = (try? FileManager.default.contentsOfDirectory(atPath: uploadsFolder.path)) ?? []
        let known = Set(try await writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM upload") })
        for file in files where file.hasSuffix(".part") && !known.contains(String(file.dropLast(".part".count))) {
            let url = uploadsFolder.appending(path: file)
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? nil
            guard let modified, now.timeIntervalSince(modified) > Self.orphanGrace else { continue }
            try? FileManager.default.removeItem(at: url)
        }
        return expired.count
    }

    /// Admin view: uploads not finished yet.
    public func openUploads() async throws -> [(id: String, volunteerId: Int64, offset: Int64, length: Int64, expiresAt: Date)] {
        try await writer.read { db in
            try HubUpload.filter(sql: "completedAt IS NULL AND failedAt IS NULL").order(Column("createdAt")).fetchAll(db)
                .map { ($0.id, $0.volunteerId, $0.offset, $0.length, $0.expiresAt) }
        }
    }
}

/// The part file of one upload, written as the bytes arrive.
struct UploadFile {
    let handle: FileHandle

    /// Opens the part file at `offset`: anything past it (bytes written before a crash but never
    /// recorded) is cut off, so the file always matches the recorded offset.
    init(url: URL, offset: Int64) throws {
        let handle: FileHandle
        do {
            handle = try FileHandle(forUpdating: url)
        } catch {
            if let fault = StorageFault.classify(error, path: url.path), fault.kind != .permissionDenied || FileManager.default.fileExists(atPath: url.path) {
                throw fault
            }
            throw Refusal(410, .uploadExpired, "This upload's data is gone. Start a new upload.")
        }
        do {
            try handle.truncate(atOffset: UInt64(offset))
            try handle.seekToEnd()
        } catch {
            try? handle.close()
            throw StorageFault(error, path: url.path)
        }
        self.handle = handle
    }

    func append(_ bytes: some Sequence<UInt8>) throws {
        try handle.write(contentsOf: Data(bytes))
    }

    /// Flushes to the disk, so that a recorded offset is never ahead of the bytes.
    func synchronize() throws {
        try handle.synchronize()
    }

    func close() {
        try? handle.close()
    }

    /// SHA-256 of a whole file, read in pieces.
    static func sha256Hex(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return Hashes.hex(hasher.finalize())
    }

    static func synchronizeFolder(_ folder: URL) {
        let descriptor = Glibc.open(folder.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = Glibc.close(descriptor)
    }
}
