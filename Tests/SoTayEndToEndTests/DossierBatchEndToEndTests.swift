import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import SoTayHub
import SoTayTestSupport
import Testing

/// The laptop sends a window of dossiers as one `POST /v1/dossiers`; a hub from before batches
/// answers 404, and the laptop goes on one `PUT` per dossier.
@Suite("End to end: dossier batches and a hub without them")
struct DossierBatchEndToEndTests {
    /// The access log's lines, kept in memory: what the hub answered, method and path.
    final class AccessLog: LogHandler, @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [(method: String, path: String, status: String)] = []
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard event.message.description == "request", let method = event.metadata?["method"], let path = event.metadata?["path"] else { return }
            lock.withLock { lines.append(("\(method)", "\(path)", "\(event.metadata?["status"] ?? "")")) }
        }

        func count(_ method: String, _ prefix: String, status: String? = nil) -> Int {
            lock.withLock { lines.filter { $0.method == method && $0.path.hasPrefix(prefix) && (status == nil || $0.status == status) }.count }
        }
    }

    /// A blocking command run off Swift's cooperative threads, which the hub in this process needs.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// `make test` runs this one in its process of tests that wait on a deadline: beside the main
    /// pass's tests, which hold Swift's cooperative threads waiting for the binaries, the hub
    /// served inside this process does not answer the laptop within its 20 seconds.
    @Test("A hub from before batches: one 404 a sync, then one PUT a dossier, and every dossier arrives once")
    func hubWithoutBatches() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sotay-old-hub-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try HubStore.open(directory: directory)
        let access = AccessLog()
        let logger = Logger(label: "old-hub") { _ in access }
        let configuration = HubConfiguration(dataDirectory: directory, host: "127.0.0.1", port: 0)
        let (router, routes) = buildRouter(store: store, configuration: configuration, offersDossierBatches: false)
        #expect(!routes.contains { $0.method == "POST" && $0.path == "/v1/dossiers" })
        let app = try makeApplication(router: router, configuration: configuration, logger: logger, onServerRunning: { _ in })
        let volunteer = try store.addVolunteer(name: "Nguyễn Văn An", village: "Thôn Đông", commune: "Xã Gia Lộc")
        let code = try store.makeEnrollCode(for: volunteer).code
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let laptop = try await Self.offThePool { try Laptop(url: "http://127.0.0.1:\(port)", code: code) }
            defer { laptop.sotay.cleanUp() }
            let ids = try await Self.offThePool { try (0..<5).map { try laptop.readyDossier("Người dân \($0)") } }
            let sync = try await Self.offThePool { try laptop.sotay.run(["sync"]) }
            #expect(sync.status == 0, "\(sync.stderr)")
            #expect(Set(try store.dossiers().map(\.id)) == Set(ids))
            #expect(access.count("POST", "/v1/dossiers", status: "404") == 1)
            #expect(access.count("PUT", "/v1/dossiers/", status: "201") == 5)
            #expect(try await Self.offThePool { try laptop.status()["pendingDossiers"] as? Int } == 0)

            // The next sync asks once more (the hub may have been upgraded), then goes on by PUT.
            let more = try await Self.offThePool { try (0..<2).map { try laptop.readyDossier("Người dân mới \($0)") } }
            #expect(try await Self.offThePool { try laptop.sotay.run(["sync"]) }.status == 0)
            #expect(Set(try store.dossiers().map(\.id)) == Set(ids + more))
            // Stored by PUT, each once (a PUT retried after a timeout is answered 200, not 201).
            #expect(access.count("POST", "/v1/dossiers") == 2 && access.count("PUT", "/v1/dossiers/", status: "201") == 7)
        }
    }

    @Test("A hub with batches takes a window of dossiers in one request, and nothing by PUT")
    func hubWithBatches() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let ids = try (0..<10).map { try laptop.readyDossier("Người dân \($0)") }
        let sync = try laptop.sotay.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(Set(try hubDossiers(hub).keys) == Set(ids))
        #expect(hub.dossierRequests() == (puts: 0, batches: 1))
        // Each receipt on the laptop is signed by the hub, as after a PUT.
        let receipts = try #require(try laptop.draft(ids[3])["receipts"] as? [[String: Any]])
        #expect(receipts.count == 1 && receipts.first?["signatureValid"] as? Bool == true)
    }

    @Test("With photos on a slow link, a dossier goes as soon as its own photos are in, not after the window's last photo")
    func dossierDoesNotWaitForOthersPhotos() async throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let proxy = try FaultProxy(targetPort: hub.port)
        defer { try? proxy.syncShutdown() }
        var laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        laptop.sotay.environment["SOTAY_PROBE_SECONDS"] = "3600"
        let files = laptop.sotay.home.appending(path: "photos")
        var ids: [String] = []
        for number in 0..<4 {
            let photo = try SampleFiles.write(SampleFiles.jpeg(size: 200_000), named: "ảnh \(number).jpg", in: files)
            ids.append(try laptop.dossier("Người dân \(number)", attaching: [photo]))
        }
        // 400 KB/s: each photo about half a second, the four one after another on a lane or two.
        proxy.setFaults(.init(bytesPerSecond: 400_000))
        let sync = try laptop.sotay.run(["sync", "--hub", "http://127.0.0.1:\(proxy.port)"])
        #expect(sync.status == 0, "\(sync.stdout)\n\(sync.stderr)")
        #expect(Set(try hubDossiers(hub).keys) == Set(ids))
        // In the hub's access log, the first dossier request comes before the last photo's upload ended.
        let lines = try String(contentsOf: hub.logFile, encoding: .utf8).split(separator: "\n")
        let firstDossier = try #require(lines.firstIndex { $0.contains("path=/v1/dossiers") && ($0.contains("method=POST") || $0.contains("method=PUT")) })
        let lastUpload = try #require(lines.lastIndex { $0.contains("method=PATCH") && $0.contains("path=/v1/uploads/") })
        #expect(firstDossier < lastUpload, "the first dossier went at line \(firstDossier), the last upload ended at line \(lastUpload)")
    }
}
