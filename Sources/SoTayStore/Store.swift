import Foundation
import GRDB
import SoTayCore

/// The volunteer's local store: one SQLite file (WAL) in the data folder.
///
/// Every write is one transaction that is on disk when the call returns (`synchronous = FULL`),
/// so a killed process or a flat battery loses nothing that was accepted.
public struct Store: Sendable {
    public let directory: URL
    public let databaseURL: URL
    let writer: any DatabaseWriter
    /// The unwrapped data key, once the passphrase was given (`unlocked(passphrase:)`). Without
    /// it the store still lists, counts and reports on metadata; personal data stays sealed.
    var vault: Vault?

    /// Opens (and creates, or migrates) the store in `directory`.
    public static func open(directory: URL) throws(StoreError) -> Store {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotCreateFolder(path: directory.path)
        }
        let databaseURL = directory.appending(path: "sotay.sqlite")
        if !fileManager.fileExists(atPath: databaseURL.path) {
            // SQLite gives the -wal and -shm files the main file's permissions: owner only.
            _ = fileManager.createFile(atPath: databaseURL.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Deleted rows (a purge, a deleted draft) are overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        do {
            let pool = try DatabasePool(path: databaseURL.path, configuration: configuration)
            let migrator = Migrations.migrator
            if try pool.read(migrator.hasBeenSuperseded) {
                throw StoreError.newerSchema(path: databaseURL.path)
            }
            try migrator.migrate(pool)
            return Store(directory: directory, databaseURL: databaseURL, writer: pool, vault: nil)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Store.translate(error, path: databaseURL.path)
        }
    }

    /// Translates a foreign error where it leaves the module.
    static func translate(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else { return .unexpected(String(describing: type(of: error))) }
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notADatabase(path: path)
        case .SQLITE_FULL: return .diskFull
        case .SQLITE_READONLY: return .readOnly(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: return .cannotOpen(path: path)
        default: return .unexpected("SQLite \(error.resultCode.rawValue)")
        }
    }

    func write<T>(_ updates: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.write(updates)
        } catch {
            throw Store.translate(error, path: databaseURL.path)
        }
    }

    func read<T>(_ value: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.read(value)
        } catch {
            throw Store.translate(error, path: databaseURL.path)
        }
    }
}

// MARK: - The volunteer's profile

extension Store {
    public func profile() throws(StoreError) -> VolunteerProfile? {
        try read { db in try VolunteerProfile.fetchOne(db) }
    }

    public func saveProfile(_ profile: VolunteerProfile) throws(StoreError) {
        try write { db in try profile.save(db) }
    }
}
