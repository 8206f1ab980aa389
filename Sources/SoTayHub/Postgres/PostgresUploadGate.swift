import Foundation
import PostgresNIO

/// One writer per upload across every `serve` process on the database: a lease in the upload's
/// row (`writer_token`, `writer_seen_at`), taken by one conditional UPDATE, so two processes
/// cannot both hold it. As with `UploadGate`, a holder that made no progress for `staleAfter`
/// (a connection stalled without closing) loses the upload to the next request, and learns it
/// at its next `progress`. Times are the database's clock, the same for every process.
struct PostgresUploadGate: UploadWriterGate {
    let store: PostgresHubStore
    var staleAfter: TimeInterval = 20
    var maxWait: Duration = .seconds(30)
    /// How often a writer's progress is written to the row: a step forward per buffer would be a
    /// statement per 64 KiB. A writer that stalled past `staleAfter` always asks the row again.
    var renewEvery: Duration = .seconds(1)
    private let renewed = RenewalClock()

    init(store: PostgresHubStore, staleAfter: TimeInterval = 20, maxWait: Duration = .seconds(30)) {
        self.store = store
        self.staleAfter = staleAfter
        self.maxWait = maxWait
    }

    func acquire(_ id: String) async throws -> UploadGate.Token? {
        let clock = ContinuousClock()
        let deadline = clock.now + maxWait
        let token = UploadGate.Token()
        let value = token.value.uuidString
        while true {
            let taken = try await store.rows("""
                UPDATE upload SET writer_token = \(value), writer_seen_at = clock_timestamp()
                WHERE id = \(id) AND (writer_token IS NULL OR writer_seen_at < clock_timestamp() - make_interval(secs => \(staleAfter)))
                RETURNING id
                """)
            if !taken.isEmpty {
                await renewed.mark(token, clock.now)
                return token
            }
            // No such upload: nothing to guard, the route answers 404 or 410 itself.
            if try await store.rows("SELECT 1 FROM upload WHERE id = \(id)").isEmpty { return token }
            guard clock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func progress(_ id: String, _ token: UploadGate.Token) async -> Bool {
        let now = ContinuousClock.now
        if let last = await renewed.last(token), now - last < renewEvery { return true }
        let value = token.value.uuidString
        do {
            let held = try await store.rows("""
                UPDATE upload SET writer_seen_at = clock_timestamp() WHERE id = \(id) AND writer_token = \(value) RETURNING id
                """)
            guard !held.isEmpty else { return false }
            await renewed.mark(token, now)
            return true
        } catch {
            // The database cannot say who holds the upload: stop writing, the client asks again.
            return false
        }
    }

    func release(_ id: String, _ token: UploadGate.Token) async {
        await renewed.forget(token)
        let value = token.value.uuidString
        _ = try? await store.rows("UPDATE upload SET writer_token = NULL, writer_seen_at = NULL WHERE id = \(id) AND writer_token = \(value)")
    }
}

/// When each writer of this process last renewed its lease.
private actor RenewalClock {
    private var last: [UploadGate.Token: ContinuousClock.Instant] = [:]

    func mark(_ token: UploadGate.Token, _ at: ContinuousClock.Instant) { last[token] = at }
    func last(_ token: UploadGate.Token) -> ContinuousClock.Instant? { last[token] }
    func forget(_ token: UploadGate.Token) { last[token] = nil }
}
