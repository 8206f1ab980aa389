import Foundation
import SoTayTestSupport
import SoTayWire
import Testing

/// A volunteer's laptop enrolled with a hub, making dossiers as a volunteer does.
struct Laptop {
    var sotay: Sotay
    let answers: URL

    init(hub: HubProcess, probeSeconds: Int = 1) throws {
        try self.init(hub: hub, code: try hub.enrolmentCode(), probeSeconds: probeSeconds)
    }

    /// Enrolled with a code made elsewhere (a province hub's `enroll-code --database`).
    init(hub: HubProcess, code: String, probeSeconds: Int = 1) throws {
        try self.init(url: hub.url, code: code, probeSeconds: probeSeconds)
    }

    /// Enrolled with a hub at `url` (one the test runs in its own process).
    init(url: String, code: String, probeSeconds: Int = 1) throws {
        sotay = try Sotay()
        sotay.environment["SOTAY_PROBE_SECONDS"] = String(probeSeconds)
        try sotay.initProfile()
        answers = sotay.home.appending(path: "answers.json")
        let enrolled = try sotay.run(["enroll", url, code])
        guard enrolled.status == 0 else { throw CommandFailed(arguments: ["enroll"], result: enrolled) }
    }

    /// A complete draft marked ready, as `sotay guide --answers … --no-input --ready` makes it.
    @discardableResult
    func readyDossier(_ name: String = "Trần Văn Bình", note: String? = nil) throws -> String {
        var answers: [String: Any] = [
            "resident_name": name, "resident_phone": "0912345678", "ngay_sinh": "01/02/2026", "noi_sinh": "1",
            "giay_chung_sinh": true, "so_cccd_me": "001326012345", "so_con": 1,
        ]
        if let note { answers["ghi_chu"] = note }
        try JSONSerialization.data(withJSONObject: answers).write(to: self.answers)
        let result = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", self.answers.path, "--no-input", "--ready"])
        guard result.status == 0, let id = result.stdout.split(separator: "\n").first.map(String.init) else {
            throw CommandFailed(arguments: ["guide"], result: result)
        }
        return id
    }

    func status() throws -> [String: Any] {
        try #require(try sotay.json(["status", "--json"]) as? [String: Any])
    }

    func draft(_ id: String) throws -> [String: Any] {
        try #require(try sotay.json(["drafts", "show", id, "--json"]) as? [String: Any])
    }
}

/// The hub's own records of the dossiers, by id.
func hubDossiers(_ hub: HubProcess) throws -> [String: [String: Any]] {
    let list = try #require(try hub.adminJSON(["dossiers", "list", "--json"]) as? [[String: Any]])
    var byID: [String: [String: Any]] = [:]
    for item in list {
        let id = try #require(item["id"] as? String)
        #expect(byID[id] == nil, "dossier \(id) listed twice")
        byID[id] = item
    }
    return byID
}

@Suite("End to end: a laptop syncing with a real hub", .serialized)
struct SyncEndToEndTests {
    @Test("Every dossier arrives once with its revision, officers' decisions come back, and a sync with nothing new is one request")
    func roundTrip() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let ids = try (0..<5).map { try laptop.readyDossier("Người dân \($0)") }
        #expect(try laptop.status()["pendingDossiers"] as? Int == 5)

        let sync = try laptop.sotay.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.components(separatedBy: "✓ hồ sơ").count - 1 == 5)
        let stored = try hubDossiers(hub)
        #expect(Set(stored.keys) == Set(ids))
        #expect(stored.values.allSatisfy { $0["latestRevision"] as? Int == 1 && $0["status"] as? String == "received" })
        #expect(try laptop.status()["pendingDossiers"] as? Int == 0)

        // The receipt is kept on the laptop and checks against the hub's key.
        let shown = try laptop.draft(ids[0])
        let receipts = try #require(shown["receipts"] as? [[String: Any]])
        #expect(receipts.count == 1)
        #expect(receipts.first?["signatureValid"] as? Bool == true)

        // Officers act; the next sync brings it back.
        #expect(try hub.admin(["dossiers", "set-status", ids[0], "needs-supplement", "--reason", "Thiếu bản chụp giấy chứng sinh"]).status == 0)
        #expect(try hub.admin(["dossiers", "set-status", ids[1], "submitted", "--portal-code", "G22.99-261124-0001"]).status == 0)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        let followUps = try #require(try laptop.status()["followUps"] as? [[String: Any]])
        #expect(followUps.map { $0["id"] as? String } == [ids[0]])
        #expect(followUps.first?["reason"] as? String == "Thiếu bản chụp giấy chứng sinh")
        #expect(try laptop.draft(ids[1])["portalCode"] as? String == "G22.99-261124-0001")

        // Nothing new: one small request, whatever the history.
        let before = hub.requestCount()
        let idle = try laptop.sotay.run(["sync"])
        #expect(idle.status == 0)
        #expect(hub.requestCount() - before == 1)
    }

    @Test("A change after the commune asked for more goes up as a supplement beside the first revision")
    func supplement() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let id = try laptop.readyDossier()
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(try hub.admin(["dossiers", "set-status", id, "needs-supplement", "--reason", "Cần ghi chú nơi sinh"]).status == 0)
        #expect(try laptop.sotay.run(["sync"]).status == 0)

        // The volunteer resumes, answers the optional note, changes nothing else (Enter at the
        // list of answers), and agrees to send the supplement.
        let resumed = try laptop.sotay.run(["drafts", "resume", String(id.prefix(8))], input: "Sinh tại trạm y tế xã\n\ncó\n")
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("lần gửi 2"))
        #expect(resumed.stdout.contains("Xã yêu cầu bổ sung hồ sơ \(id.prefix(8)): Cần ghi chú nơi sinh"), "the officer's reason comes first")
        #expect(resumed.stdout.contains("Gửi bổ sung lên xã?"))
        #expect(try laptop.sotay.run(["sync"]).status == 0)

        let detail = try #require(try hub.adminJSON(["dossiers", "show", id, "--json"]) as? [String: Any])
        let revisions = try #require(detail["revisions"] as? [[String: Any]])
        #expect(revisions.map { $0["kind"] as? String } == ["original", "supplement"])
        let dossier = try #require(detail["dossier"] as? [String: Any])
        #expect(dossier["status"] as? String == "received")
        #expect(try laptop.status()["followUps"] as? [[String: Any]] == nil || (try laptop.status()["followUps"] as? [[String: Any]])?.isEmpty == true)
    }

    @Test("A sync killed mid-way and run again leaves every dossier on the hub exactly once")
    func killedMidSync() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        // Fewer than a window of dossiers (SyncEngine.Pacing().window): the laptop books receipts a
        // window at a time, so a kill after the hub answered some finds none booked yet, the
        // hardest case: the hub holds dossiers the laptop still has to send. In batches of 4, so
        // the hub has answered some batches and not others when the kill lands.
        let count = 40
        let ids = try (0..<count).map { try laptop.readyDossier("Người dân \($0)") }

        let process = Process()
        process.executableURL = Sotay.binary
        process.arguments = ["sync"]
        process.environment = laptop.sotay.environment.merging(["SOTAY_SYNC_BATCH": "4"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while hub.dossierRequests().batches < 2, process.isRunning, Date() < deadline { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let afterKill = try hubDossiers(hub).count
        #expect(afterKill >= 3 && afterKill < count, "the kill should land mid-sync (hub had \(afterKill))")
        // Whatever the laptop booked, the hub holds; the rest waits to go again.
        let booked = count - (try laptop.status()["pendingDossiers"] as? Int ?? count)
        #expect(booked < afterKill, "booked \(booked), the hub holds \(afterKill)")

        let again = try laptop.sotay.run(["sync"])
        #expect(again.status == 0, "\(again.stderr)")
        let stored = try hubDossiers(hub)
        #expect(Set(stored.keys) == Set(ids))
        #expect(stored.values.allSatisfy { $0["latestRevision"] as? Int == 1 })
        #expect(try laptop.status()["pendingDossiers"] as? Int == 0)
        // Each dossier's receipt on the laptop is the one the hub gave the first time.
        for id in [ids[0], ids[count - 1]] {
            let receipts = try #require(try laptop.draft(id)["receipts"] as? [[String: Any]])
            #expect(receipts.count == 1 && receipts.first?["signatureValid"] as? Bool == true)
            #expect(try laptop.draft(id)["sentRevision"] as? Int == 1)
        }
    }

    @Test("A revoked laptop is refused and keeps everything; another code enrols it again")
    func revokedDevice() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let devices = try #require(try hub.adminJSON(["devices", "list", "--json"]) as? [[String: Any]])
        let device = try #require(devices.first?["id"] as? String)
        #expect(try hub.admin(["devices", "revoke", device]).status == 0)

        try laptop.readyDossier()
        let refused = try laptop.sotay.run(["sync"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("thu hồi"))
        #expect(try hubDossiers(hub).isEmpty)
        #expect(try laptop.status()["pendingDossiers"] as? Int == 1)

        let wrongCode = try laptop.sotay.run(["enroll", hub.url, "AAAA-BBBB"])
        #expect(wrongCode.status == 1)
        #expect(try laptop.sotay.run(["enroll", hub.url, try hub.enrolmentCode(name: "Nguyễn Văn An 2")]).status == 0)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(try hubDossiers(hub).count == 1)
    }

    @Test("A revision the hub refuses is set aside with the reason, and the others still go")
    func parkedDoesNotBlock() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let restored = try laptop.readyDossier("Người dân 1")
        // The laptop's data folder is backed up, the dossier goes up, then the backup is
        // restored: the laptop no longer knows revision 1 was sent, and edits it in place.
        let backup = laptop.sotay.home.deletingLastPathComponent().appending(path: laptop.sotay.home.lastPathComponent + "-backup")
        try FileManager.default.copyItem(at: laptop.sotay.home, to: backup)
        defer { try? FileManager.default.removeItem(at: backup) }
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        try FileManager.default.removeItem(at: laptop.sotay.home)
        try FileManager.default.copyItem(at: backup, to: laptop.sotay.home)
        // Out of reach while editing, so the open session's background sync cannot step in.
        hub.stop()
        let edited = try laptop.sotay.run(["drafts", "resume", String(restored.prefix(8))], input: "Ghi chú sau khi khôi phục\ncó\n")
        #expect(edited.status == 0, "\(edited.stdout)\(edited.stderr)")
        let other = try laptop.readyDossier("Người dân 2")
        try hub.start()

        let sync = try laptop.sotay.run(["sync"])
        #expect(sync.status == 1)
        #expect(sync.stdout.contains("revision_conflict"))
        #expect(Set(try hubDossiers(hub).keys) == [restored, other])
        let status = try laptop.status()
        let parked = try #require(status["parked"] as? [[String: Any]])
        #expect(parked.map { $0["id"] as? String } == [restored])
        #expect(status["pendingDossiers"] as? Int == 0)
        // The hub kept what it received first; the next sync is not held up.
        let detail = try #require(try hub.adminJSON(["dossiers", "show", restored, "--json"]) as? [String: Any])
        #expect((detail["revisions"] as? [[String: Any]])?.count == 1)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
    }

    @Test("Plain http to another machine is refused unless allowed, and nothing is saved")
    func insecureAddress() throws {
        var sotay = try Sotay()
        defer { sotay.cleanUp() }
        sotay.environment["SOTAY_LANG"] = "en"
        try sotay.initProfile()
        let refused = try sotay.run(["enroll", "http://192.168.1.10:8080", "AAAA-BBBB"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--allow-insecure"))
        #expect(try #require(try sotay.json(["status", "--json"]) as? [String: Any])["enrolled"] as? Bool == false)
    }
}

@Suite("End to end: finding the hub without being asked", .serialized)
struct BackgroundSyncTests {
    /// An enrolled laptop with one ready dossier, made while the hub is stopped.
    static func readyWhileHubIsDown() throws -> (HubProcess, Laptop, String) {
        let hub = try HubProcess()
        let laptop = try Laptop(hub: hub)
        hub.stop()
        return (hub, laptop, try laptop.readyDossier())
    }

    @Test("An open home menu syncs a ready dossier once the hub comes back")
    func homeMenuSyncsWhenHubReturns() throws {
        let (hub, laptop, id) = try Self.readyWhileHubIsDown()
        defer { hub.cleanUp(); laptop.sotay.cleanUp() }

        let menu = try InteractiveSotay(laptop.sotay, [])
        defer { menu.kill() }
        Thread.sleep(forTimeInterval: 1.5)
        try hub.start()
        let deadline = Date().addingTimeInterval(30)
        while try hubDossiers(hub)[id] == nil && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.3)
        }
        #expect(try hubDossiers(hub)[id] != nil, "the open menu should have synced by itself")
        menu.send("6")
    }

    @Test("sync --wait waits for the hub, then sends")
    func syncWait() throws {
        let (hub, laptop, id) = try Self.readyWhileHubIsDown()
        defer { hub.cleanUp(); laptop.sotay.cleanUp() }
        let process = Process()
        process.executableURL = Sotay.binary
        process.arguments = ["sync", "--wait", "--timeout", "60s"]
        process.environment = laptop.sotay.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        #expect(process.isRunning)
        try hub.start()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try hubDossiers(hub)[id] != nil)
    }

    @Test("A Wi-Fi login page answering 200 is never taken for the hub")
    func captivePortal() throws {
        let portal = try CaptivePortal()
        defer { portal.stop() }
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        try laptop.readyDossier()
        let result = try laptop.sotay.run(["sync", "--hub", portal.url])
        #expect(result.status == 1)
        #expect(result.stderr.contains("đăng nhập"))
        #expect(try laptop.status()["pendingDossiers"] as? Int == 1)
        #expect(try laptop.status()["hub"] as? String == hub.url)
    }
}

/// A Wi-Fi login page: answers every request with 200 and HTML, like hotel and café networks.
final class CaptivePortal {
    let process = Process()
    let port: Int

    init() throws {
        let script = """
            import http.server, socketserver, sys
            class Portal(http.server.BaseHTTPRequestHandler):
                def answer(self):
                    body = b"<html><body>Dang nhap Wi-Fi</body></html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                do_GET = do_PUT = do_POST = answer
                def log_message(self, *args): pass
            server = socketserver.TCPServer(("127.0.0.1", 0), Portal)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw HubProcess.HubFailed(log: line) }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() {
        // SIGKILL: a test runner may pass SIGTERM on as ignored, and python would then live on.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite("The volunteer's binary")
struct BinaryTests {
    @Test("sotay carries no server stack: neither Hummingbird nor SwiftNIO is linked into it")
    func noServerStack() throws {
        let sotay = try Data(contentsOf: Sotay.binary)
        let hub = try Data(contentsOf: Sotay.hubBinary)
        for name in ["Hummingbird", "NIOPosix", "NIOCore"] {
            #expect(sotay.range(of: Data(name.utf8)) == nil, "\(name) is linked into sotay")
        }
        // The same search finds them in the hub, so the test can tell.
        #expect(hub.range(of: Data("Hummingbird".utf8)) != nil)
    }
}
