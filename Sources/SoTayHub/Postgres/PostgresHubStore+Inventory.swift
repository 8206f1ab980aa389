import Foundation
import PostgresNIO
import SoTayWire

/// The IT person's reads on a province hub: across every commune, or one by name.
extension PostgresHubStore: HubInventoryRepository {
    public func dossiers(status: DossierStatus?, commune: String?) async throws -> [HubDossier] {
        var only: Int64?
        if let commune {
            guard let id = try await communeID(named: commune) else { throw HubError.communeNotFound(commune) }
            only = id
        }
        return try await rows("""
            SELECT * FROM dossier
            WHERE (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(only)::bigint IS NULL OR commune_id = \(only))
            ORDER BY updated_at DESC, id
            """).map { row in try unsealed(try Self.dossier(row)) }
    }

    public func enrolledDevices() async throws -> [HubDevice] {
        try await devices()
    }

    public func volunteerName(_ id: Int64) async throws -> String? {
        try await rows("SELECT name FROM volunteer WHERE id = \(id)").first?.value("name")
    }

    /// Opened from the shared `blobs/` folder with the data key, a chunk at a time, into a
    /// hidden file beside `destination` that is renamed into place once whole.
    public func exportBlob(sha256: String, to destination: URL) async throws {
        let source = blobURL(sha256: sha256)
        guard Identifiers.isSHA256(sha256), FileManager.default.fileExists(atPath: source.path) else { throw HubError.blobMissing(sha256) }
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appending(path: ".\(destination.lastPathComponent).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary.path)
        else { throw HubError.cannotCreateFolder(path: folder.path) }
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try SealedBlob.open(source, name: sha256, sealer: sealer) { try handle.write(contentsOf: $0) }
        } catch let error as HubSealingError {
            try? handle.close()
            throw HubError.sealing(error)
        } catch let error as HubError {
            try? handle.close()
            throw error
        } catch {
            try? handle.close()
            throw HubError.diskFull
        }
        do { try handle.close() } catch { throw HubError.diskFull }
        guard rename(temporary.path, destination.path) == 0 else { throw HubError.cannotCreateFolder(path: folder.path) }
    }
}
