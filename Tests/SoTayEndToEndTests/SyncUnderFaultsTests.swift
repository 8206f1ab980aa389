import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SoTaySync
import SoTayTestSupport
import SoTayWire
import Testing

/// Uploads, syncs and disks that fail the way they do in a commune: many uploads at once,
/// two syncs on one laptop.
@Suite("End to end: uploads and syncs that collide")
struct SyncCollisionTests {
    @Test("400 uploads created at once, each then written, are never swept away: no 410")
    func concurrentCreations() async throws {
        // Each device opens 200 uploads at once: above the default quota of unfinished uploads
        // per device (20), which this test is not about.
        let hub = try HubProcess(serveArguments: ["--max-open-uploads", "1000"])
        defer { hub.cleanUp() }
        let address = try HubAddress(hub.url, allowInsecure: false)
        let tokens = try await [0, 1].asyncMap { index in
            try await HubClient(address: address, token: nil).enroll(EnrollRequest(code: try hub.enrolmentCode(name: "Tình nguyện viên \(index)"),
                                                                                   deviceName: "máy \(index)")).token
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 32
        configuration.timeoutIntervalForRequest = 60
        let session = URLSession(configuration: configuration)
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for index in 0..<400 {
                group.addTask {
                    try await Self.createAndWrite(session: session, hub: hub.url, token: tokens[index % 2], index: index)
                }
            }
            return try await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(statuses.count == 800)
        #expect(statuses.filter { $0 == 410 }.count == 0, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
        #expect(statuses.allSatisfy { $0 == 201 || $0 == 204 }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
    }

    /// POST a new upload of 8 bytes, then PATCH its bytes: the two statuses.
    static func createAndWrite(session: URLSession, hub: String, token: String, index: Int) async throws -> [Int] {
        let bytes = Data("blob\(String(format: "%04d", index))".utf8)
        var create = URLRequest(url: try #require(URL(string: hub + "/v1/uploads")))
        create.httpMethod = "POST"
        create.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        create.setValue(WireProtocol.tusVersion, forHTTPHeaderField: "Tus-Resumable")
        create.setValue(String(bytes.count), forHTTPHeaderField: "Upload-Length")
        create.setValue("sha256 " + Data(Hashes.sha256Hex(bytes).utf8).base64EncodedString(), forHTTPHeaderField: "Upload-Metadata")
        create.httpBody = Data()
        let (_, created) = try await session.data(for: create)
        let createdHTTP = try #require(created as? HTTPURLResponse)
        guard createdHTTP.statusCode == 201, let location = createdHTTP.value(forHTTPHeaderField: "Location") else { return [createdHTTP.statusCode] }
        var patch = URLRequest(url: try #require(URL(string: hub + location)))
        patch.httpMethod = "PATCH"
        patch.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        patch.setValue(WireProtocol.tusVersion, forHTTPHeaderField: "Tus-Resumable")
        patch.setValue("application/offset+octet-stream", forHTTPHeaderField: "Content-Type")
        patch.setValue("0", forHTTPHeaderField: "Upload-Offset")
        patch.httpBody = bytes
        let (_, written) = try await session.data(for: patch)
        return [201, try #require(written as? HTTPURLResponse).statusCode]
    }

    @Test("A second sync of the same laptop refuses to start and names the first one; with --wait it waits, then syncs")
    func oneSyncAtATime() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        try laptop.readyDossier()
        // The first sync goes through a link that has stopped moving, so it holds on.
        let proxy = try FaultProxy(targetPort: hub.port)
        defer { try? proxy.syncShutdown() }
        proxy.stall()
        let first = Process()
        first.executableURL = Sotay.binary
        first.arguments = ["sync", "--hub", "http://127.0.0.1:\(proxy.port)"]
        first.environment = laptop.sotay.environment
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let lockFile = laptop.sotay.home.appending(path: SyncLock.fileName)
        let deadline = Date().addingTimeInterval(20)
        while (try? String(contentsOf: lockFile, encoding: .utf8))?.contains("\(first.processIdentifier)") != true {
            try #require(Date() < deadline, "the first sync never took the lock")
            Thread.sleep(forTimeInterval: 0.05)
        }

        let second = try laptop.sotay.run(["sync"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("Đang đồng bộ ở cửa sổ khác (tiến trình \(first.processIdentifier))"), "\(second.stderr)")
        let english = try laptop.sotay.run(["sync", "--lang", "en"])
        #expect(english.status == 1)
        #expect(english.stderr.contains("already running in another window"), "\(english.stderr)")
        #expect(try hubDossiers(hub).isEmpty, "the refused syncs sent nothing")

        // `--wait` waits for the first to finish, then syncs itself.
        let waiting = Process()
        waiting.executableURL = Sotay.binary
        waiting.arguments = ["sync", "--wait", "--timeout", "60s"]
        waiting.environment = laptop.sotay.environment
        let output = Pipe()
        waiting.standardOutput = output
        waiting.standardError = FileHandle.nullDevice
        try waiting.run()
        var shown = ""
        while !shown.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            shown += String(decoding: chunk, as: UTF8.self)
        }
        #expect(shown.contains("Đang đồng bộ ở cửa sổ khác (tiến trình \(first.processIdentifier)); chờ"), "\(shown)")
        #expect(waiting.isRunning, "--wait should wait while the first sync holds the folder")
        proxy.resume()
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        shown += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        waiting.waitUntilExit()
        #expect(waiting.terminationStatus == 0, "\(shown)")
        #expect(try hubDossiers(hub).count == 1)
        #expect(try laptop.status()["pendingDossiers"] as? Int == 0)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var values: [T] = []
        for element in self { values.append(try await transform(element)) }
        return values
    }
}
