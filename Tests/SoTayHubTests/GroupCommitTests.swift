import Foundation
import GRDB
@testable import SoTayHub
import Testing

/// Group commit on a real SQLite file: many writes at once share few commits, each caller gets
/// its own outcome, and a write that throws takes back its own rows only.
@Suite("Hub: group commit")
struct GroupCommitTests {
    /// Counts the commits of a database, as the disk sees them (one fsync each).
    final class CommitCounter: TransactionObserver, @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var commits: Int { lock.withLock { count } }
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { lock.withLock { count += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    struct Refused: Error, Equatable { let id: Int }

    @Test("200 writes at once: the 180 good ones stored once each, the 20 that throw stored not at all, in far fewer than 200 commits")
    func writesAtOnceShareCommits() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "sotay-group-commit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: folder.appending(path: "t.sqlite").path, configuration: configuration)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, note TEXT NOT NULL)") }
        let counter = CommitCounter()
        pool.add(transactionObserver: counter, extent: .databaseLifetime)
        let group = GroupCommit(pool: pool)

        let outcomes = await withTaskGroup(of: (Int, Result<Int, Refused>).self) { tasks in
            for id in 0..<200 {
                tasks.addTask {
                    do {
                        let value = try await group.write { db -> Int in
                            try db.execute(sql: "INSERT INTO item (id, note) VALUES (?, ?)", arguments: [id, "mục \(id)"])
                            // Thrown after its row is written: the savepoint must take the row back.
                            if id % 10 == 3 { throw Refused(id: id) }
                            return id * 2
                        }
                        return (id, .success(value))
                    } catch let refused as Refused {
                        return (id, .failure(refused))
                    } catch {
                        Issue.record("an unexpected error: \(error)")
                        return (id, .failure(Refused(id: -1)))
                    }
                }
            }
            var all: [Int: Result<Int, Refused>] = [:]
            for await (id, outcome) in tasks { all[id] = outcome }
            return all
        }
        for id in 0..<200 {
            if id % 10 == 3 {
                #expect(outcomes[id] == .failure(Refused(id: id)))
            } else {
                #expect(outcomes[id] == .success(id * 2))
            }
        }
        let stored = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT id FROM item ORDER BY id") }
        #expect(stored == (0..<200).filter { $0 % 10 != 3 })
        // One commit per write would be 200; the writes waiting during a commit go in the next one.
        #expect(counter.commits < 100, "\(counter.commits) commits for 200 writes")
        #expect(counter.commits >= 200 / group.maxBatch)

        // A lone write afterwards still commits on its own, at once.
        #expect(try await group.write { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") } == 180)
    }
}
