import Foundation
@testable import SoTayHub
import SoTayWire
import Testing

/// The change feed skips nothing while changes commit concurrently: a device that follows the
/// cursor page by page, while two store instances (two `serve` processes) write decisions and
/// announcements as fast as they can, ends with exactly the changes a full read returns.
///
/// With a plain sequence on PostgreSQL this fails: a transaction that took number 41 and
/// commits after the one that took 42 is passed by a reader that already moved its cursor to 42.
@Suite("Change feed under concurrent commits")
struct ChangeFeedConcurrencyTests {
    /// The race made certain: a transaction takes the next feed number and commits late; a
    /// second change is written meanwhile, and the device reads in between. With numbers from a
    /// sequence the device sees the second change, moves its cursor past the first, and never
    /// gets it; the per-commune counter makes the second wait for the first.
    @Test(.enabled(if: Backend.postgresURL != nil || Backend.postgresRequired, "SOTAY_TEST_POSTGRES_URL is unset"))
    func aChangeCommittedLateIsNotPassedByTheCursor() async throws {
        let hub = try await StoreUnderTest.make(.postgres)
        defer { Task { await hub.close() } }
        let store = try #require(hub.postgres)
        let (volunteer, _, _) = try await HubRepositoryConformanceTests.enrol(hub.repository)
        let (_, reader, _) = try await HubRepositoryConformanceTests.enrol(hub.repository, volunteer: volunteer)
        let start = try #require(Int64(try await store.changes(after: 0, limit: 1000, device: reader, now: Date()).cursor))
        let volunteerID = try #require(volunteer.id)
        let logger = store.logger

        // Another process's transaction: takes its number now, commits in 1.5 s.
        let late = Task {
            try await store.transaction { connection in
                try await PostgresHubStore.appendChange(connection, logger: logger, volunteerID: volunteerID, kind: .announcement,
                                                        message: "committed late", at: Date())
                try await Task.sleep(for: .milliseconds(1500))
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        // A change written meanwhile, through the repository.
        let meanwhile = Task { try await store.announce("written meanwhile", now: Date()) }
        try await Task.sleep(for: .milliseconds(400))
        // The device syncs while the first is still open.
        let between = try await store.changes(after: start, limit: 100, device: reader, now: Date())
        var followed = between.changes
        var cursor = try #require(Int64(between.cursor))
        try await late.value
        try await meanwhile.value
        while true {
            let page = try await store.changes(after: cursor, limit: 100, device: reader, now: Date())
            followed += page.changes
            cursor = try #require(Int64(page.cursor))
            if !page.more { break }
        }
        let everything = try await store.changes(after: start, limit: 100, device: reader, now: Date()).changes
        #expect(everything.compactMap(\.message).sorted() == ["committed late", "written meanwhile"])
        #expect(followed == everything, "the device followed \(followed.compactMap(\.message)), the feed holds \(everything.compactMap(\.message))")
    }

    @Test(arguments: Backend.enabled)
    func aCursorFollowedWhileOthersCommitMissesNoChange(_ backend: Backend) async throws {
        let first = try await StoreUnderTest.make(backend)
        let second = try await first.second()
        defer {
            Task {
                await second.close(removingFolder: false)
                await first.close()
            }
        }
        let (volunteer, device, _) = try await HubRepositoryConformanceTests.enrol(first.repository)
        let (_, reader, _) = try await HubRepositoryConformanceTests.enrol(first.repository, volunteer: volunteer)
        var dossiers: [String] = []
        for _ in 0..<6 {
            let upload = DossierUpload.sample()
            _ = try await first.repository.storeDossier(upload, body: String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self),
                                                        device: device, now: Date())
            dossiers.append(upload.id)
        }
        let start = try #require(Int64(try await first.repository.changes(after: 0, limit: 1000, device: reader, now: Date()).cursor))

        let ids = dossiers
        let writes = 240
        let statuses: [DossierStatus] = [.received, .submitted, .completed]
        let finished = Flag()
        let writers = Task {
            defer { Task { await finished.set() } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<writes {
                    let store = index.isMultiple(of: 2) ? first.repository : second.repository
                    group.addTask {
                        if index.isMultiple(of: 5) {
                            try await store.announce("Thông báo số \(index)", now: Date())
                        } else {
                            _ = try await store.setStatus(ids[index % ids.count], to: statuses[index % statuses.count], portalCode: nil,
                                                          reason: nil, now: Date())
                        }
                    }
                    // Some air now and then, so the reader's pages interleave with the commits.
                    if index.isMultiple(of: 16) { try await group.next() }
                }
                try await group.waitForAll()
            }
        }
        // The device follows its cursor the whole time, in small pages, on the other instance.
        var followed: [Change] = []
        var cursor = start
        var pages = 0
        while true {
            let done = await finished.value
            let page = try await second.repository.changes(after: cursor, limit: 7, device: reader, now: Date())
            followed += page.changes
            cursor = try #require(Int64(page.cursor))
            pages += 1
            if done && !page.more { break }
        }
        try await writers.value

        let everything = try await first.repository.changes(after: start, limit: 10_000, device: reader, now: Date())
        #expect(everything.changes.count == writes, "every decision and announcement is in the feed")
        #expect(followed.count == everything.changes.count, "the follower saw \(followed.count) of \(everything.changes.count) changes over \(pages) pages")
        #expect(followed == everything.changes)
    }
}

actor Flag {
    private(set) var value = false

    func set() {
        value = true
    }
}
