import Foundation
import SoTayTestSupport
import SoTayWire
import Testing

@Suite("End to end: the hub's personal data sealed at rest", .serialized)
struct HubSealingEndToEndTests {
    static let name = "Hoàng Thị Xuân Mai"
    /// What `Laptop.dossier` answers for the mother's CCCD number and the phone.
    static let cccd = "001326012345"
    static let phone = "0912345678"

    /// Copies what a thief with the disk would take: the database, its WAL and the blob folder.
    static func copyDataFiles(of hub: HubProcess, to copy: URL) throws {
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for name in ["hub.sqlite", "hub.sqlite-wal", "blobs"] where FileManager.default.fileExists(atPath: hub.data.appending(path: name).path) {
            try FileManager.default.copyItem(at: hub.data.appending(path: name), to: copy.appending(path: name))
        }
    }

    /// Every regular file under `folder` that holds one of `needles`, by its relative path.
    static func filesHolding(_ needles: [Data], under folder: URL) throws -> [String] {
        var found: [String] = []
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let bytes = try Data(contentsOf: url)
            if needles.contains(where: { bytes.range(of: $0) != nil }) { found.append(url.path.replacingOccurrences(of: folder.path, with: "")) }
        }
        return found
    }

    static func hubCommand(_ arguments: [String]) throws -> Sotay.Result {
        let runner = try Sotay(fixtureContent: false)
        defer { runner.cleanUp() }
        return try runner.run(arguments, executable: Sotay.hubBinary)
    }

    @Test("After a real sync, a copy of the running hub's database, WAL and blob folder holds no name, CCCD number, phone or photo bytes; with the key the commune sees them all")
    func copyOfRunningHub() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let photo = SampleFiles.jpeg(size: 400_000)
        let file = try SampleFiles.write(photo, named: "CCCD \(Self.name).jpg", in: laptop.sotay.home.appending(path: "photos"))
        let id = try laptop.dossier(Self.name, attaching: [file])
        let sync = try laptop.sotay.run(["sync"])
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")

        let copy = FileManager.default.temporaryDirectory.appending(path: "hub-copy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try Self.copyDataFiles(of: hub, to: copy)
        let names = [Self.name.precomposedStringWithCanonicalMapping, Self.name.decomposedStringWithCanonicalMapping, "Xu\\u00e2n", "Hoàng"]
        let needles = names.map { Data($0.utf8) } + [Data(Self.cccd.utf8), Data(Self.phone.utf8)]
            + stride(from: 500, to: photo.count - 32, by: 25_000).map { Data(photo[$0..<($0 + 32)]) }
        #expect(FileManager.default.fileExists(atPath: copy.appending(path: "hub.sqlite-wal").path), "the copy includes the WAL of the running hub")
        #expect(try Self.filesHolding(needles, under: copy) == [])

        // With the key (by default in the data folder) the commune reads everything back.
        let out = copy.appending(path: "export")
        let detail = try #require(try hub.adminJSON(["dossiers", "show", id, "--json", "--export", out.path]) as? [String: Any])
        #expect((detail["dossier"] as? [String: Any])?["residentName"] as? String == Self.name)
        let attachment = try #require((detail["attachments"] as? [[String: Any]])?.first)
        let exported = try #require(attachment["path"] as? String)
        #expect(try Data(contentsOf: URL(fileURLWithPath: exported)) == photo)
        #expect((try FileManager.default.attributesOfItem(atPath: exported)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try hub.admin(["dossiers", "list"]).stdout.contains(Self.name))

        // Every one of those reads is in the audit log: the show, the photo handed out, the list.
        let audit = try #require(try hub.adminJSON(["audit", "--json"]) as? [[String: Any]])
        let rows = audit.map { ($0["action"] as? String ?? "", $0["dossierId"] as? String, $0["blobSHA256"] as? String) }
        #expect(rows.contains { $0.0 == "dossier.show" && $0.1 == id })
        #expect(rows.contains { $0.0 == "attachment.download" && $0.1 == id && $0.2 == (attachment["sha256"] as? String) })
        #expect(rows.contains { $0.0 == "dossier.list" && $0.1 == id })
    }

    @Test("sotay-hub refuses a key readable by others, a missing key and another key, in Vietnamese or English, and shows nothing sealed")
    func keyRefusals() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        try laptop.readyDossier(Self.name)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        hub.stop()
        let key = hub.data.appending(path: "hub-data.key")
        #expect((try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: key.path)
        let exposed = try Self.hubCommand(["dossiers", "list", "--data", hub.data.path])
        #expect(exposed.status == 1)
        #expect(exposed.stderr.contains("chmod 600 \(key.path)"), "\(exposed.stderr)")
        #expect(!exposed.stdout.contains(Self.name))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)

        let missing = hub.data.deletingLastPathComponent().appending(path: "no-such-\(UUID().uuidString).key")
        let served = try Self.hubCommand(["serve", "--data", hub.data.path, "--key-file", missing.path, "--listen", "127.0.0.1:0"])
        #expect(served.status == 1)
        #expect(served.stderr.contains("Không tạo khóa mới"), "\(served.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing.path), "no new key is made for a sealed database")

        let other = hub.data.deletingLastPathComponent().appending(path: "other-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: other) }
        let made = try Self.hubCommand(["key", "check", "--data", other.path])
        #expect(made.status == 0, "\(made.stderr)")
        let wrong = try Self.hubCommand(["dossiers", "list", "--data", hub.data.path, "--key-file", other.appending(path: "hub-data.key").path, "--lang", "en"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("is not the key this database was sealed with"), "\(wrong.stderr)")
        #expect(!wrong.stdout.contains(Self.name) && !wrong.stderr.contains(Self.name))

        // The key moved out of the data folder, as the README advises, and named by the environment.
        let kept = hub.data.deletingLastPathComponent().appending(path: "kept-\(UUID().uuidString).key")
        defer { try? FileManager.default.removeItem(at: kept) }
        try FileManager.default.moveItem(at: key, to: kept)
        var runner = try Sotay(fixtureContent: false)
        defer { runner.cleanUp() }
        runner.environment["SOTAY_HUB_KEY_FILE"] = kept.path
        let listed = try runner.run(["dossiers", "list", "--data", hub.data.path], executable: Sotay.hubBinary)
        #expect(listed.status == 0 && listed.stdout.contains(Self.name), "\(listed.stderr)")
        let checked = try runner.run(["key", "check", "--data", hub.data.path], executable: Sotay.hubBinary)
        #expect(checked.stdout.contains("khớp"), "\(checked.stderr)")
    }
}
