import Foundation
import GRDB
import SoTayWire

/// The hub's own store: one SQLite file (WAL) in the data folder, beside its signing key.
///
/// The server and the admin commands open the same folder at the same time; SQLite's locking
/// and a busy timeout make that safe, and every change is one transaction.
public struct HubStore: Sendable {
    public let directory: URL
    public let databaseURL: URL
    public let signingKey: HubSigningKey
    /// Seals the residents' personal data with the data key (`keyFile`, outside the database).
    let sealer: Sealer
    let writer: DatabasePool
    /// The dossiers' and activities' writes, committed in groups (see `GroupCommit`).
    let grouped: GroupCommit
    /// The console's sign-in sessions (see `ConsoleSessionTable`).
    let consoleSessions = ConsoleSessionTable()

    /// Opens the store in `directory`. `keyFile` is the data key's file, by default
    /// `hub-data.key` in `directory`; it is made at first start, and must be there, and be the
    /// same key, once the database holds sealed data.
    public static func open(directory: URL, keyFile: URL? = nil) throws(HubError) -> HubStore {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotCreateFolder(path: directory.path)
        }
        let databaseURL = directory.appending(path: "hub.sqlite")
        if !fileManager.fileExists(atPath: databaseURL.path) {
            _ = fileManager.createFile(atPath: databaseURL.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let key = try HubSigningKey.loadOrCreate(in: directory)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            let pool = try DatabasePool(path: databaseURL.path, configuration: configuration)
            let sealer = try unlock(pool, keyFile: keyFile ?? directory.appending(path: HubSealingKey.defaultFileName))
            var migrator = HubMigrations.migrator
            HubMigrations.registerSealed(&migrator, sealer: sealer)
            HubMigrations.registerEnrolmentAudit(&migrator)
            HubMigrations.registerConsole(&migrator)
            if try pool.read(migrator.hasBeenSuperseded) { throw HubError.newerSchema(path: databaseURL.path) }
            let sealsNow = try pool.read { db in try !migrator.appliedIdentifiers(db).contains(HubMigrations.sealed) }
            try migrator.migrate(pool)
            let store = HubStore(directory: directory, databaseURL: databaseURL, signingKey: key, sealer: sealer, writer: pool,
                                 grouped: GroupCommit(pool: pool))
            try store.finishSealing(sealedJustNow: sealsNow)
            return store
        } catch {
            throw translate(error, path: databaseURL.path)
        }
    }

    /// Fails with the reason in words when the data folder cannot be written: `serve` checks
    /// this before it listens, so a read-only or full disk is one clear line at start, not an
    /// error on the first upload.
    public func checkWritable() async throws(HubError) {
        let probe = directory.appending(path: ".write-check-\(UUID().uuidString)")
        do {
            try Data("ok".utf8).write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            try? FileManager.default.removeItem(at: probe)
            throw .storage(StorageFault(error, path: directory.path))
        }
        do {
            // A write transaction that changes nothing still needs the database writable.
            try await writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "DELETE FROM upload WHERE 0")
                    return .commit
                }
            }
        } catch {
            throw Self.translate(error, path: databaseURL.path)
        }
    }

    static func translate(_ error: any Error, path: String) -> HubError {
        if let error = error as? HubError { return error }
        if let fault = error as? StorageFault { return .storage(fault) }
        if let error = error as? HubSealingError { return .sealing(error) }
        guard let error = error as? DatabaseError else { return .unexpected(String(describing: type(of: error))) }
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notADatabase(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy
        case .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_IOERR: return .storage(StorageFault(error, path: path))
        case .SQLITE_CANTOPEN, .SQLITE_PERM:
            // SQLite does not say why; the folder does (mounted read-only, full, not ours).
            guard let kind = StorageFault.probe(path) else { return .cannotOpen(path: path) }
            return .storage(StorageFault(kind: kind, path: path, detail: "SQLite \(error.extendedResultCode.rawValue)"))
        default: return .unexpected("SQLite \(error.resultCode.rawValue)")
        }
    }

    func write<T>(_ updates: (Database) throws -> T) throws(HubError) -> T {
        do {
            return try writer.write(updates)
        } catch {
            throw Self.translate(error, path: databaseURL.path)
        }
    }

    func read<T>(_ value: (Database) throws -> T) throws(HubError) -> T {
        do {
            return try writer.read(value)
        } catch {
            throw Self.translate(error, path: databaseURL.path)
        }
    }
}
