import Crypto
import Foundation
@testable import SoTayHub
import SoTayWire
import Testing

extension StoreUnderTest {
    /// The store's uploads and blobs.
    func uploads() throws -> any HubUploadRepository {
        try #require(sqlite.map { $0 as any HubUploadRepository } ?? postgres)
    }

    /// The one-writer gate a `serve` process of this backend uses: the process's own on SQLite
    /// (one process), the database's on PostgreSQL.
    func gate(staleAfterSeconds: Double, maxWait: Duration, shared: UploadGate) -> any UploadWriterGate {
        if let postgres { return PostgresUploadGate(store: postgres, staleAfter: staleAfterSeconds, maxWait: maxWait) }
        return shared
    }

    /// A stored blob's file opened with the store's data key.
    func openedBlob(_ sha256: String) throws -> Data {
        let url = directory.appending(path: "blobs").appending(path: String(sha256.prefix(2))).appending(path: sha256)
        let sealer = try #require(sqlite?.sealer ?? postgres?.sealer)
        var opened = Data()
        try SealedBlob.open(url, name: sha256, sealer: sealer) { opened.append($0) }
        return opened
    }
}

/// Blobs and tus uploads: the same cases on both stores.
@Suite("Hub upload conformance")
struct HubUploadConformanceTests {
    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    static func refusal(_ status: Int, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected a \(status) refusal, nothing was refused")
        } catch let refusal as Refusal {
            #expect(refusal.status == status, "\(refusal.body.message)")
        } catch {
            Issue.record("expected a \(status) refusal, got \(error)")
        }
    }

    @Test(arguments: Backend.enabled)
    func aBlobUploadedInStepsIsSealedHeldByItsVolunteerAndLetsTheDossierIn(_ backend: Backend) async throws {
        let me = try await HubRepositoryConformanceTests.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let uploads = try me.hub.uploads()
        let volunteerID = try #require(me.volunteer.id)
        let photo = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let hash = Self.sha256(photo)
        #expect(try await uploads.missingBlobs([hash], volunteerId: volunteerID) == [hash])

        let created = try await uploads.createUpload(length: Int64(photo.count), sha256: hash, device: me.device, lifetime: 3600, quota: UploadQuota(), now: Date())
        #expect(FileManager.default.fileExists(atPath: uploads.partURL(created.id).path))
        // Half, recorded; then the rest.
        let handle = try FileHandle(forWritingTo: uploads.partURL(created.id))
        try handle.write(contentsOf: photo.prefix(100_000))
        _ = try await uploads.recordOffset(created.id, offset: 100_000, lifetime: 3600, now: Date())
        #expect(try await uploads.upload(created.id, device: me.device, now: Date()).offset == 100_000)
        try handle.write(contentsOf: photo.dropFirst(100_000))
        try handle.close()
        var upload = try await uploads.recordOffset(created.id, offset: Int64(photo.count), lifetime: 3600, now: Date())
        upload = try await uploads.completeUpload(upload, now: Date())
        #expect(upload.completedAt != nil && upload.offset == Int64(photo.count))
        #expect(try await uploads.upload(created.id, device: me.device, now: Date()).completedAt != nil)
        #expect(!FileManager.default.fileExists(atPath: uploads.partURL(created.id).path), "the plaintext part file stays behind")

        // Content-addressed under blobs/ab/…, sealed at rest, whole when opened with the data key.
        let stored = me.hub.directory.appending(path: "blobs").appending(path: String(hash.prefix(2))).appending(path: hash)
        let raw = try Data(contentsOf: stored)
        #expect(raw.prefix(8) == Data("SOTAYBLB".utf8) && raw.range(of: photo.prefix(64)) == nil)
        #expect(try me.hub.openedBlob(hash) == photo)

        // Held by this volunteer: the dossier naming it is stored.
        #expect(try await uploads.missingBlobs([hash, String(repeating: "cd", count: 32)], volunteerId: volunteerID) == [String(repeating: "cd", count: 32)])
        var dossier = DossierUpload.sample()
        dossier.attachments = [AttachmentRef(sha256: hash, size: Int64(photo.count), mediaType: "image/jpeg", document: "giay_chung_sinh")]
        let body = String(decoding: try WireProtocol.encoder().encode(dossier), as: UTF8.self)
        guard case .stored = try await me.hub.repository.storeDossier(dossier, body: body, device: me.device, now: Date()) else {
            Issue.record("a dossier whose photo is held was not stored"); return
        }

        // Another volunteer neither holds the blob nor sees the upload.
        let (other, otherDevice, _) = try await HubRepositoryConformanceTests.enrol(me.hub.repository, name: "Lê Văn Cường")
        #expect(try await uploads.missingBlobs([hash], volunteerId: try #require(other.id)) == [hash])
        await Self.refusal(404) { _ = try await uploads.upload(created.id, device: otherDevice, now: Date()) }
        await Self.refusal(404) { _ = try await uploads.upload("0123456789abcdef0123456789abcdef", device: me.device, now: Date()) }
    }

    @Test(arguments: Backend.enabled)
    func failedExpiredAndTerminatedUploadsGoWithTheirFiles(_ backend: Backend) async throws {
        let me = try await HubRepositoryConformanceTests.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let uploads = try me.hub.uploads()
        let hash = String(repeating: "ab", count: 32)
        let failed = try await uploads.createUpload(length: 10, sha256: hash, device: me.device, lifetime: 3600, quota: UploadQuota(), now: Date())
        try await uploads.failUpload(failed, now: Date())
        await Self.refusal(410) { _ = try await uploads.upload(failed.id, device: me.device, now: Date()) }
        #expect(!FileManager.default.fileExists(atPath: uploads.partURL(failed.id).path))

        let old = try await uploads.createUpload(length: 10, sha256: hash, device: me.device, lifetime: 60, quota: UploadQuota(), now: Date().addingTimeInterval(-120))
        await Self.refusal(410) { _ = try await uploads.upload(old.id, device: me.device, now: Date()) }
        let live = try await uploads.createUpload(length: 10, sha256: hash, device: me.device, lifetime: 3600, quota: UploadQuota(), now: Date())
        #expect(try await uploads.sweepExpiredUploads(now: Date()) == 1)
        #expect(!FileManager.default.fileExists(atPath: uploads.partURL(old.id).path))
        await Self.refusal(404) { _ = try await uploads.upload(old.id, device: me.device, now: Date()) }
        #expect(try await uploads.upload(live.id, device: me.device, now: Date()).offset == 0)

        try await uploads.deleteUpload(live)
        await Self.refusal(404) { _ = try await uploads.upload(live.id, device: me.device, now: Date()) }
        #expect(!FileManager.default.fileExists(atPath: uploads.partURL(live.id).path))
    }

    @Test(arguments: Backend.enabled)
    func theQuotaHoldsForCreationsThroughTwoProcessesAtOnce(_ backend: Backend) async throws {
        let me = try await HubRepositoryConformanceTests.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let second = try await me.hub.second()
        defer { Task { await second.close(removingFolder: false) } }
        let stores = [try me.hub.uploads(), try second.uploads()]
        let quota = UploadQuota(count: 3, bytes: 1 << 20)
        let hash = String(repeating: "ab", count: 32)
        let device = me.device
        // 12 creations at once, half through each process: exactly 3 pass.
        let results = await withTaskGroup(of: Int.self) { group in
            for index in 0..<12 {
                group.addTask {
                    do {
                        _ = try await stores[index % 2].createUpload(length: 100, sha256: hash, device: device, lifetime: 3600, quota: quota, now: Date())
                        return 201
                    } catch let refusal as Refusal {
                        return refusal.status
                    } catch {
                        return 500
                    }
                }
            }
            var statuses: [Int] = []
            for await status in group { statuses.append(status) }
            return statuses
        }
        #expect(results.filter { $0 == 201 }.count == 3 && results.filter { $0 == 429 }.count == 9, "\(results)")
        // Bytes count too: 1 MiB promised in unfinished uploads is the limit.
        let (_, laptop, _) = try await HubRepositoryConformanceTests.enrol(me.hub.repository, volunteer: me.volunteer)
        _ = try await stores[0].createUpload(length: 1 << 19, sha256: hash, device: laptop, lifetime: 3600, quota: quota, now: Date())
        await Self.refusal(429) {
            _ = try await stores[1].createUpload(length: (1 << 19) + 1, sha256: hash, device: laptop, lifetime: 3600, quota: quota, now: Date())
        }
    }

    @Test(arguments: Backend.enabled)
    func oneWriterPerUploadAndAStalledOneLosesIt(_ backend: Backend) async throws {
        let me = try await HubRepositoryConformanceTests.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let second = try await me.hub.second()
        defer { Task { await second.close(removingFolder: false) } }
        let upload = try await me.hub.uploads().createUpload(length: 10, sha256: String(repeating: "ab", count: 32), device: me.device, lifetime: 3600,
                                                             quota: UploadQuota(), now: Date())
        // Two processes on PostgreSQL (two gates on two stores); the one process on SQLite.
        let shared = UploadGate(staleAfter: .seconds(2), maxWait: .milliseconds(300))
        let first = me.hub.gate(staleAfterSeconds: 2, maxWait: .milliseconds(300), shared: shared)
        let other = second.gate(staleAfterSeconds: 2, maxWait: .milliseconds(300), shared: shared)

        let held = try #require(try await first.acquire(upload.id))
        #expect(await first.progress(upload.id, held))
        #expect(try await other.acquire(upload.id) == nil, "a second writer got an upload in use")
        await first.release(upload.id, held)
        let taken = try #require(try await other.acquire(upload.id), "a released upload stayed busy")
        #expect(try await first.acquire(upload.id) == nil)

        // The holder stalls past staleAfter: the next request takes over, the stalled one stops.
        try await Task.sleep(for: .milliseconds(2300))
        let takeover = try #require(try await first.acquire(upload.id), "a stalled writer kept the upload")
        #expect(await other.progress(upload.id, taken) == false)
        #expect(await first.progress(upload.id, takeover))
        await other.release(upload.id, taken)
        #expect(try await other.acquire(upload.id) == nil, "the stalled writer's release freed the new writer's upload")
        await first.release(upload.id, takeover)
    }
}
