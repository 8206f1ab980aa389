import Foundation
import PostgresNIO

/// `FailureLimiting` in the database, shared by every `serve` process on it. Each address's
/// count is checked and bumped under a transaction-level advisory lock of its own, so concurrent
/// guesses through different processes cannot all pass the check before any is counted.
public struct PostgresFailureLimiter: FailureLimiting {
    let store: PostgresHubStore
    /// What is counted: `enroll` or `auth`.
    let scope: String
    let limit: Int
    let window: TimeInterval

    public init(store: PostgresHubStore, scope: String, limit: Int, window: TimeInterval) {
        self.store = store
        self.scope = scope
        self.limit = limit
        self.window = window
    }

    public func waitBeforeTrying(_ address: String) async throws -> Int? {
        let now = Date()
        return try wait(try await store.rows(recent(address, now: now)).first, now: now)
    }

    public func countAttempt(_ address: String) async throws -> Int? {
        let now = Date()
        let (scope, logger) = (scope, store.logger)
        let query = recent(address, now: now)
        return try await store.transaction { connection -> Int? in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(scope + " " + address), 1))", logger: logger)
            if let wait = try wait(try await connection.rows(query, logger: logger).first, now: now) { return wait }
            try await connection.query("INSERT INTO failed_attempt (scope, address, at) VALUES (\(scope), \(address), \(now))", logger: logger)
            return nil
        }
    }

    public func takeBackAttempt(_ address: String) async throws {
        _ = try await store.rows("""
            DELETE FROM failed_attempt WHERE id = (
                SELECT id FROM failed_attempt WHERE scope = \(scope) AND address = \(address) ORDER BY at DESC, id DESC LIMIT 1)
            """)
    }

    public func countFailure(_ address: String) async throws {
        let now = Date()
        _ = try await store.rows("INSERT INTO failed_attempt (scope, address, at) VALUES (\(scope), \(address), \(now))")
        // What is past the window counts for nothing: gone with the next failure from there.
        _ = try await store.rows("DELETE FROM failed_attempt WHERE scope = \(scope) AND address = \(address) AND at <= \(now.addingTimeInterval(-window))")
    }

    private func recent(_ address: String, now: Date) -> PostgresQuery {
        """
        SELECT count(*) AS failures, min(at) AS oldest FROM failed_attempt
        WHERE scope = \(scope) AND address = \(address) AND at > \(now.addingTimeInterval(-window))
        """
    }

    private func wait(_ row: PostgresRandomAccessRow?, now: Date) throws -> Int? {
        guard let row, try row.value("failures", Int64.self) >= Int64(limit), let oldest: Date = try row.value("oldest") else { return nil }
        return max(1, Int(oldest.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
    }
}
