import Foundation
import SoTayTestSupport
import SoTayWire
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Plain TCP sockets a test holds open, half-fills or stalls, from a chosen loopback address.
enum Sockets {
    /// A connected socket to the hub, from `source` (any 127.x.y.z address is this machine).
    static func connect(port: Int, from source: String = "127.0.0.1", timeout: Int = 5) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &local) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let connected = withUnsafePointer(to: &remote) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, connected == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        return descriptor
    }

    static func send(_ descriptor: Int32, _ data: Data) {
        var sent = 0
        while sent < data.count {
            let result = data.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + sent, data.count - sent, Int32(MSG_NOSIGNAL)) }
            if result <= 0 { return }
            sent += result
        }
    }

    /// Reads until the peer closes (or the receive timeout).
    static func readAll(_ descriptor: Int32) -> Data {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return received
    }

    /// Whether the hub has closed this connection (what it sent before is read and dropped).
    static func isClosed(_ descriptor: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count == 0 { return true }
            if count < 0 { return errno != EAGAIN && errno != EWOULDBLOCK }
        }
    }

    /// One `GET /v1/health` from `source`: the status (nil: no answer) and the seconds it took.
    static func health(port: Int, from source: String) -> (status: Int?, seconds: Double) {
        let started = Date()
        guard let descriptor = try? connect(port: port, from: source, timeout: 3) else { return (nil, Date().timeIntervalSince(started)) }
        defer { close(descriptor) }
        send(descriptor, Data("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        let reply = RawHTTP.parse(readAll(descriptor), isHead: false)
        return (reply?.status, Date().timeIntervalSince(started))
    }

    /// The process's open file descriptors.
    static func openDescriptors(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }
}

/// Asks `/v1/health` again and again from another address while a test runs, and keeps score.
final class HealthWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private(set) var answers: [(status: Int?, seconds: Double)] = []
    private let thread: Thread

    init(port: Int, from source: String) {
        let box = Box()
        thread = Thread {
            while box.watch?.isRunning ?? true {
                let answer = Sockets.health(port: port, from: source)
                box.watch?.record(answer)
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        box.watch = self
        thread.start()
    }

    private final class Box: @unchecked Sendable { weak var watch: HealthWatch? }

    var isRunning: Bool { lock.withLock { running } }
    func record(_ answer: (status: Int?, seconds: Double)) { lock.withLock { answers.append(answer) } }

    /// Stops and returns every answer.
    func stop() -> [(status: Int?, seconds: Double)] {
        lock.withLock { running = false }
        Thread.sleep(forTimeInterval: 0.2)
        return lock.withLock { answers }
    }
}

/// Runs a program to the end: its status and what it printed (both streams).
func runProgram(_ path: String, _ arguments: [String], input: Data = Data()) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    let stdin = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = stdin
    try process.run()
    stdin.fileHandleForWriting.write(input)
    try? stdin.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite("End to end: a hub that strangers on the network cannot stall or trick", .serialized)
struct HubHardeningTests {
    @Test("1,500 stalled connections (silent, half a header, half a body) to a hub limited to 1,024 descriptors: /v1/health from another address answers within 1 s throughout, every stalled connection is closed, and the hub's descriptors return to their baseline")
    func stalledConnections() throws {
        let hub = try HubProcess(serveArguments: ["--header-timeout", "1", "--body-timeout", "1", "--idle-timeout", "2", "--max-connections-per-address", "64"])
        defer { hub.cleanUp() }
        let pid = try #require(hub.pid)
        let limited = try runProgram("/usr/bin/prlimit", ["--pid", "\(pid)", "--nofile=1024:1024"])
        #expect(limited.status == 0, "\(limited.output)")
        #expect(Sockets.health(port: hub.port, from: "127.0.0.2").status == 200)
        Thread.sleep(forTimeInterval: 0.2)
        let baseline = Sockets.openDescriptors(pid)

        let watch = HealthWatch(port: hub.port, from: "127.0.0.2")
        let started = Date()
        var stalled: [Int32] = []
        defer { stalled.forEach { close($0) } }
        for index in 0..<1500 {
            guard let descriptor = try? Sockets.connect(port: hub.port) else { continue }
            switch index % 3 {
            case 1: Sockets.send(descriptor, Data("GET /v1/health HTTP/1.1\r\nHost: 127".utf8))
            case 2: Sockets.send(descriptor, Data("POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"code\":\"K7PX-3M".utf8))
            default: break
            }
            stalled.append(descriptor)
        }
        let opened = Date().timeIntervalSince(started)
        // Every one is closed by the hub: at once past the per-address cap, else after its timeout.
        var open = stalled
        let deadline = Date().addingTimeInterval(8)
        while !open.isEmpty && Date() < deadline {
            open = open.filter { !Sockets.isClosed($0) }
            if !open.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        }
        // Keep asking a little longer than the timeouts, while the hub lets go of the last ones.
        while Date().timeIntervalSince(started) < 2.5 { Thread.sleep(forTimeInterval: 0.05) }
        let answers = watch.stop()
        #expect(stalled.count == 1500, "only \(stalled.count) of 1,500 connections could be opened in \(opened) s")
        #expect(open.isEmpty, "\(open.count) stalled connections still open \(Date().timeIntervalSince(started)) s after the first")
        let slowest = answers.map(\.seconds).max() ?? 99
        #expect(answers.count >= 3 && answers.allSatisfy { $0.status == 200 && $0.seconds < 1 },
                "health: \(answers.count) asked, \(answers.filter { $0.status != 200 }.count) unanswered, slowest \(slowest) s")

        var now = Sockets.openDescriptors(pid)
        let settle = Date().addingTimeInterval(3)
        while now > baseline && Date() < settle {
            Thread.sleep(forTimeInterval: 0.1)
            now = Sockets.openDescriptors(pid)
        }
        #expect(now <= baseline, "the hub holds \(now) descriptors, \(baseline) before")
        #expect(hub.isRunning)
        print("stalled connections: 1,500 opened in \(String(format: "%.2f", opened)) s; health \(answers.count)× answered, slowest \(String(format: "%.3f", slowest)) s; descriptors \(baseline) → \(now)")
    }

    @Test("500 concurrent wrong enrolment codes from one address, headers first and bodies after: at most 10 are checked, the rest wait with 429")
    func enrolmentRace() throws {
        let hub = try HubProcess(serveArguments: ["--max-connections-per-address", "1000"])
        defer { hub.cleanUp() }
        _ = try hub.enrolmentCode()
        let body = Data(#"{"code":"K7PX-3MQA","deviceName":"Máy đoán mã"}"#.utf8)
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        for _ in 0..<500 {
            let descriptor = try Sockets.connect(port: hub.port, timeout: 15)
            Sockets.send(descriptor, Data("POST /v1/enroll HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
            sockets.append(descriptor)
        }
        for descriptor in sockets { Sockets.send(descriptor, body) }
        var statuses: [Int: Int] = [:]
        for descriptor in sockets {
            let status = RawHTTP.parse(Sockets.readAll(descriptor), isHead: false)?.status ?? 0
            statuses[status, default: 0] += 1
        }
        let checked = statuses[403, default: 0]
        #expect(checked <= 10, "\(checked) wrong codes were checked: \(statuses)")
        #expect(checked + statuses[429, default: 0] == 500, "every attempt is answered with 403 or 429: \(statuses)")
        print("enrolment race: \(statuses.sorted { $0.key < $1.key })")
    }

    /// Enrols a device over raw HTTP and returns its token.
    static func enrol(_ hub: HubProcess, name: String) throws -> String {
        let code = try hub.enrolmentCode(name: name)
        let body = HostileInputTests.json(["code": code, "deviceName": "Laptop"])
        let reply = try #require(try RawHTTP(port: hub.port).exchange(
            Data("POST /v1/enroll HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n".utf8), body: body))
        return try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])["token"] as? String ?? ""
    }

    static func createUpload(_ hub: HubProcess, token: String, length: Int64, hash: Int) throws -> RawHTTP.Reply? {
        let sha = Data(String(format: "%064x", hash).utf8).base64EncodedString()
        return try RawHTTP(port: hub.port).exchange(Data("POST /v1/uploads HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\nTus-Resumable: 1.0.0\r\nUpload-Length: \(length)\r\nUpload-Metadata: sha256 \(sha)\r\nContent-Length: 0\r\n".utf8))
    }

    @Test("A device may hold 20 unfinished uploads and 200 MiB of them: past that, 429 with Retry-After and nothing stored, until one is finished or cancelled")
    func uploadQuota() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        // Bytes: ten uploads of 20 MiB fill 200 MiB; one byte more is refused.
        let large = try Self.enrol(hub, name: "Nguyễn Văn An")
        for index in 0..<10 {
            #expect(try Self.createUpload(hub, token: large, length: 20 << 20, hash: index)?.status == 201)
        }
        let overBytes = try #require(try Self.createUpload(hub, token: large, length: 1, hash: 99))
        #expect(overBytes.status == 429 && overBytes.headers["retry-after"] != nil && overBytes.headers["tus-resumable"] == "1.0.0", "\(overBytes)")
        // Count: twenty small uploads; the twenty-first is refused, and taken once one is cancelled.
        let small = try Self.enrol(hub, name: "Trần Thị Bình")
        var locations: [String] = []
        for index in 0..<20 {
            let reply = try #require(try Self.createUpload(hub, token: small, length: 10, hash: 100 + index))
            #expect(reply.status == 201)
            if let location = reply.headers["location"] { locations.append(location) }
        }
        let overCount = try #require(try Self.createUpload(hub, token: small, length: 10, hash: 200))
        #expect(overCount.status == 429 && overCount.headers["retry-after"] != nil, "\(overCount)")
        let body = try? WireProtocol.decoder().decode(ErrorBody.self, from: overCount.body)
        #expect(body?.error == .rateLimited)
        let parts = try FileManager.default.contentsOfDirectory(atPath: hub.data.appending(path: "uploads").path)
        #expect(parts.count == 30, "one part file per upload taken, none for a refused one: \(parts.count)")
        let cancelled = try RawHTTP(port: hub.port).exchange(Data("DELETE \(locations[0]) HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \(small)\r\nTus-Resumable: 1.0.0\r\n".utf8))
        #expect(cancelled?.status == 204)
        #expect(try Self.createUpload(hub, token: small, length: 10, hash: 201)?.status == 201)
    }

    @Test("Every enrolment code issued and every device enrolled is in the audit log: who, for which volunteer, from where")
    func enrolmentAudited() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let token = try Self.enrol(hub, name: "Nguyễn Văn An")
        #expect(!token.isEmpty)
        let audit = try #require(try hub.adminJSON(["audit", "--json"]) as? [[String: Any]])
        let issued = try #require(audit.first { $0["action"] as? String == "enroll-code.issue" }, "\(audit)")
        #expect(issued["actorRole"] as? String == "local" && issued["volunteerId"] as? String == "1", "\(issued)")
        let enrolled = try #require(audit.first { $0["action"] as? String == "device.enroll" }, "\(audit)")
        #expect(enrolled["actorRole"] as? String == "device" && enrolled["volunteerId"] as? String == "1", "\(enrolled)")
        #expect(enrolled["clientAddress"] as? String == "127.0.0.1" && (enrolled["deviceId"] as? String)?.isEmpty == false, "\(enrolled)")
        let text = try hub.admin(["audit"]).stdout
        #expect(text.contains("cấp mã ghi danh") && text.contains("ghi danh một máy") && text.contains("tình nguyện viên số 1"), "\(text)")
    }

    static func put(_ hub: HubProcess, token: String, _ dossier: [String: Any]) throws -> Int? {
        let body = HostileInputTests.json(dossier)
        let id = dossier["id"] as? String ?? ""
        return try RawHTTP(port: hub.port).exchange(Data("PUT /v1/dossiers/\(id) HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n".utf8),
                                                    body: body)?.status
    }

    @Test("A revision sent by another device than the one that sent the dossier's first is marked for the officer")
    func otherDeviceMarked() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Self.enrol(hub, name: "Nguyễn Văn An")
        // A second code for the same volunteer (number 1), and a device enrolled with it.
        let issued = try hub.admin(["enroll-code", "1"])
        let code = try #require(issued.stdout.firstMatch(of: /([2-9A-Z]{4}-[2-9A-Z]{4})/)?.1)
        let body = HostileInputTests.json(["code": String(code), "deviceName": "Máy khác"])
        let reply = try #require(try RawHTTP(port: hub.port).exchange(
            Data("POST /v1/enroll HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n".utf8), body: body))
        let other = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])["token"] as? String ?? ""

        let id = UUID().uuidString.lowercased()
        var dossier = HostileInputTests.dossier(id: id)
        #expect(try Self.put(hub, token: laptop, dossier) == 201)
        dossier["revision"] = 2
        dossier["village"] = "Thôn Tây"
        #expect(try Self.put(hub, token: other, dossier) == 201)

        let shown = try #require(try hub.adminJSON(["dossiers", "show", id, "--json"]) as? [String: Any])
        let revisions = try #require(shown["revisions"] as? [[String: Any]])
        #expect(revisions.map { $0["otherDevice"] as? Bool } == [false, true], "\(revisions)")
        let text = try hub.admin(["dossiers", "show", id]).stdout
        #expect(text.contains("⚠ gửi từ máy") && text.components(separatedBy: "⚠").count == 2, "\(text)")
    }

    @Test("The volunteer's laptop hears at its next sync that a new device was enrolled for them; the new device itself does not")
    func newDeviceNotice() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(!(try laptop.sotay.run(["status"]).stdout.contains("Một máy mới")))

        let issued = try hub.admin(["enroll-code", "1"])
        let code = try #require(issued.stdout.firstMatch(of: /([2-9A-Z]{4}-[2-9A-Z]{4})/)?.1)
        let body = HostileInputTests.json(["code": String(code), "deviceName": "Máy lạ"])
        let reply = try #require(try RawHTTP(port: hub.port).exchange(
            Data("POST /v1/enroll HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n".utf8), body: body))
        let other = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])["token"] as? String ?? ""

        let synced = try laptop.sotay.run(["sync"])
        #expect(synced.status == 0, "\(synced.stderr)")
        let status = try laptop.sotay.run(["status"]).stdout
        #expect(status.contains("Một máy mới đã được ghi danh cho bạn lúc") && status.contains("Máy lạ"), "\(status)")
        let feed = try #require(try RawHTTP(port: hub.port).exchange(Data("GET /v1/changes?since=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer \(other)\r\n".utf8)))
        let page = try WireProtocol.decoder().decode(ChangesPage.self, from: feed.body)
        #expect(page.changes.allSatisfy { !($0.message ?? "").contains("Máy lạ") }, "the new device is not told about itself: \(page.changes)")
    }

    @Test("A hub-signing.key readable by others is refused like the data key, by serve and by admin commands, with the chmod to run")
    func signingKeyExposed() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        hub.stop()
        let key = hub.data.appending(path: "hub-signing.key")
        #expect((try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let listed = try hub.admin(["dossiers", "list"])
        #expect(listed.status == 1)
        #expect(listed.stderr.contains("chmod 600 \(key.path)"), "\(listed.stderr)")
        #expect(throws: HubProcess.HubFailed.self) { try hub.start(timeout: 10) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        try hub.start()
        #expect(Sockets.health(port: hub.port, from: "127.0.0.1").status == 200)
    }

    @Test("Built-in TLS: TLS 1.0, TLS 1.1 and TLS 1.2 without forward secrecy are refused; TLS 1.2 with ECDHE and AEAD, and TLS 1.3, connect")
    func tlsVersions() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "sotay-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appending(path: "cert.pem").path, key = folder.appending(path: "key.pem").path
        let made = try runProgram("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                                                        "-days", "2", "-subj", "/CN=127.0.0.1"])
        #expect(made.status == 0, "\(made.output)")
        let hub = try HubProcess(serveArguments: ["--tls-cert", certificate, "--tls-key", key])
        defer { hub.cleanUp() }

        func handshake(_ options: [String]) throws -> (connected: Bool, output: String) {
            let result = try runProgram("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(hub.port)", "-brief"] + options)
            return (result.status == 0 && result.output.contains("CONNECTION ESTABLISHED"), result.output)
        }
        // SECLEVEL=0 so that the client itself would speak the old versions and suites.
        for (label, options) in [("TLS 1.0", ["-tls1", "-cipher", "DEFAULT@SECLEVEL=0"]), ("TLS 1.1", ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]),
                                 ("TLS 1.2, RSA key exchange", ["-tls1_2", "-cipher", "AES128-GCM-SHA256:AES256-SHA@SECLEVEL=0"]),
                                 ("TLS 1.2, ECDHE with CBC", ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384@SECLEVEL=0"])] {
            let result = try handshake(options)
            #expect(!result.connected, "\(label) was accepted: \(result.output)")
        }
        let modern = try handshake(["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"])
        #expect(modern.connected, "\(modern.output)")
        let newest = try handshake(["-tls1_3"])
        #expect(newest.connected && newest.output.contains("TLSv1.3"), "\(newest.output)")
    }
}
