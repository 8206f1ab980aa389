import Foundation
import GRDB
import SoTayWire
#if canImport(Glibc)
import Glibc
#endif

/// Personal data at rest: the data key is checked when the store opens, values are sealed
/// before they reach SQLite and opened only where a person reads them (`sotay-hub dossiers`),
/// blob files are sealed once their hash is checked. See `Sealer` and README "The data key".
extension HubStore {
    /// Reads (or, for a database that holds nothing sealed yet, makes) the data key, and checks
    /// that it is the one that sealed this database before anything is decrypted.
    static func unlock(_ pool: DatabasePool, keyFile: URL) throws -> Sealer {
        let stored = try pool.read { db -> String? in
            guard try db.tableExists("hubSealing") else { return nil }
            return try String.fetchOne(db, sql: "SELECT keyCheck FROM hubSealing WHERE id = 1")
        }
        let key = try HubSealingKey.load(at: keyFile, mayCreate: stored == nil)
        if let stored, stored != key.check { throw HubError.sealing(.wrongKey(path: keyFile.path)) }
        return Sealer(key: key)
    }

    /// After the migrations: when `v5-sealed` has just sealed rows that were stored in clear,
    /// rebuild the file (VACUUM) and empty the WAL, so that no old page still holds them; then
    /// seal the blob files stored before it, once.
    func finishSealing(sealedJustNow: Bool) throws {
        if sealedJustNow {
            try writer.vacuum()
            try writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
        let blobsSealed = try writer.read { db in try Bool.fetchOne(db, sql: "SELECT blobsSealedAt IS NOT NULL FROM hubSealing WHERE id = 1") }
        guard blobsSealed == false else { return }
        let fileManager = FileManager.default
        for shard in (try? fileManager.contentsOfDirectory(atPath: blobsFolder.path)) ?? [] {
            for name in (try? fileManager.contentsOfDirectory(atPath: blobsFolder.appending(path: shard).path)) ?? [] where !name.hasPrefix(".") {
                // A file still in clear is exactly the one whose bytes hash to its name.
                let url = blobsFolder.appending(path: shard).appending(path: name)
                guard (try? UploadFile.sha256Hex(of: url)) == name else { continue }
                try sealBlob(from: url, sha256: name, replacing: true)
            }
        }
        try writer.write { db in try db.execute(sql: "UPDATE hubSealing SET blobsSealedAt = ? WHERE id = 1", arguments: [Date()]) }
    }

    /// Seals a checked blob file into its place in `blobs/` (written aside, then renamed, so the
    /// name never shows a half-written file) and removes the plaintext.
    func sealBlob(from plaintext: URL, sha256: String, replacing: Bool = false) throws {
        try SealedBlob.store(plaintext, at: blobURL(sha256: sha256), name: sha256, sealer: sealer, replacing: replacing)
    }

    // MARK: - Reading what a person reads

    func unsealed(_ dossier: HubDossier) throws(HubError) -> HubDossier {
        var dossier = dossier
        if let sealed = dossier.residentName {
            dossier.residentName = try open(sealed, at: .residentName(dossier: dossier.id))
        }
        return dossier
    }

    func unsealed(_ revision: HubRevision) throws(HubError) -> HubRevision {
        var revision = revision
        revision.body = try open(revision.body, at: .revisionBody(dossier: revision.dossierId, revision: revision.revision))
        return revision
    }

    func seal(_ text: String, at place: Sealer.Place) throws(HubError) -> String {
        do { return try sealer.seal(text, at: place) } catch { throw .sealing(error) }
    }

    private func open(_ sealed: String, at place: Sealer.Place) throws(HubError) -> String {
        do { return try sealer.open(sealed, at: place) } catch { throw .sealing(error) }
    }

    /// The bytes of a stored blob, opened. For a file the size of a photo; `exportBlob` streams.
    public func blobData(sha256: String) throws(HubError) -> Data {
        var data = Data()
        try openBlob(sha256) { data.append($0) }
        return data
    }

    /// Writes a stored blob, opened, to `destination` (mode 0600). The file appears whole or not at all.
    public func exportBlob(sha256: String, to destination: URL) throws(HubError) {
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appending(path: ".\(destination.lastPathComponent).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary.path)
        else { throw .cannotCreateFolder(path: folder.path) }
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try openBlob(sha256) { try handle.write(contentsOf: $0) }
        } catch {
            try? handle.close()
            throw error
        }
        do { try handle.close() } catch { throw .diskFull }
        guard rename(temporary.path, destination.path) == 0 else { throw .cannotCreateFolder(path: folder.path) }
    }

    private func openBlob(_ sha256: String, sink: (Data) throws -> Void) throws(HubError) {
        let url = blobURL(sha256: sha256)
        guard Identifiers.isSHA256(sha256), FileManager.default.fileExists(atPath: url.path) else { throw .blobNotFound(sha256) }
        do {
            try SealedBlob.open(url, name: sha256, sealer: sealer, sink: sink)
        } catch let error as HubSealingError {
            throw .sealing(error)
        } catch let error as HubError {
            throw error
        } catch {
            throw .cannotOpen(path: url.path)
        }
    }
}

extension HubStore {
    /// The file the data key was read from.
    public var dataKeyFile: URL { sealer.dataKey.url }
    /// Tells keys apart (`sotay-hub key check`) without showing them.
    public var dataKeyFingerprint: String { sealer.dataKey.fingerprint }
}
