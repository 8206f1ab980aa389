import Foundation
@testable import SoTayHub
import Testing

/// What only the PostgreSQL store has: several processes opening one database, a database URL.
/// Shown as skipped, with the reason, when a suite is run by hand without a cluster.
@Suite("PostgreSQL store", .enabled(if: Backend.postgresURL != nil || Backend.postgresRequired,
                                    "SOTAY_TEST_POSTGRES_URL is unset: the PostgreSQL cases do not run. Run make test, or scripts/with-pg-test-cluster.sh swift test --skip-build --filter SoTayHubConformanceTests"))
struct PostgresBackendTests {
    @Test func processesStartingTogetherMigrateOnceAndAgreeOnTheDataKey() async throws {
        let url = try await freshDatabase()
        let directory = FileManager.default.temporaryDirectory.appending(path: "sotay-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stores = try await withThrowingTaskGroup(of: PostgresHubStore.self) { group in
            for _ in 0..<3 { group.addTask { try await PostgresHubStore.open(url: url, directory: directory, logger: quietLogger) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 3)
        let applied = try await stores[0].rows("SELECT count(*) FROM hub_migration").first?.value(Int64.self)
        #expect(applied == Int64(PostgresMigrations.all.count))
        for store in stores { await store.close() }

        // Another data key on the same database is refused before anything is read.
        let otherFolder = FileManager.default.temporaryDirectory.appending(path: "sotay-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: otherFolder) }
        try FileManager.default.createDirectory(at: otherFolder, withIntermediateDirectories: true)
        _ = try HubSealingKey.create(at: otherFolder.appending(path: HubSealingKey.defaultFileName))
        let refused = await #expect(throws: HubError.self) {
            _ = try await PostgresHubStore.open(url: url, directory: otherFolder, logger: quietLogger)
        }
        guard case .sealing(.wrongKey) = refused else { Issue.record("another data key was not refused: \(String(describing: refused))"); return }
    }

    @Test func aWrongDatabaseURLIsOneClearError() async throws {
        let wrong = #expect(throws: HubError.self) { _ = try PostgresTarget("mysql://nobody@localhost/x") }
        guard case .invalidDatabaseURL = wrong else { Issue.record("a mysql:// URL was taken"); return }
        let unreachable = "postgres://sotay@127.0.0.1:1/none?sslmode=disable"
        let directory = FileManager.default.temporaryDirectory.appending(path: "sotay-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let closed = await #expect(throws: HubError.self) {
            _ = try await PostgresHubStore.open(url: unreachable, directory: directory, logger: quietLogger, giveUpAfter: .seconds(2))
        }
        guard case .cannotOpen(let name) = closed else { Issue.record("an unreachable database: \(String(describing: closed))"); return }
        #expect(name == "postgres://127.0.0.1:1/none")
    }

    @Test func failuresCountAcrossProcessesSoConcurrentGuessesGetNoMoreTries() async throws {
        let url = try await freshDatabase()
        let directory = FileManager.default.temporaryDirectory.appending(path: "sotay-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await PostgresHubStore.open(url: url, directory: directory, logger: quietLogger)
        let second = try await PostgresHubStore.open(url: url, directory: directory, logger: quietLogger)
        let limiters = [first, second].map { PostgresFailureLimiter(store: $0, scope: "enroll", limit: 5, window: 900) }
        // 40 guesses at once from one address, half through each process: 5 go ahead.
        let passed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 { group.addTask { try await limiters[index % 2].countAttempt("203.0.113.9") == nil } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(passed == 5)
        let wait = try #require(try await limiters[1].waitBeforeTrying("203.0.113.9"))
        #expect((1...900).contains(wait))
        // Another address is not held up; a refunded attempt frees a place.
        #expect(try await limiters[0].waitBeforeTrying("198.51.100.4") == nil)
        try await limiters[0].takeBackAttempt("203.0.113.9")
        #expect(try await limiters[1].countAttempt("203.0.113.9") == nil)
        #expect(try await limiters[0].countAttempt("203.0.113.9") != nil)
        // Failures (unknown tokens) count the same way.
        for _ in 0..<5 { try await limiters[1].countFailure("192.0.2.1") }
        #expect(try await limiters[0].waitBeforeTrying("192.0.2.1") != nil)
        await first.close()
        await second.close()
    }
}
