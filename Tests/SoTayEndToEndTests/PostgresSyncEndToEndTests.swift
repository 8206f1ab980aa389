import Foundation
import Logging
import PostgresNIO
import SoTayHub
import SoTayTestSupport
import SoTayWire
import Testing

/// The built `sotay` syncing with the built `sotay-hub serve --database postgres://…` (the commune,
/// the volunteer and the code made with the built admin commands on the same database): dossiers
/// arrive once with their receipts, an officer's decision comes back, an idle sync is one request.
/// Needs `SOTAY_TEST_POSTGRES_URL` (make test starts a cluster); under make test
/// (`SOTAY_TEST_POSTGRES_REQUIRED=1`) a missing cluster fails the test.
@Suite("End to end: a laptop syncing with a hub on PostgreSQL", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["SOTAY_TEST_POSTGRES_URL"] != nil
                    || ProcessInfo.processInfo.environment["SOTAY_TEST_POSTGRES_REQUIRED"] == "1",
                "SOTAY_TEST_POSTGRES_URL is unset: run make test, or scripts/with-pg-test-cluster.sh swift test --skip-build --filter PostgresSyncEndToEndTests"))
struct PostgresSyncEndToEndTests {
    @Test("Dossiers arrive once, a decision comes back, and a sync with nothing new is one request")
    func roundTrip() async throws {
        let url = try await Self.freshDatabase()
        let data = FileManager.default.temporaryDirectory.appending(path: "sotay-hub-pg-e2e-\(UUID().uuidString)")
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical

        let hub = try HubProcess(data: data, serveArguments: ["--database", url])
        defer { hub.cleanUp() }
        // The province's admin adds a commune and a volunteer and issues a code, on the same database.
        #expect(try hub.admin(["communes", "add", "Xã Gia Lộc", "--database", url]).status == 0)
        let added = try hub.admin(["volunteers", "add", "Nguyễn Văn An", "--village", "Thôn Đông", "--commune", "Xã Gia Lộc", "--database", url])
        let number = try #require(added.stdout.firstMatch(of: /số (\d+)/)?.1, "\(added.stdout)\(added.stderr)")
        let issued = try hub.admin(["enroll-code", String(number), "--database", url])
        let code = String(try #require(issued.stdout.firstMatch(of: /([2-9A-Z]{4}-[2-9A-Z]{4})/)?.1, "\(issued.stdout)\(issued.stderr)"))
        let communes = try #require(try hub.adminJSON(["communes", "list", "--json", "--database", url]) as? [[String: Any]])
        #expect(communes.count == 1 && communes.first?["name"] as? String == "Xã Gia Lộc" && communes.first?["volunteers"] as? Int == 1)
        // Another process on the same database: an officer's decisions, read back below.
        let admin = try await PostgresHubStore.open(url: url, directory: data, logger: logger)
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        var laptop = sotay
        laptop.environment["SOTAY_PROBE_SECONDS"] = "1"
        try laptop.initProfile()
        let enrolled = try laptop.run(["enroll", hub.url, code])
        #expect(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")

        let answers = laptop.home.appending(path: "answers.json")
        var ids: [String] = []
        for index in 0..<3 {
            try JSONSerialization.data(withJSONObject: [
                "resident_name": "Người dân \(index)", "resident_phone": "0912345678", "ngay_sinh": "01/02/2026", "noi_sinh": "1",
                "giay_chung_sinh": true, "so_cccd_me": "001326012345", "so_con": 1,
            ] as [String: Any]).write(to: answers)
            let made = try laptop.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", answers.path, "--no-input", "--ready"])
            let id = try #require(made.stdout.split(separator: "\n").first.map(String.init), "\(made.stderr)")
            ids.append(id)
        }

        for _ in 0..<2 { #expect(try laptop.run(["log", "visit"]).status == 0) }

        let sync = try laptop.run(["sync"])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        #expect(sync.stdout.components(separatedBy: "✓ hồ sơ").count - 1 == 3)
        // The report over the synced log, in PostgreSQL's dialect, through the built command.
        let report = try #require(try hub.adminJSON(["report", "--format", "json", "--database", url]) as? [String: Any])
        #expect(report["entries"] as? Int == 2, "\(report)")
        for (index, id) in ids.enumerated() {
            let dossier = try await admin.dossier(id)
            #expect(dossier.latestRevision == 1 && dossier.status == .received && dossier.residentName == "Người dân \(index)")
            #expect(try await admin.revisions(of: id).count == 1)
        }
        let shown = try #require(try laptop.json(["drafts", "show", ids[0], "--json"]) as? [String: Any])
        let receipts = try #require(shown["receipts"] as? [[String: Any]])
        #expect(receipts.count == 1 && receipts.first?["signatureValid"] as? Bool == true)
        // Nothing new: one small request.
        let before = hub.requestCount()
        #expect(try laptop.run(["sync"]).status == 0)
        #expect(hub.requestCount() - before == 1)

        // The IT person's commands on the same database: the dossiers with their residents' names
        // (each listing and showing audited), the device, a decision and an announcement that
        // reach the laptop at its next sync.
        let listed = try #require(try hub.adminJSON(["dossiers", "list", "--json", "--database", url]) as? [[String: Any]])
        #expect(Set(listed.compactMap { $0["id"] as? String }) == Set(ids))
        #expect(Set(listed.compactMap { $0["residentName"] as? String }) == ["Người dân 0", "Người dân 1", "Người dân 2"])
        #expect(listed.allSatisfy { $0["volunteer"] as? String == "Nguyễn Văn An" })
        let ofCommune = try #require(try hub.adminJSON(["dossiers", "list", "--json", "--commune", "Xã Gia Lộc", "--database", url]) as? [[String: Any]])
        #expect(ofCommune.count == 3)
        let noCommune = try hub.admin(["dossiers", "list", "--commune", "Xã Không Có", "--database", url])
        #expect(noCommune.status != 0 && noCommune.stderr.contains("Xã Không Có"), "\(noCommune.stderr)")
        let detail = try #require(try hub.adminJSON(["dossiers", "show", String(ids[1].prefix(8)), "--json", "--database", url]) as? [String: Any])
        #expect((detail["dossier"] as? [String: Any])?["residentName"] as? String == "Người dân 1")
        #expect((detail["revisions"] as? [[String: Any]])?.count == 1)
        let devices = try #require(try hub.adminJSON(["devices", "list", "--json", "--database", url]) as? [[String: Any]])
        #expect(devices.count == 1 && devices.first?["revokedAt"] == nil)
        let volunteers = try #require(try hub.adminJSON(["volunteers", "list", "--json", "--database", url]) as? [[String: Any]])
        #expect(volunteers.count == 1 && volunteers.first?["devices"] as? Int == 1)
        let decided = try hub.admin(["dossiers", "set-status", ids[0], "needs-supplement", "--reason", "Thiếu bản chụp giấy chứng sinh", "--database", url])
        #expect(decided.status == 0, "\(decided.stderr)")
        let announced = try hub.admin(["announce", "Thứ Bảy này trực ở nhà văn hóa thôn", "--database", url])
        #expect(announced.status == 0, "\(announced.stderr)")
        let audit = try #require(try hub.adminJSON(["audit", "--json", "--database", url]) as? [[String: Any]])
        let actions = audit.compactMap { $0["action"] as? String }
        #expect(actions.filter { $0 == "dossier.list" }.count >= 3, "\(actions)")
        #expect(actions.contains("dossier.show") && actions.contains("dossier.set-status"), "\(actions)")

        #expect(try laptop.run(["sync"]).status == 0)
        let status = try #require(try laptop.json(["status", "--json"]) as? [String: Any])
        let followUps = try #require(status["followUps"] as? [[String: Any]])
        #expect(followUps.map { $0["id"] as? String } == [ids[0]])
        #expect(followUps.first?["reason"] as? String == "Thiếu bản chụp giấy chứng sinh")
        let announcements = try #require(status["announcements"] as? [[String: Any]], "\(status.keys.sorted())")
        #expect(announcements.contains { $0["message"] as? String == "Thứ Bảy này trực ở nhà văn hóa thôn" })
        #expect(try hub.admin(["devices", "revoke", try #require(devices.first?["id"] as? String), "--database", url]).status == 0)
        let refused = try laptop.run(["sync"])
        #expect(refused.status != 0 && refused.stderr.contains("thu hồi"), "\(refused.stderr)")

        await admin.close()
    }

    @Test("Two serve processes on one database: a code is good once across both, both laptops' dossiers land once, decisions reach each")
    func twoProcesses() async throws {
        let url = try await Self.freshDatabase()
        let data = FileManager.default.temporaryDirectory.appending(path: "sotay-hub-pg-e2e-\(UUID().uuidString)")
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let first = try HubProcess(data: data, serveArguments: ["--database", url])
        defer { first.cleanUp() }
        let second = try HubProcess(data: data, serveArguments: ["--database", url])
        defer { second.cleanUp() }

        func code(_ name: String) throws -> String {
            let added = try first.admin(["volunteers", "add", name, "--village", "Thôn Đông", "--commune", "Xã Gia Lộc", "--database", url])
            let number = try #require(added.stdout.firstMatch(of: /số (\d+)/)?.1, "\(added.stderr)")
            let issued = try first.admin(["enroll-code", String(number), "--database", url])
            return String(try #require(issued.stdout.firstMatch(of: /([2-9A-Z]{4}-[2-9A-Z]{4})/)?.1, "\(issued.stderr)"))
        }
        var laptops: [Sotay] = []
        defer { for laptop in laptops { laptop.cleanUp() } }
        for (index, hub) in [first, second].enumerated() {
            var laptop = try Sotay()
            laptop.environment["SOTAY_PROBE_SECONDS"] = "1"
            try laptop.initProfile()
            let enrolmentCode = try code("Tình nguyện viên \(index)")
            #expect(try laptop.run(["enroll", hub.url, enrolmentCode]).status == 0)
            if index == 0 {
                // The same code through the other process: already used.
                var thief = try Sotay()
                try thief.initProfile()
                thief.environment["SOTAY_PROBE_SECONDS"] = "1"
                #expect(try thief.run(["enroll", second.url, enrolmentCode]).status != 0)
                thief.cleanUp()
            }
            laptops.append(laptop)
        }
        var ids: [[String]] = [[], []]
        for (index, laptop) in laptops.enumerated() {
            let answers = laptop.home.appending(path: "answers.json")
            for number in 0..<4 {
                try JSONSerialization.data(withJSONObject: [
                    "resident_name": "Người dân \(index)-\(number)", "resident_phone": "0912345678", "ngay_sinh": "01/02/2026", "noi_sinh": "1",
                    "giay_chung_sinh": true, "so_cccd_me": "001326012345", "so_con": 1,
                ] as [String: Any]).write(to: answers)
                let made = try laptop.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", answers.path, "--no-input", "--ready"])
                ids[index].append(try #require(made.stdout.split(separator: "\n").first.map(String.init), "\(made.stderr)"))
            }
        }
        // Both laptops sync at once, each through its own process.
        let results = await Self.concurrently(laptops.map { laptop in { try? laptop.run(["sync"]) } })
        #expect(results.allSatisfy { $0?.status == 0 }, "\(results.map { $0?.stderr ?? "did not run" })")

        let store = try await PostgresHubStore.open(url: url, directory: data, logger: logger)
        for id in ids.joined() {
            #expect(try await store.revisions(of: id).count == 1)
        }
        _ = try await store.setStatus(ids[0][0], to: .submitted, portalCode: "G22.99-261206-0001", reason: nil, now: Date())
        _ = try await store.setStatus(ids[1][0], to: .needsSupplement, portalCode: nil, reason: "Thiếu giấy chứng sinh", now: Date())
        await store.close()
        for laptop in laptops { #expect(try laptop.run(["sync"]).status == 0) }
        let portal = try #require(try laptops[0].json(["drafts", "show", ids[0][0], "--json"]) as? [String: Any])
        #expect(portal["portalCode"] as? String == "G22.99-261206-0001")
        let status = try #require(try laptops[1].json(["status", "--json"]) as? [String: Any])
        #expect((status["followUps"] as? [[String: Any]])?.map { $0["id"] as? String } == [ids[1][0]])
    }

    @Test("Photos through two serve processes: each uploaded once, stored once by content, sealed, and the dossiers naming them land")
    func photos() async throws {
        let url = try await Self.freshDatabase()
        let data = FileManager.default.temporaryDirectory.appending(path: "sotay-hub-pg-e2e-\(UUID().uuidString)")
        let first = try HubProcess(data: data, serveArguments: ["--database", url])
        defer { first.cleanUp() }
        let second = try HubProcess(data: data, serveArguments: ["--database", url])
        defer { second.cleanUp() }
        let photo = SampleFiles.jpeg(size: 200_000)
        let shared = SampleFiles.jpeg(size: 120_000)
        let sharedHash = Hashes.sha256Hex(shared)

        var laptops: [Sotay] = []
        defer { for laptop in laptops { laptop.cleanUp() } }
        var ids: [String] = []
        for (index, hub) in [first, second].enumerated() {
            let added = try first.admin(["volunteers", "add", "Tình nguyện viên \(index)", "--village", "Thôn Đông", "--commune", "Xã Gia Lộc", "--database", url])
            let number = try #require(added.stdout.firstMatch(of: /số (\d+)/)?.1, "\(added.stderr)")
            let issued = try first.admin(["enroll-code", String(number), "--database", url])
            let code = String(try #require(issued.stdout.firstMatch(of: /([2-9A-Z]{4}-[2-9A-Z]{4})/)?.1, "\(issued.stderr)"))
            var laptop = try Sotay()
            laptop.environment["SOTAY_PROBE_SECONDS"] = "1"
            try laptop.initProfile()
            laptops.append(laptop)
            let enrolled = try laptop.run(["enroll", hub.url, code])
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            // The first laptop attaches two photos, the second one of the same photos.
            let files = try (index == 0 ? [photo, shared] : [shared]).enumerated().map { page, bytes in
                try SampleFiles.write(bytes, named: "ảnh \(index)-\(page).jpg", in: laptop.home)
            }
            let answers = laptop.home.appending(path: "answers.json")
            try JSONSerialization.data(withJSONObject: [
                "resident_name": "Người dân \(index)", "resident_phone": "0912345678", "ngay_sinh": "01/02/2026", "noi_sinh": "1",
                "giay_chung_sinh": true, "so_cccd_me": "001326012345", "so_con": 1,
            ] as [String: Any]).write(to: answers)
            let guided = try laptop.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", answers.path, "--no-input"])
            let id = try #require(guided.stdout.split(separator: "\n").first.map(String.init), "\(guided.stderr)")
            #expect(try laptop.run(["attach", id] + files.map(\.path) + ["--document", "giay_chung_sinh"]).status == 0)
            #expect(try laptop.run(["drafts", "ready", id]).status == 0)
            ids.append(id)
        }
        // Both sync at once, each through its own process.
        let results = await Self.concurrently(laptops.map { laptop in { try? laptop.run(["sync"]) } })
        #expect(results.allSatisfy { $0?.status == 0 }, "\(results.map { ($0?.stdout ?? "") + ($0?.stderr ?? "did not run") })")
        for (index, laptop) in laptops.enumerated() {
            let shown = try #require(try laptop.json(["drafts", "show", ids[index], "--json"]) as? [String: Any])
            let attachments = try #require(shown["attachments"] as? [[String: Any]])
            #expect(attachments.count == (index == 0 ? 2 : 1) && attachments.allSatisfy { $0["uploaded"] as? Bool == true }, "\(attachments)")
        }
        // One file per distinct photo in the shared data folder, sealed (not the photo's bytes).
        let blobs = data.appending(path: "blobs")
        let stored = ((try? FileManager.default.contentsOfDirectory(atPath: blobs.path)) ?? []).flatMap { shard in
            ((try? FileManager.default.contentsOfDirectory(atPath: blobs.appending(path: shard).path)) ?? []).filter { !$0.hasPrefix(".") }
        }
        #expect(Set(stored) == [Hashes.sha256Hex(photo), sharedHash])
        let sealed = try Data(contentsOf: blobs.appending(path: String(sharedHash.prefix(2))).appending(path: sharedHash))
        #expect(sealed.range(of: shared.prefix(256)) == nil)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: data.appending(path: "uploads").path)) ?? []).isEmpty, "part files left behind")

        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let store = try await PostgresHubStore.open(url: url, directory: data, logger: logger)
        for id in ids {
            let revisions = try await store.revisions(of: id)
            #expect(revisions.count == 1 && revisions.first?.body.contains(sharedHash) == true)
        }
        await store.close()
        // Nothing left to send: the next sync uploads nothing.
        for laptop in laptops { #expect(try laptop.run(["sync"]).status == 0) }
    }

    /// Runs blocking jobs at once, each on a thread of its own (not the cooperative pool).
    static func concurrently<T: Sendable>(_ jobs: [@Sendable () -> T]) async -> [T] {
        await withCheckedContinuation { continuation in
            let lock = NSLock()
            nonisolated(unsafe) var results = [T?](repeating: nil, count: jobs.count)
            nonisolated(unsafe) var left = jobs.count
            for (index, job) in jobs.enumerated() {
                Thread.detachNewThread {
                    let value = job()
                    let done = lock.withLock {
                        results[index] = value
                        left -= 1
                        return left == 0
                    }
                    if done { continuation.resume(returning: results.compactMap { $0 }) }
                }
            }
        }
    }

    /// `sotay-hub serve --database` on a fresh database, with a data folder of its own.
    static func provinceHub() async throws -> (hub: HubProcess, url: String) {
        let url = try await freshDatabase()
        let data = FileManager.default.temporaryDirectory.appending(path: "sotay-hub-pg-\(UUID().uuidString)")
        return (try HubProcess(data: data, serveArguments: ["--database", url]), url)
    }

    /// A database of its own on the cluster at `SOTAY_TEST_POSTGRES_URL`.
    @Test("A province hub publishes a library: laptops of its communes take it at sync, a commune added later too, and a version already offered is refused")
    func contentPacks() async throws {
        let (hub, url) = try await Self.provinceHub()
        defer { hub.cleanUp() }
        func code(_ name: String, commune: String) throws -> String {
            try hub.enrolmentCode(name: name, commune: commune, database: url)
        }
        func laptop(_ code: String) throws -> Sotay {
            // On the bundled library: the test procedure reaches it only through the pack.
            let sotay = try Sotay(fixtureContent: false)
            try sotay.initProfile()
            let enrolled = try sotay.run(["enroll", hub.url, code])
            #expect(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")
            return sotay
        }
        let first = try laptop(try code("Nguyễn Văn An", commune: "Xã Gia Lộc"))
        defer { first.cleanUp() }
        #expect(try first.run(["show", "thu-nghiem"]).status != 0)

        let folder = FileManager.default.temporaryDirectory.appending(path: "sotay-pg-pack-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Sotay.fixtureContent, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let published = try hub.admin(["content", "publish", folder.path, "--version", "1000", "--publisher", "Sở KH&CN", "--database", url])
        #expect(published.status == 0 && published.stdout.contains("phiên bản 1000"), "\(published.stdout)\(published.stderr)")
        let listed = try hub.admin(["content", "list", "--database", url])
        #expect(listed.stdout.contains("1000 ·"), "\(listed.stdout)\(listed.stderr)")

        let sync = try first.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("Thư viện thủ tục đã cập nhật: phiên bản 1000 của Sở KH&CN"), "\(sync.stdout)")
        #expect(try first.run(["show", "thu-nghiem"]).stdout.contains("Kết quả: Giấy khai sinh"))

        // A commune that joins after the publication: its first laptop takes the same library.
        let later = try laptop(try code("Trần Thị Bình", commune: "Xã Hòa Bình"))
        defer { later.cleanUp() }
        let laterSync = try later.run(["sync"])
        #expect(laterSync.stdout.contains("Thư viện thủ tục đã cập nhật: phiên bản 1000"), "\(laterSync.stdout)\(laterSync.stderr)")
        #expect(try later.run(["content", "status"]).stdout.contains("phiên bản 1000"))

        // The same version again is refused, and nothing new is announced.
        let again = try hub.admin(["content", "publish", folder.path, "--version", "1000", "--database", url])
        #expect(again.status != 0 && again.stderr.contains("Không có gì được xuất bản"), "\(again.stdout)\(again.stderr)")
        let quiet = try first.run(["sync"])
        #expect(quiet.status == 0 && !quiet.stdout.contains("Thư viện thủ tục đã cập nhật"), "\(quiet.stdout)")
    }

    @Test("The USB relay into a province hub: export with no link, import with --database, the return file closes the outbox; a replay stores nothing")
    func relay() async throws {
        let (hub, url) = try await Self.provinceHub()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub, code: try hub.enrolmentCode(database: url))
        defer { laptop.sotay.cleanUp() }
        let photo = SampleFiles.jpeg(size: 150_000)
        let ids = [try laptop.dossier("Người dân Một", attaching: [try SampleFiles.write(photo, named: "giay.jpg", in: laptop.sotay.home)]),
                   try laptop.readyDossier("Phạm Thị Lan")]
        #expect(try hub.admin(["announce", "Họp tổ thứ Hai lúc 8 giờ", "--database", url]).status == 0)

        // The village: the hub is out of reach.
        hub.stop()
        let file = FileManager.default.temporaryDirectory.appending(path: "relay-pg-\(UUID().uuidString).relay")
        let back = FileManager.default.temporaryDirectory.appending(path: "relay-pg-\(UUID().uuidString).return")
        defer { try? FileManager.default.removeItem(at: file); try? FileManager.default.removeItem(at: back) }
        let exported = try laptop.sotay.run(["relay", "export", "--to", file.path])
        #expect(exported.status == 0 && exported.stdout.contains("2 hồ sơ, 1 ảnh"), "\(exported.stdout)\(exported.stderr)")

        // The province office, on the database.
        let imported = try hub.admin(["relay", "import", file.path, "--to", back.path, "--database", url])
        #expect(imported.status == 0 && imported.stdout.contains("2 hồ sơ mới, 0 đã có") && imported.stdout.contains("1 ảnh"),
                "\(imported.stdout)\(imported.stderr)")
        let listed = try #require(try hub.adminJSON(["dossiers", "list", "--json", "--database", url]) as? [[String: Any]])
        #expect(Set(listed.compactMap { $0["id"] as? String }) == Set(ids))
        let replay = try hub.admin(["relay", "import", file.path, "--to", back.path + ".again", "--database", url])
        #expect(replay.status != 0 && replay.stderr.contains("đã được nhận lúc"), "\(replay.stderr)")
        #expect(try #require(try hub.adminJSON(["dossiers", "list", "--json", "--database", url]) as? [[String: Any]]).count == 2)

        // Back in the village: receipts close the outbox, the photo counts as sent, the announcement is there.
        let applied = try laptop.sotay.run(["relay", "import", back.path])
        #expect(applied.status == 0 && applied.stdout.contains("2 biên nhận hồ sơ"), "\(applied.stdout)\(applied.stderr)")
        #expect(try laptop.status()["pendingDossiers"] as? Int == 0)
        let receipts = try #require(try laptop.draft(ids[0])["receipts"] as? [[String: Any]])
        #expect(receipts.count == 1 && receipts.first?["signatureValid"] as? Bool == true)
        let attachments = try #require(try laptop.draft(ids[0])["attachments"] as? [[String: Any]])
        #expect(!attachments.isEmpty && attachments.allSatisfy { $0["uploaded"] as? Bool == true })
        #expect(try laptop.sotay.run(["status"]).stdout.contains("Họp tổ thứ Hai"))

        // At the one-stop desk: the handout's QR code checked against the province hub, and a changed one refused.
        let handouts = laptop.sotay.home.appending(path: "phieu")
        let handout = try laptop.sotay.run(["drafts", "handout", String(ids[1].prefix(8)), "--out", handouts.path])
        #expect(handout.status == 0, "\(handout.stderr)")
        let png = try #require(try FileManager.default.contentsOfDirectory(atPath: handouts.path).first { $0.hasSuffix(".png") })
        let payload = try decodeQR(handouts.appending(path: png))
        let verified = try hub.admin(["receipts", "verify", payload, "--database", url])
        #expect(verified.status == 0 && verified.stdout.contains("✓ Biên nhận hợp lệ") && verified.stdout.contains("trạng thái received"),
                "\(verified.stdout)\(verified.stderr)")
        let changed = payload.replacingOccurrences(of: "\"revision\":1", with: "\"revision\":2")
        #expect(changed != payload)
        let refused = try hub.admin(["receipts", "verify", changed, "--lang", "en", "--database", url])
        #expect(refused.status == 1 && refused.stderr.contains("NOT valid"), "\(refused.stdout)\(refused.stderr)")
        // The data key that sealed this database, and a key that did not.
        let key = try hub.admin(["key", "check", "--database", url])
        #expect(key.status == 0 && key.stdout.contains("khớp") && key.stdout.contains("Dấu vân tay"), "\(key.stdout)\(key.stderr)")
        let otherKey = FileManager.default.temporaryDirectory.appending(path: "sotay-other-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: otherKey) }
        try FileManager.default.createDirectory(at: otherKey, withIntermediateDirectories: true)
        let runner = try Sotay(fixtureContent: false)
        defer { runner.cleanUp() }
        #expect(try runner.run(["key", "check", "--data", otherKey.path], executable: Sotay.hubBinary).status == 0)
        let wrong = try hub.admin(["key", "check", "--database", url, "--key-file", otherKey.appending(path: "hub-data.key").path])
        #expect(wrong.status != 0 && !wrong.stdout.contains("khớp"), "\(wrong.stdout)\(wrong.stderr)")

        // Online again: nothing left to send, nothing stored twice.
        try hub.start()
        let sync = try laptop.sotay.run(["sync"])
        #expect(sync.status == 0 && !sync.stdout.contains("✓ hồ sơ"), "\(sync.stdout)\(sync.stderr)")
        #expect(try #require(try hub.adminJSON(["dossiers", "list", "--json", "--database", url]) as? [[String: Any]]).count == 2)
    }

    static func freshDatabase() async throws -> String {
        guard let base = ProcessInfo.processInfo.environment["SOTAY_TEST_POSTGRES_URL"], var components = URLComponents(string: base),
              let port = components.port
        else { throw MissingCluster() }
        // Hex digits only: an identifier cannot be bound.
        let name = "e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let configuration = PostgresClient.Configuration(host: components.host ?? "127.0.0.1", port: port, username: components.user ?? "sotay",
                                                         password: components.password, database: "postgres", tls: .disable)
        let client = PostgresClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            group.cancelAll()
        }
        components.path = "/" + name
        guard let url = components.string else { throw MissingCluster() }
        return url
    }

    struct MissingCluster: Error, CustomStringConvertible {
        var description: String { "SOTAY_TEST_POSTGRES_URL is unset or not a postgres:// URL" }
    }
}
