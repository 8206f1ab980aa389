import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SoTaySync
import SoTayTestSupport
import SoTayWire
import Testing

/// Runs a Python script of `Tests/Interop` with the test venv's Python.
struct PythonScript {
    static func run(_ name: String, _ arguments: [String], timeout: TimeInterval = 60) throws -> (status: Int32, stdout: String, stderr: String) {
        guard FileManager.default.isExecutableFile(atPath: TestPython.executable.path) else { throw TestPython.Missing() }
        let process = Process()
        process.executableURL = TestPython.executable
        process.arguments = [TestPython.script(name).path] + arguments
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // tuspy sets no timeout of its own: a hung upload must fail the test, not hang it.
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    static func json(_ text: String) throws -> [String: Any] {
        let line = text.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}

/// aiohttp-tus, an outside tus server, on a loopback port.
final class OutsideTusServer {
    let process = Process()
    let folder: URL
    let port: Int

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: TestPython.executable.path) else { throw TestPython.Missing() }
        folder = FileManager.default.temporaryDirectory.appending(path: "aiohttp-tus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        process.executableURL = TestPython.executable
        process.arguments = [TestPython.script("tus_server.py").path, "--dir", folder.path]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while !text.contains("\n") && Date() < deadline && process.isRunning {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { Thread.sleep(forTimeInterval: 0.02) }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let match = text.firstMatch(of: /PORT (\d+)/), let port = Int(match.1) else {
            kill(process.processIdentifier, SIGKILL)
            throw HubProcess.HubFailed(log: "aiohttp-tus did not start: \(text)")
        }
        self.port = port
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}

@Suite("Interop: the hub and the laptop against other people's tus", .serialized)
struct TusInteropTests {
    /// Enrols a device over HTTP and returns its bearer token.
    static func token(_ hub: HubProcess) async throws -> String {
        let code = try hub.enrolmentCode()
        var request = URLRequest(url: try #require(URL(string: hub.url + "/v1/enroll")))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONEncoder().encode(EnrollRequest(code: code, deviceName: "tuspy"))
        let (data, _) = try await URLSession.shared.data(for: request)
        return try WireProtocol.decoder().decode(EnrollReply.self, from: data).token
    }

    @Test("tuspy uploads to the hub in chunks, is interrupted, resumes from the hub's offset, and the stored blob matches", arguments: [false, true])
    func tuspyToHub(checksum: Bool) async throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let token = try await Self.token(hub)
        let data = SampleFiles.jpeg(size: 1_000_000)
        let sha256 = Hashes.sha256Hex(data)
        let file = try SampleFiles.write(data, named: "photo.jpg", in: hub.data.deletingLastPathComponent().appending(path: "tuspy-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let common = ["--endpoint", hub.url + "/v1/uploads", "--file", file.path, "--header", "Authorization: Bearer \(token)",
                      "--metadata", "sha256=\(sha256)", "--metadata", "filename=photo.jpg", "--chunk-size", "65536"]
            + (checksum ? ["--checksum"] : [])

        let first = try PythonScript.run("tus_upload.py", common + ["--stop-after-chunks", "5"])
        #expect(first.status == 0, "\(first.stderr)")
        let interrupted = try PythonScript.json(first.stdout)
        #expect(interrupted["offset"] as? Int == 5 * 65536)
        let url = try #require(interrupted["url"] as? String)
        #expect(try hubBlobs(hub).isEmpty, "nothing is a blob before the whole file arrived")

        let second = try PythonScript.run("tus_upload.py", common + ["--resume-url", url])
        #expect(second.status == 0, "\(second.stderr)")
        let resumed = try PythonScript.json(second.stdout)
        #expect(resumed["resumedFrom"] as? Int == 5 * 65536)
        #expect(resumed["offset"] as? Int == data.count)
        #expect(try hubBlobs(hub) == [sha256: data.count])
    }

    @Test("tuspy is refused clearly without Tus-Resumable, with a wrong hash, or with a file name that is a path; nothing is stored")
    func tuspyRefusals() async throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let token = try await Self.token(hub)
        let data = SampleFiles.jpeg(size: 100_000)
        let file = try SampleFiles.write(data, named: "photo.jpg", in: hub.data.deletingLastPathComponent().appending(path: "tuspy-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let base = ["--endpoint", hub.url + "/v1/uploads", "--file", file.path, "--header", "Authorization: Bearer \(token)"]
        let traversal = try PythonScript.run("tus_upload.py", base + ["--metadata", "sha256=\(Hashes.sha256Hex(data))", "--metadata", "filename=../../etc/passwd"])
        #expect(traversal.status == 1)
        #expect(traversal.stderr.contains("400"), "\(traversal.stderr)")
        let oldVersion = try PythonScript.run("tus_upload.py", base + ["--metadata", "sha256=\(Hashes.sha256Hex(data))", "--header", "Tus-Resumable: 0.2.2"])
        #expect(oldVersion.status == 1)
        #expect(oldVersion.stderr.contains("412"), "\(oldVersion.stderr)")
        let wrongHash = try PythonScript.run("tus_upload.py", base + ["--metadata", "sha256=\(String(repeating: "ab", count: 32))"])
        #expect(wrongHash.status == 1)
        #expect(wrongHash.stderr.contains("460"), "\(wrongHash.stderr)")
        #expect(try hubBlobs(hub).isEmpty)
        let partFiles = (try? FileManager.default.contentsOfDirectory(atPath: hub.data.appending(path: "uploads").path)) ?? []
        #expect(partFiles.isEmpty, "a failed upload left \(partFiles)")
    }

    @Test("Sổ Tay's tus client uploads to aiohttp-tus through a link that cuts every 300 KB, and the stored file matches")
    func clientToAiohttpTus() async throws {
        let server = try OutsideTusServer()
        defer { server.stop() }
        let proxy = try FaultProxy(targetPort: server.port, faults: .init(cutAfterUpstreamBytes: 300_000))
        defer { try? proxy.syncShutdown() }
        let data = SampleFiles.jpeg(size: 2_000_000)
        let sha256 = Hashes.sha256Hex(data)
        let file = try SampleFiles.write(data, named: "input.jpg", in: server.folder.appending(path: "source"))

        let uploader = TusUploader(endpoint: try #require(URL(string: "http://127.0.0.1:\(proxy.port)/files")), maxFailuresWithoutProgress: 20)
        var chunk = AdaptiveChunk()
        var created: [URL] = []
        let url = try await uploader.upload(.init(fileURL: file, size: Int64(data.count), sha256: sha256, name: "\(sha256).jpg"), chunk: &chunk) { event in
            if case .created(let url) = event { created.append(url) }
        }
        #expect(created == [url], "one upload, resumed after each cut, not started again")
        #expect(proxy.stats.cuts > 0)
        let stored = try Data(contentsOf: server.folder.appending(path: "\(sha256).jpg"))
        #expect(Hashes.sha256Hex(stored) == sha256)
    }
}
