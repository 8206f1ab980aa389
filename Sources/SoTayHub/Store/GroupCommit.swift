import Foundation
import GRDB

/// Group commit for the hub's busiest writes (a dossier's revision, a batch of activities).
///
/// Every commit of the hub's database waits for an fsync (`synchronous = FULL`): with fifty
/// laptops syncing at once, the disk, not the work, set the pace. Here the writes that arrive
/// while a transaction is being committed wait for it, then go together in the next one, each in
/// a savepoint of its own, sharing one commit and one fsync. No write waits on a timer: a lone
/// write commits at once, as before; under load the batches grow by themselves.
///
/// What each caller sees is unchanged: its result is handed back only once the transaction
/// that holds it has committed (the receipt is never sent for a row that is not on disk); a
/// write that throws rolls back its own savepoint and gets its error, while the others commit;
/// when the commit itself fails, every write in it gets that error and none of them is stored.
final class GroupCommit: @unchecked Sendable {
    private let pool: DatabasePool
    /// The most writes one transaction takes: a bound on how long the first of them waits.
    let maxBatch: Int
    private let lock = NSLock()
    private var queue: [Job] = []
    private var draining = false

    init(pool: DatabasePool, maxBatch: Int = 64) {
        self.pool = pool
        self.maxBatch = maxBatch
    }

    /// One caller's write: `run` performs it in a savepoint and keeps its outcome, `finish`
    /// answers the caller once the transaction has ended (nil: committed).
    private struct Job: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    /// The outcome of one write, kept between its savepoint and the commit.
    private final class Outcome<T: Sendable>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    /// Runs `body` in the next grouped transaction and returns its value once that transaction
    /// has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writeEach([body])[0].get()
    }

    /// Runs the bodies one after another in the next grouped transaction, each in a savepoint of
    /// its own, and returns each one's value or error once that transaction has committed (a
    /// batch of one device's revisions: one refused does not undo the others). Throws only when
    /// the commit itself failed, and then none of them is stored.
    func writeEach<T: Sendable>(_ bodies: [@Sendable (Database) throws -> T]) async throws -> [Result<T, any Error>] {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Result<T, any Error>], any Error>) in
            let outcomes = bodies.map { _ in Outcome<T>() }
            enqueue(Job(
                run: { db in
                    for (body, outcome) in zip(bodies, outcomes) {
                        do {
                            var value: T?
                            try db.inSavepoint {
                                value = try body(db)
                                return .commit
                            }
                            outcome.result = value.map { .success($0) } ?? .failure(HubError.unexpected("a grouped write without a value"))
                        } catch {
                            outcome.result = .failure(error)
                        }
                    }
                },
                finish: { commitFailure in
                    if let commitFailure { return continuation.resume(throwing: commitFailure) }
                    continuation.resume(returning: outcomes.map { $0.result ?? .failure(HubError.unexpected("a grouped write that did not run")) })
                }))
        }
    }

    private func enqueue(_ job: Job) {
        lock.lock()
        queue.append(job)
        let start = !draining
        draining = true
        lock.unlock()
        if start { Task { await self.drain() } }
    }

    /// Commits what is waiting, batch after batch, until nothing is.
    private func drain() async {
        while true {
            let jobs: [Job] = lock.withLock {
                let taken = Array(queue.prefix(maxBatch))
                queue.removeFirst(taken.count)
                if taken.isEmpty { draining = false }
                return taken
            }
            if jobs.isEmpty { return }
            var failure: (any Error)?
            do {
                try await pool.write { db in
                    for job in jobs { job.run(db) }
                }
            } catch {
                failure = error
            }
            for job in jobs { job.finish(failure) }
        }
    }
}
