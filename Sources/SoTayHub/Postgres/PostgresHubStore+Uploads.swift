import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PostgresNIO
import SoTayWire

/// Blobs and tus uploads on PostgreSQL: the rows in the database, the bytes in the data folder
/// as on SQLite (`uploads/<id>.part` while they arrive, `blobs/ab/abcdef…` sealed once checked),
/// so every `serve` process finds them when that folder is shared.
extension PostgresHubStore: HubUploadRepository {
    var uploadsFolder: URL { directory.appending(path: "uploads") }
    var blobsFolder: URL { directory.appending(path: "blobs") }

    func partURL(_ uploadID: String) -> URL { uploadsFolder.appending(path: uploadID + ".part") }

    /// Where a verified blob lives: `blobs/ab/abcdef…`, the SQLite hub's layout.
    public func blobURL(sha256: String) -> URL {
        blobsFolder.appending(path: String(sha256.prefix(2))).appending(path: sha256)
    }

    /// The row first, then the part file (as on SQLite: the sweep removes part files without a
    /// row). The quota is counted and the row inserted under a lock on the device, so creations
    /// through two processes at once cannot both pass the check.
    func createUpload(length: Int64, sha256: String, device: HubDevice, lifetime: TimeInterval, quota: UploadQuota, now: Date) async throws -> HubUpload {
        let upload = HubUpload(id: Secrets.newUploadID(), deviceId: device.id, volunteerId: device.volunteerId, length: length, offset: 0,
                               sha256: sha256, createdAt: now, updatedAt: now, expiresAt: now.addingTimeInterval(lifetime), completedAt: nil, failedAt: nil)
        do {
            try FileManager.default.createDirectory(at: uploadsFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StorageFault(error, path: uploadsFolder.path)
        }
        let logger = logger
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(device.id), 2))", logger: logger)
            let counted = try await connection.rows("""
                SELECT COUNT(*) AS open, COALESCE(SUM(length), 0)::bigint AS total FROM upload
                WHERE device_id = \(device.id) AND completed_at IS NULL AND failed_at IS NULL AND expires_at > \(now)
                """, logger: logger).first
            try quota.check(open: Int(try counted?.value("open", Int64.self) ?? 0), total: try counted?.value("total", Int64.self) ?? 0, adding: length)
            try await connection.query("""
                INSERT INTO upload (id, device_id, volunteer_id, length, "offset", sha256, created_at, updated_at, expires_at)
                VALUES (\(upload.id), \(upload.deviceId), \(upload.volunteerId), \(length), 0, \(sha256), \(now), \(now), \(upload.expiresAt))
                """, logger: logger)
        }
        do {
            try Data().write(to: partURL(upload.id), options: .withoutOverwriting)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partURL(upload.id).path)
        } catch {
            _ = try? await rows("DELETE FROM upload WHERE id = \(upload.id)")
            throw StorageFault(error, path: partURL(upload.id).path)
        }
        return upload
    }

    func upload(_ id: String, device: HubDevice, now: Date) async throws -> HubUpload {
        guard let upload = try await fetchUpload(id), upload.deviceId == device.id else { throw Refusal.notFound }
        if upload.failedAt != nil || (upload.completedAt == nil && upload.expiresAt <= now) {
            throw Refusal(410, .uploadExpired, "This upload expired or failed its check. Start a new upload.")
        }
        return upload
    }

    func recordOffset(_ id: String, offset: Int64, lifetime: TimeInterval, now: Date) async throws -> HubUpload {
        let rows = try await rows("""
            UPDATE upload SET "offset" = \(offset), updated_at = \(now), expires_at = \(now.addingTimeInterval(lifetime))
            WHERE id = \(id) RETURNING \(unescaped: Self.uploadColumns)
            """)
        guard let row = rows.first else { throw Refusal.notFound }
        return try Self.upload(row)
    }

    func completeUpload(_ upload: HubUpload, now: Date) async throws -> HubUpload {
        do {
            try sealBlob(from: partURL(upload.id), sha256: upload.sha256)
        } catch {
            if let fault = StorageFault.classify(error, path: blobsFolder.path) { throw fault }
            throw HubError.cannotCreateFolder(path: blobsFolder.path)
        }
        let logger = logger
        return try await transaction { connection in
            try await connection.query("INSERT INTO blob (sha256, size, stored_at) VALUES (\(upload.sha256), \(upload.length), \(now)) ON CONFLICT DO NOTHING",
                                       logger: logger)
            try await connection.query("""
                INSERT INTO blob_holder (sha256, volunteer_id, held_since) VALUES (\(upload.sha256), \(upload.volunteerId), \(now)) ON CONFLICT DO NOTHING
                """, logger: logger)
            try await connection.query("""
                UPDATE upload SET "offset" = length, completed_at = \(now), updated_at = \(now) WHERE id = \(upload.id)
                """, logger: logger)
            var done = upload
            done.offset = upload.length
            done.completedAt = now
            done.updatedAt = now
            return done
        }
    }

    func failUpload(_ upload: HubUpload, now: Date) async throws {
        try? FileManager.default.removeItem(at: partURL(upload.id))
        _ = try await rows("UPDATE upload SET failed_at = \(now), updated_at = \(now) WHERE id = \(upload.id)")
    }

    func deleteUpload(_ upload: HubUpload) async throws {
        try? FileManager.default.removeItem(at: partURL(upload.id))
        _ = try await rows("DELETE FROM upload WHERE id = \(upload.id)")
    }

    func missingBlobs(_ hashes: [String], volunteerId: Int64) async throws -> [String] {
        guard !hashes.isEmpty else { return [] }
        let held = Set(try await rows("SELECT sha256 FROM blob_holder WHERE volunteer_id = \(volunteerId) AND sha256 = ANY(\(hashes))")
            .map { try $0.value("sha256", String.self) })
        return hashes.filter { !held.contains($0) }
    }

    @discardableResult
    public func sweepExpiredUploads(now: Date) async throws -> Int {
        let expired = try await rows("DELETE FROM upload WHERE expires_at <= \(now) RETURNING id").map { try $0.value("id", String.self) }
        for id in expired {
            try? FileManager.default.removeItem(at: partURL(id))
        }
        // Part files without a row, older than the grace period (see HubStore.sweepExpiredUploads):
        // the folder is listed before the rows are read, and a row is always written before its file.
        let files = (try? FileManager.default.contentsOfDirectory(atPath: uploadsFolder.path)) ?? []
        guard !files.isEmpty else { return expired.count }
        let known = Set(try await rows("SELECT id FROM upload").map { try $0.value("id", String.self) })
        for file in files where file.hasSuffix(".part") && !known.contains(String(file.dropLast(".part".count))) {
            let url = uploadsFolder.appending(path: file)
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? nil
            guard let modified, now.timeIntervalSince(modified) > HubStore.orphanGrace else { continue }
            try? FileManager.default.removeItem(at: url)
        }
        return expired.count
    }

    // MARK: - Rows and files

    static let uploadColumns = #"id, device_id, volunteer_id, length, "offset", sha256, created_at, updated_at, expires_at, completed_at, failed_at"#

    func fetchUpload(_ id: String) async throws -> HubUpload? {
        try await rows("SELECT \(unescaped: Self.uploadColumns) FROM upload WHERE id = \(id)").first.map(Self.upload)
    }

    static func upload(_ row: PostgresRandomAccessRow) throws -> HubUpload {
        HubUpload(id: try row.value("id"), deviceId: try row.value("device_id"), volunteerId: try row.value("volunteer_id"),
                  length: try row.value("length"), offset: try row.value("offset"), sha256: try row.value("sha256"),
                  createdAt: try row.value("created_at"), updatedAt: try row.value("updated_at"), expiresAt: try row.value("expires_at"),
                  completedAt: try row.value("completed_at"), failedAt: try row.value("failed_at"))
    }

    /// Seals a checked blob into `blobs/` (written aside, then renamed) and removes the
    /// plaintext; the same bytes stored before (by any process) are kept as they are.
    func sealBlob(from plaintext: URL, sha256: String) throws {
        try SealedBlob.store(plaintext, at: blobURL(sha256: sha256), name: sha256, sealer: sealer)
    }
}
