import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The hub's store on PostgreSQL: one database for a province's communes, shared by any number
/// of `sotay-hub serve` processes. Same repository protocols as `HubStore` (SQLite), same
/// sealing of personal data with the hub's data key, same append-only audit log.
///
/// Every statement binds its values as parameters (`PostgresQuery` interpolation); no value is
/// ever spliced into SQL text. Blobs stay files in the data folder, content-addressed, so that
/// folder can sit on storage the processes share.
public final class PostgresHubStore: Sendable {
    public let directory: URL
    public let signingKey: HubSigningKey
    /// The database as messages name it: host, port and database, never the password.
    public let displayName: String
    let client: PostgresClient
    let sealer: Sealer
    let logger: Logger
    private let runner: Task<Void, Never>

    private init(directory: URL, signingKey: HubSigningKey, displayName: String, client: PostgresClient, sealer: Sealer, logger: Logger,
                 runner: Task<Void, Never>) {
        self.directory = directory
        self.signingKey = signingKey
        self.displayName = displayName
        self.client = client
        self.sealer = sealer
        self.logger = logger
        self.runner = runner
    }

    /// Connects to `url` (`postgres://user:password@host:port/database`, `?sslmode=require` for
    /// TLS), migrates the schema under an advisory lock, and checks the data key (`keyFile`, by
    /// default `hub-data.key` in `directory`) against the one that sealed the database.
    /// A database that does not answer within `giveUpAfter` is `cannotOpen`.
    public static func open(url: String, directory: URL, keyFile: URL? = nil, logger: Logger = Logger(label: "sotay-hub.postgres"),
                            giveUpAfter: Duration = .seconds(15)) async throws(HubError) -> PostgresHubStore {
        let target = try PostgresTarget(url)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotCreateFolder(path: directory.path)
        }
        let signingKey = try HubSigningKey.loadOrCreate(in: directory)
        let client = PostgresClient(configuration: target.configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        do {
            // A database that does not answer is one clear error after a while, not a wait forever.
            let name = target.displayName
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await migrate(client, logger: logger, name: name) }
                group.addTask {
                    try await Task.sleep(for: giveUpAfter)
                    throw HubError.cannotOpen(path: name)
                }
                try await group.next()
                group.cancelAll()
            }
            let sealer = try await unlock(client, keyFile: keyFile ?? directory.appending(path: HubSealingKey.defaultFileName), logger: logger)
            return PostgresHubStore(directory: directory, signingKey: signingKey, displayName: target.displayName, client: client, sealer: sealer,
                                    logger: logger, runner: runner)
        } catch {
            runner.cancel()
            switch translate(error, name: target.displayName) {
            case let error as HubError: throw error
            case let error as HubSealingError: throw .sealing(error)
            case let fault as StorageFault: throw .storage(fault)
            case let other: throw .unexpected(String(describing: type(of: other)))
            }
        }
    }

    /// Closes the connections. The store cannot be used after.
    public func close() async {
        runner.cancel()
        _ = await runner.result
    }

    private static func migrate(_ client: PostgresClient, logger: Logger, name: String) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS hub_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)",
                                       logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM hub_migration", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            let known = Set(PostgresMigrations.all.map(\.version))
            if !applied.subtracting(known).isEmpty { throw HubError.newerSchema(path: name) }
            for migration in PostgresMigrations.all where !applied.contains(migration.version) {
                for statement in migration.sql {
                    // Constant schema text from this file: no value of anyone's is in it.
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO hub_migration (version, name, applied_at) VALUES (\(migration.version), \(migration.name), \(Date()))",
                                           logger: logger)
            }
        }
    }

    /// Reads (or, for a database that holds nothing sealed yet, makes) the data key, and checks
    /// it is the one that sealed this database. Two processes starting at once agree: the first
    /// check row written wins, and the other compares against it.
    private static func unlock(_ client: PostgresClient, keyFile: URL, logger: Logger) async throws -> Sealer {
        let stored = try await client.query("SELECT key_check FROM hub_sealing WHERE id = 1", logger: logger).decode(String.self).first { _ in true }
        let key = try HubSealingKey.load(at: keyFile, mayCreate: stored == nil)
        if stored == nil {
            try await client.query("INSERT INTO hub_sealing (id, key_check, created_at) VALUES (1, \(key.check), \(Date())) ON CONFLICT (id) DO NOTHING",
                                   logger: logger)
        }
        let check = try await client.query("SELECT key_check FROM hub_sealing WHERE id = 1", logger: logger).decode(String.self).first { _ in true }
        guard check == key.check else { throw HubError.sealing(.wrongKey(path: keyFile.path)) }
        return Sealer(key: key)
    }

    // MARK: - Running statements

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws
    /// (the error it threw comes out, not the driver's wrapper).
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw Self.translate(error.closureError ?? error.beginError ?? error.commitError ?? error, name: displayName)
        } catch {
            throw Self.translate(error, name: displayName)
        }
    }

    /// All rows of one statement, outside a transaction.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        do {
            return try await client.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
        } catch {
            throw Self.translate(error, name: displayName)
        }
    }

    static func translate(_ error: any Error, name: String) -> any Error {
        if error is HubError || error is StorageFault || error is HubSealingError || error is ActivityOwnedByAnother || error is Refusal { return error }
        if let error = error as? PostgresTransactionError {
            return translate(error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? HubError.unexpected("PostgreSQL"),
                             name: name)
        }
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState] {
                switch state {
                case "40001", "40P01", "55P03": return HubError.busy
                case "53100": return HubError.diskFull
                case "3D000", "28P01", "28000", "42501": return HubError.cannotOpen(path: name)
                default: return HubError.unexpected("PostgreSQL \(state)")
                }
            }
            return HubError.cannotOpen(path: name)
        }
        if error is CancellationError { return error }
        return HubError.unexpected(String(describing: type(of: error)))
    }
}

/// A rows helper: one column by name.
extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ name: String, _ type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }
}

extension PostgresConnection {
    /// All rows of one statement in this transaction.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await self.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }
}

/// Where the database is, read from `postgres://user:password@host:port/database?sslmode=…`.
struct PostgresTarget {
    let configuration: PostgresClient.Configuration
    let displayName: String

    init(_ text: String) throws(HubError) {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? "") else {
            throw .invalidDatabaseURL
        }
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let user = url.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = url.password.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let database = String(url.path.drop(while: { $0 == "/" })).removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }
        var configuration: PostgresClient.Configuration
        if let socket = query["host"], socket.hasPrefix("/") {
            configuration = .init(unixSocketPath: socket, username: user, password: password, database: database)
            displayName = "postgres \(socket)/\(database ?? user)"
        } else {
            let host = url.host ?? "localhost"
            let port = url.port ?? 5432
            let tls: PostgresClient.Configuration.TLS
            switch query["sslmode"] ?? "prefer" {
            case "disable": tls = .disable
            case "require", "verify-full", "verify-ca": tls = .require(.makeClientConfiguration())
            default: tls = .prefer(.makeClientConfiguration())
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
            displayName = "postgres://\(host):\(port)/\(database ?? user)"
        }
        configuration.options.connectTimeout = .seconds(5)
        self.configuration = configuration
    }
}

extension PostgresHubStore {
    /// The file the data key was read from (opening the store checked it against the database).
    public var dataKeyFile: URL { sealer.dataKey.url }
    /// Tells keys apart (`sotay-hub key check`) without showing them.
    public var dataKeyFingerprint: String { sealer.dataKey.fingerprint }
}
