import Foundation
import GRDB
import SoTayTestSupport
import SoTayWire
import Testing

extension Laptop {
    /// A complete draft with `files` attached as its birth certificate, marked ready.
    @discardableResult
    func dossier(_ name: String, attaching files: [URL]) throws -> String {
        let answers: [String: Any] = [
            "resident_name": name, "resident_phone": "0912345678", "ngay_sinh": "01/02/2026", "noi_sinh": "1",
            "giay_chung_sinh": true, "so_cccd_me": "001326012345", "so_con": 1,
        ]
        try JSONSerialization.data(withJSONObject: answers).write(to: self.answers)
        let guided = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", self.answers.path, "--no-input"])
        guard guided.status == 0, let id = guided.stdout.split(separator: "\n").first.map(String.init) else {
            throw CommandFailed(arguments: ["guide"], result: guided)
        }
        let attached = try sotay.run(["attach", id] + files.map(\.path) + ["--document", "giay_chung_sinh"])
        guard attached.status == 0 else { throw CommandFailed(arguments: ["attach"], result: attached) }
        let ready = try sotay.run(["drafts", "ready", id])
        guard ready.status == 0 else { throw CommandFailed(arguments: ["drafts", "ready"], result: ready) }
        return id
    }
}

/// The blobs in the hub's own folder, opened with `sotay-hub blobs export` (the files are
/// sealed), each checked against the name it is stored under.
func hubBlobs(_ hub: HubProcess) throws -> [String: Int] {
    let folder = hub.data.appending(path: "blobs")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).flatMap { shard in
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.appending(path: shard).path)) ?? []).filter { !$0.hasPrefix(".") }
    }
    guard !names.isEmpty else { return [:] }
    let out = FileManager.default.temporaryDirectory.appending(path: "hub-blobs-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: out) }
    let exported = try hub.admin(["blobs", "export"] + names + ["--out", out.path])
    guard exported.status == 0 else { throw CommandFailed(arguments: ["blobs", "export"], result: exported) }
    var found: [String: Int] = [:]
    for name in names {
        let data = try Data(contentsOf: out.appending(path: name))
        #expect(Hashes.sha256Hex(data) == name, "blob \(name) on the hub is not byte-identical to what was attached")
        found[name] = data.count
    }
    return found
}

@Suite("End to end: attachments over links that drop", .serialized)
struct AttachmentTests {
    @Test("30 dossiers × 2 photos through a proxy that cuts every 128 KB: each arrives once, every blob identical, ≤ 1.25× the bytes")
    func cuttingLink() async throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let proxy = try FaultProxy(targetPort: hub.port)
        defer { try? proxy.syncShutdown() }
        var laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        // The laptop reaches the hub only through the proxy from now on.
        laptop.sotay.environment["SOTAY_PROBE_SECONDS"] = "3600"
        let files = laptop.sotay.home.appending(path: "photos")
        var expected: [String: Int] = [:]
        var ids: [String] = []
        for number in 0..<30 {
            let photos = try (0..<2).map { page in
                let data = SampleFiles.jpeg(size: 300_000 + Int.random(in: -20_000...20_000))
                expected[Hashes.sha256Hex(data)] = data.count
                return try SampleFiles.write(data, named: "ảnh \(number)-\(page).jpg", in: files)
            }
            ids.append(try laptop.dossier("Người dân \(number)", attaching: photos))
        }
        let attachmentBytes = expected.values.reduce(0, +)

        proxy.setFaults(.init(cutAfterUpstreamBytes: 128 * 1024))
        let sync = try laptop.sotay.run(["sync", "--hub", "http://127.0.0.1:\(proxy.port)"])
        #expect(sync.status == 0, "\(sync.stdout)\n\(sync.stderr)")

        let stats = proxy.stats
        #expect(stats.cuts > 50, "the proxy should have cut many connections, cut \(stats.cuts)")
        let ratio = Double(stats.upstreamBytes) / Double(attachmentBytes)
        #expect(ratio <= 1.25, "sent \(stats.upstreamBytes) bytes for \(attachmentBytes) attachment bytes (\(ratio)×)")

        let stored = try hubDossiers(hub)
        #expect(Set(stored.keys) == Set(ids))
        #expect(stored.values.allSatisfy { $0["latestRevision"] as? Int == 1 })
        #expect(try hubBlobs(hub) == expected)
        // Every attachment shows as on the hub.
        let shown = try #require(try laptop.draft(ids[0])["attachments"] as? [[String: Any]])
        #expect(shown.count == 2 && shown.allSatisfy { $0["uploaded"] as? Bool == true })
        // Nothing left to send, nothing sent twice.
        let again = try laptop.sotay.run(["sync", "--hub", "http://127.0.0.1:\(proxy.port)"])
        #expect(again.status == 0)
        #expect(try hubDossiers(hub).count == 30)
    }

    @Test("The hub stopped and started again mid-upload: the upload goes on from the hub's recorded offset, not from zero")
    func hubRestartMidUpload() async throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        // Slow enough that the upload is still running when the hub stops.
        // Slow enough (16 s for the file) that a busy test machine still finds the upload in the
        // middle: at 1.5 MB/s, a runner whose threads were busy saw it finish before it looked.
        let proxy = try FaultProxy(targetPort: hub.port, faults: .init(bytesPerSecond: 500_000))
        defer { try? proxy.syncShutdown() }
        let laptop = try Laptop(hub: hub, probeSeconds: 3600)
        defer { laptop.sotay.cleanUp() }
        let photo = SampleFiles.jpeg(size: 8_000_000)
        let file = try SampleFiles.write(photo, named: "so-do.jpg", in: laptop.sotay.home)
        let id = try laptop.dossier("Lê Thị Hoa", attaching: [file])

        let sotay = laptop.sotay
        let port = proxy.port
        let sync = Task.detached { try sotay.run(["sync", "--hub", "http://127.0.0.1:\(port)"]) }

        // Wait until the hub has recorded a good part of the blob, then kill it. Not SIGTERM: a
        // gracefully stopping hub finishes the PATCH in flight, which could be the one that ends
        // the file. The watching runs on a thread of its own: in the full suite the test's task
        // can wait seconds for one of the two cooperative threads while other tests block them,
        // and the upload finished before it looked (seen twice in fresh-clone runs).
        let database = hub.data.appending(path: "hub.sqlite")
        var recorded = await Self.killHub(hub, whenRecorded: 2_500_000, database: database, within: 60)
        #expect(recorded >= 2_500_000, "the upload never got far enough to test a restart")
        hub.kill()
        recorded = try Self.uploadOffset(database)
        let sentBeforeRestart = proxy.stats.upstreamBytes
        #expect(recorded < Int64(photo.count), "the upload finished before the hub stopped")
        try await Task.sleep(for: .seconds(1))
        try hub.start()

        let result = try await sync.value
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(try hubDossiers(hub)[id]?["latestRevision"] as? Int == 1)
        #expect(try hubBlobs(hub) == [Hashes.sha256Hex(photo): photo.count])
        // From zero, the rest would be the whole file again; from the recorded offset, the remainder.
        let sentAfterRestart = proxy.stats.upstreamBytes - sentBeforeRestart
        let remainder = photo.count - Int(recorded)
        #expect(sentAfterRestart <= remainder + remainder / 10 + 64 * 1024,
                "after the restart \(sentAfterRestart) bytes went up for a remainder of \(remainder) (recorded offset \(recorded))")
    }

    /// The offset of the hub's one upload, read from its own database.
    /// Polls the hub's recorded offset every 50 ms on a thread of its own and kills the hub as
    /// soon as it reaches `threshold`; the offset last seen.
    static func killHub(_ hub: HubProcess, whenRecorded threshold: Int64, database: URL, within seconds: TimeInterval) async -> Int64 {
        await withCheckedContinuation { continuation in
            Thread {
                var recorded: Int64 = 0
                let deadline = Date().addingTimeInterval(seconds)
                while recorded < threshold && Date() < deadline {
                    usleep(50_000)
                    recorded = (try? uploadOffset(database)) ?? recorded
                }
                if recorded >= threshold { hub.kill() }
                continuation.resume(returning: recorded)
            }.start()
        }
    }

    static func uploadOffset(_ database: URL) throws -> Int64 {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: database.path, configuration: configuration)
        return try queue.read { db in try Int64.fetchOne(db, sql: "SELECT offset FROM upload ORDER BY createdAt LIMIT 1") } ?? 0
    }

    @Test("A renamed text file, a truncated JPEG, a file over the limit and a name with ../ are refused clearly, and nothing is stored")
    func badFiles() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub, probeSeconds: 3600)
        defer { laptop.sotay.cleanUp() }
        let id = try laptop.readyDossier()
        let folder = laptop.sotay.home.appending(path: "incoming")
        let text = try SampleFiles.write(Data("Đây là một tệp văn bản, không phải ảnh.\n".utf8), named: "giay-khai-sinh.jpg", in: folder)
        let whole = SampleFiles.jpeg(size: 200_000)
        let truncated = try SampleFiles.write(whole.prefix(120_000), named: "cut.jpg", in: folder)
        let large = try SampleFiles.write(SampleFiles.jpeg(size: 1_200_000), named: "large.jpg", in: folder)
        let good = try SampleFiles.write(whole, named: "good.jpg", in: folder)
        #expect(try laptop.sotay.run(["settings", "attachment-max-mb", "1"]).status == 0)

        let cases: [(arguments: [String], says: String)] = [
            ([text.path], "không phải ảnh JPEG, PNG hay tệp PDF"),
            ([truncated.path], "bị thiếu phần cuối"),
            ([large.path], "quá giới hạn 1.0 MB"),
            ([good.path, "--label", "../../etc/passwd"], "không được có dấu /"),
        ]
        for (arguments, says) in cases {
            let result = try laptop.sotay.run(["attach", id] + arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(says), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("Không có gì được lưu"))
            #expect(!result.stderr.contains("Fatal") && !result.stderr.contains("Stack"))
        }
        // English on request.
        let english = try laptop.sotay.run(["attach", id, text.path, "--lang", "en"])
        #expect(english.stderr.contains("is not a JPEG or PNG image or a PDF"))

        #expect(try #require(laptop.draft(id)["attachments"] as? [[String: Any]]).isEmpty)
        let blobs = laptop.sotay.home.appending(path: "blobs")
        let stored = FileManager.default.enumerator(at: blobs, includingPropertiesForKeys: [.isRegularFileKey])?
            .compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true } ?? []
        #expect(stored.isEmpty, "files were stored: \(stored)")

        // The good file goes in, under its hash, labelled with its own name only.
        let attached = try laptop.sotay.run(["attach", id, good.path, "--document", "giay_chung_sinh"])
        #expect(attached.status == 0, "\(attached.stderr)")
        let shown = try #require(try laptop.draft(id)["attachments"] as? [[String: Any]])
        #expect(shown.count == 1)
        #expect(shown.first?["label"] as? String == "good.jpg")
        #expect(shown.first?["sha256"] as? String == Hashes.sha256Hex(whole))
        #expect(FileManager.default.fileExists(atPath: blobs.appending(path: String(Hashes.sha256Hex(whole).prefix(2))).appending(path: Hashes.sha256Hex(whole)).path))
        // The same file again is not stored twice.
        let twice = try laptop.sotay.run(["attach", id, good.path])
        #expect(twice.stdout.contains("đã được đính kèm hồ sơ này rồi"))
        #expect(try #require(try laptop.draft(id)["attachments"] as? [[String: Any]]).count == 1)
    }

    @Test("At a document step of a guided session, a file path is an answer: the photo is attached and the paper counts as present")
    func attachInGuidedSession() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let photo = try SampleFiles.write(SampleFiles.jpeg(size: 50_000), named: "giấy chứng sinh.jpg", in: sotay.home)
        let text = try SampleFiles.write(Data("not a photo".utf8), named: "notes.jpg", in: sotay.home)
        // name, phone, birth date, place (1: health facility), then the birth certificate: first a
        // file that is refused (asked again), then the photo; then the rest.
        let input = ["Phạm Thị Mai", "0912345678", "01/02/2026", "1", text.path, photo.path, "001326012345", "1", "bỏ qua", "không"].joined(separator: "\n") + "\n"
        let result = try sotay.run(["guide", "thu-nghiem"], input: "có\n" + input)
        #expect(result.stdout.contains("không phải ảnh JPEG"), "\(result.stdout)")
        #expect(result.stdout.contains("✓ Đã đính kèm giấy chứng sinh.jpg"), "\(result.stdout)")
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        let id = try #require(drafts.first?["id"] as? String)
        let shown = try #require(try sotay.json(["drafts", "show", id, "--json"]) as? [String: Any])
        #expect((shown["attachments"] as? [[String: Any]])?.first?["document"] as? String == "giay_chung_sinh")
        #expect((shown["documentsHave"] as? [String])?.contains("giay_chung_sinh") == true)
    }
}
