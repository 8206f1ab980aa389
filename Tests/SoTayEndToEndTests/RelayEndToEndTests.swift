import Foundation
import SoTayTestSupport
import SoTayWire
import Testing

/// The USB relay, driven as the volunteer and the commune's IT person do: `sotay relay export`
/// on a laptop with no link, `sotay-hub relay import` at the commune, `sotay relay import` of the
/// return file back on the laptop.
@Suite("End to end: the USB relay for a village with no link", .serialized)
struct RelayEndToEndTests {
    /// Two dossiers with a photo each and one without, ready on the laptop.
    private func villageDay(_ laptop: Laptop) throws -> (ids: [String], blobs: [String: Int]) {
        let folder = laptop.sotay.home.appending(path: "photos")
        var blobs: [String: Int] = [:]
        var ids: [String] = []
        for number in 0..<2 {
            let data = SampleFiles.jpeg(size: 200_000 + number * 1000)
            blobs[Hashes.sha256Hex(data)] = data.count
            ids.append(try laptop.dossier("Người dân \(number)", attaching: [try SampleFiles.write(data, named: "giay-\(number).jpg", in: folder)]))
        }
        ids.append(try laptop.readyDossier("Phạm Thị Lan"))
        return (ids, blobs)
    }

    private func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appending(path: "relay-\(UUID().uuidString)-\(name)")
    }

    @Test("Round trip: export, import at the hub, return file on the laptop; a second import is refused and stores nothing twice")
    func roundTrip() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let (ids, blobs) = try villageDay(laptop)
        let pendingActivities = try #require(try laptop.status()["pendingActivities"] as? Int)
        #expect(try laptop.status()["pendingDossiers"] as? Int == 3)
        #expect(try hub.admin(["announce", "Họp tổ thứ Hai lúc 8 giờ"]).status == 0)

        // The village: no link, the hub is not reachable from here.
        hub.stop()
        let file = temporaryFile("sotay.relay")
        let back = temporaryFile("sotay.return")
        defer { try? FileManager.default.removeItem(at: file); try? FileManager.default.removeItem(at: back) }
        let exported = try laptop.sotay.run(["relay", "export", "--to", file.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("3 hồ sơ, 2 ảnh"), "\(exported.stdout)")
        // Sealed: neither a name nor a photo's bytes can be read off the stick.
        let sealed = try Data(contentsOf: file)
        #expect(sealed.range(of: Data("Phạm Thị Lan".utf8)) == nil)
        #expect(sealed.range(of: Data("resident_name".utf8)) == nil)
        // Nothing left the outbox: only receipts do that.
        #expect(try laptop.status()["pendingDossiers"] as? Int == 3)

        // The commune office.
        let imported = try hub.admin(["relay", "import", file.path, "--to", back.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("3 hồ sơ mới, 0 đã có"), "\(imported.stdout)")
        let stored = try hubDossiers(hub)
        #expect(Set(stored.keys) == Set(ids))
        #expect(stored.values.allSatisfy { $0["latestRevision"] as? Int == 1 })
        #expect(try hubBlobs(hub) == blobs)

        // The same file again: refused with a clear line, nothing stored twice.
        let replay = try hub.admin(["relay", "import", file.path, "--to", temporaryFile("again").path])
        #expect(replay.status == 1)
        #expect(replay.stderr.contains("đã được nhận lúc") && replay.stderr.contains("Không lưu gì."), "\(replay.stderr)")
        let replayEnglish = try hub.admin(["relay", "import", file.path, "--lang", "en", "--to", temporaryFile("again").path])
        #expect(replayEnglish.stderr.contains("was already imported"), "\(replayEnglish.stderr)")
        #expect(try hubDossiers(hub).count == 3)

        // Back in the village: the return file closes the outbox with the hub's receipts.
        let applied = try laptop.sotay.run(["relay", "import", back.path])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("3 biên nhận hồ sơ"), "\(applied.stdout)")
        #expect(try laptop.status()["pendingDossiers"] as? Int == 0)
        #expect(try laptop.status()["pendingActivities"] as? Int == 0, "had \(pendingActivities) log entries waiting")
        let receipts = try #require(try laptop.draft(ids[0])["receipts"] as? [[String: Any]])
        #expect(receipts.count == 1 && receipts.first?["signatureValid"] as? Bool == true)
        let shown = try #require(try laptop.draft(ids[0])["attachments"] as? [[String: Any]])
        #expect(shown.allSatisfy { $0["uploaded"] as? Bool == true })
        // The announcement came back in the change feed.
        let status = try laptop.sotay.run(["status"])
        #expect(status.stdout.contains("Họp tổ thứ Hai"), "\(status.stdout)")

        // The return file again changes nothing; an online sync then finds nothing to send.
        let again = try laptop.sotay.run(["relay", "import", back.path])
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 biên nhận"), "\(again.stdout)")
        try hub.start()
        let sync = try laptop.sotay.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(!sync.stdout.contains("✓ hồ sơ"), "\(sync.stdout)")
        #expect(try hubDossiers(hub).count == 3)
    }

    @Test("A file imported after the laptop synced online stores nothing new and answers with the same receipts")
    func afterOnlineSync() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let (ids, blobs) = try villageDay(laptop)
        let file = temporaryFile("sotay.relay")
        let back = temporaryFile("sotay.return")
        defer { try? FileManager.default.removeItem(at: file); try? FileManager.default.removeItem(at: back) }
        #expect(try laptop.sotay.run(["relay", "export", "--to", file.path]).status == 0)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        let receipt = try #require((try laptop.draft(ids[2])["receipts"] as? [[String: Any]])?.first?["receivedAt"] as? String)

        let imported = try hub.admin(["relay", "import", file.path, "--to", back.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("0 hồ sơ mới, 3 đã có") && imported.stdout.contains("0 ảnh"), "\(imported.stdout)")
        #expect(try hubDossiers(hub).count == 3)
        #expect(try hubBlobs(hub) == blobs)
        let applied = try laptop.sotay.run(["relay", "import", back.path])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("3 hồ sơ đã có biên nhận từ trước"), "\(applied.stdout)")
        let receipts = try #require(try laptop.draft(ids[2])["receipts"] as? [[String: Any]])
        #expect(receipts.count == 1 && receipts.first?["receivedAt"] as? String == receipt)
    }

    @Test("A tampered file, a file for another hub, a half-copied file, a changed return file: each refused in one line, nothing applied")
    func refusals() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        _ = try villageDay(laptop)
        let file = temporaryFile("sotay.relay")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try laptop.sotay.run(["relay", "export", "--to", file.path]).status == 0)
        let good = try Data(contentsOf: file)

        func refused(_ bytes: Data, _ vietnamese: String, _ english: String, on target: HubProcess) throws {
            let copy = temporaryFile("copy.relay")
            defer { try? FileManager.default.removeItem(at: copy) }
            try bytes.write(to: copy)
            let result = try target.admin(["relay", "import", copy.path, "--to", copy.path + ".return"])
            #expect(result.status == 1 && result.stderr.contains(vietnamese) && result.stderr.contains("Không lưu gì."), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: copy.path + ".return"))
            let inEnglish = try target.admin(["relay", "import", copy.path, "--lang", "en"])
            #expect(inEnglish.status == 1 && inEnglish.stderr.contains(english), "\(inEnglish.stderr)")
        }

        var tampered = good
        tampered[tampered.count / 2] ^= 0x01
        try refused(tampered, "đã bị sửa hoặc hỏng", "was changed or damaged", on: hub)
        // A changed header (the device id) is caught too: the header is sealed with the body.
        var header = good
        if let range = header.range(of: Data("dev-".utf8)) { header[range.upperBound] = header[range.upperBound] == 0x32 ? 0x33 : 0x32 }
        try refused(header, "đã bị sửa hoặc hỏng", "was changed or damaged", on: hub)
        try refused(good.prefix(good.count * 6 / 10), "chưa chép đủ", "was not copied whole", on: hub)
        try refused(good.prefix(9), "chưa chép đủ", "was not copied whole", on: hub)
        let otherHub = try HubProcess()
        defer { otherHub.cleanUp() }
        try refused(good, "máy chủ xã khác", "another commune hub", on: otherHub)
        #expect(try hubDossiers(hub).isEmpty, "a refused file stored something")
        #expect(try hubBlobs(hub).isEmpty)

        // The good file still goes through; its return file, changed, is refused on the laptop.
        let back = temporaryFile("sotay.return")
        defer { try? FileManager.default.removeItem(at: back) }
        #expect(try hub.admin(["relay", "import", file.path, "--to", back.path]).status == 0)
        var changed = try Data(contentsOf: back)
        changed[changed.count - 100] ^= 0x40
        let changedFile = temporaryFile("changed.return")
        defer { try? FileManager.default.removeItem(at: changedFile) }
        try changed.write(to: changedFile)
        let refusedBack = try laptop.sotay.run(["relay", "import", changedFile.path])
        #expect(refusedBack.status == 1 && refusedBack.stderr.contains("đã bị sửa hoặc hỏng") && refusedBack.stderr.contains("Chưa áp dụng gì."),
                "\(refusedBack.stderr)")
        #expect(try laptop.status()["pendingDossiers"] as? Int == 3)
        let halfBack = temporaryFile("half.return")
        defer { try? FileManager.default.removeItem(at: halfBack) }
        try changed.prefix(changed.count / 2).write(to: halfBack)
        let english = try laptop.sotay.run(["relay", "import", halfBack.path, "--lang", "en"])
        #expect(english.status == 1 && english.stderr.contains("was not copied whole"), "\(english.stderr)")
        // The file for the hub, given to the laptop by mistake.
        let wrong = try laptop.sotay.run(["relay", "import", file.path])
        #expect(wrong.status == 1 && wrong.stderr.contains("không phải tệp trả về"), "\(wrong.stderr)")
        #expect(try laptop.status()["pendingDossiers"] as? Int == 3)
        #expect(try laptop.sotay.run(["relay", "import", back.path]).status == 0)
        #expect(try laptop.status()["pendingDossiers"] as? Int == 0)
    }
}
