import Foundation
import Logging
import PostgresNIO
@testable import SoTayHub
import SoTayWire
import Testing

/// The two stores every conformance test runs against.
///
/// PostgreSQL is reached through `SOTAY_TEST_POSTGRES_URL` (a cluster `scripts/pg-test-cluster.sh`
/// or `make test` started). Under `make test` (`SOTAY_TEST_POSTGRES_REQUIRED=1`) a missing URL
/// fails every PostgreSQL case; a suite run by hand without it runs the SQLite cases only, and
/// `PostgresBackendTests` shows as skipped with the reason.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static let postgresURL = ProcessInfo.processInfo.environment["SOTAY_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let postgresRequired = ProcessInfo.processInfo.environment["SOTAY_TEST_POSTGRES_REQUIRED"] == "1"

    /// The backends this run tests.
    static var enabled: [Backend] {
        postgresURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite]
    }
}

enum BackendError: Error, CustomStringConvertible {
    case postgresMissing

    var description: String {
        "SOTAY_TEST_POSTGRES_REQUIRED=1 but SOTAY_TEST_POSTGRES_URL is unset: run the tests through make test or scripts/with-pg-test-cluster.sh"
    }
}

/// One fresh store on a backend: a temp data folder, and for PostgreSQL a database of its own.
struct StoreUnderTest: Sendable {
    let backend: Backend
    let directory: URL
    let repository: any HubRepository
    let sqlite: HubStore?
    let postgres: PostgresHubStore?
    /// The PostgreSQL database of this store.
    var databaseURL: String? = nil

    static func make(_ backend: Backend, directory: URL? = nil) async throws -> StoreUnderTest {
        let directory = directory ?? FileManager.default.temporaryDirectory.appending(path: "sotay-conformance-\(UUID().uuidString)")
        switch backend {
        case .sqlite:
            let store = try HubStore.open(directory: directory)
            return StoreUnderTest(backend: backend, directory: directory, repository: store, sqlite: store, postgres: nil)
        case .postgres:
            let url = try await freshDatabase()
            let store = try await PostgresHubStore.open(url: url, directory: directory, logger: quietLogger)
            return StoreUnderTest(backend: backend, directory: directory, repository: store, sqlite: nil, postgres: store, databaseURL: url)
        }
    }

    /// Another store on the same database and data folder: a second `serve` process.
    func second() async throws -> StoreUnderTest {
        switch backend {
        case .sqlite: return try await Self.make(.sqlite, directory: directory)
        case .postgres:
            guard let url = databaseURL else { throw BackendError.postgresMissing }
            let store = try await PostgresHubStore.open(url: url, directory: directory, logger: quietLogger)
            return StoreUnderTest(backend: backend, directory: directory, repository: store, sqlite: nil, postgres: store, databaseURL: url)
        }
    }

    func close(removingFolder: Bool = true) async {
        await postgres?.close()
        if removingFolder { try? FileManager.default.removeItem(at: directory) }
    }

    /// A column of one row as stored, for checks of what is at rest (sealed values).
    func rawText(_ sql: (sqlite: String, postgres: String), _ key: String) async throws -> String? {
        if let sqlite {
            return try await sqlite.writer.read { db in try String.fetchOne(db, sql: sql.sqlite, arguments: [key]) }
        }
        guard let postgres else { return nil }
        return try await postgres.rows(PostgresQuery(unsafeSQL: sql.postgres, binds: try binds(key))).first?.value(String.self)
    }

    /// Runs a statement straight on the database, as someone with a database shell would.
    func rawExecute(_ sql: (sqlite: String, postgres: String)) async throws {
        if let sqlite {
            try await sqlite.writer.write { db in try db.execute(sql: sql.sqlite) }
        } else if let postgres {
            _ = try await postgres.client.query(PostgresQuery(unsafeSQL: sql.postgres))
        }
    }

    private func binds(_ key: String) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(key)
        return binds
    }
}

extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ type: T.Type) throws -> T { try self[0].decode(T.self) }
}

let quietLogger: Logger = {
    var logger = Logger(label: "conformance")
    logger.logLevel = .critical
    return logger
}()

/// Makes a database of its own for one test on the cluster at `SOTAY_TEST_POSTGRES_URL`.
func freshDatabase() async throws -> String {
    guard let base = Backend.postgresURL, var components = URLComponents(string: base) else { throw BackendError.postgresMissing }
    // A name made here of hex digits only: identifiers cannot be bound.
    let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let admin = try PostgresTarget(base)
    let client = PostgresClient(configuration: admin.configuration, backgroundLogger: quietLogger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        group.cancelAll()
    }
    components.path = "/" + name
    guard let url = components.string else { throw BackendError.postgresMissing }
    return url
}

