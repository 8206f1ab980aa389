import Foundation
import GRDB
import SoTayTestSupport
import SoTayWire
import Testing

/// A copy of the test library that a test may correct before publishing it.
private struct ContentFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "sotay-pack-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Sotay.fixtureContent, to: url)
    }

    var path: String { url.path }

    func replace(_ file: String, _ old: String, _ new: String) throws {
        let target = url.appending(path: file)
        let text = try String(contentsOf: target, encoding: .utf8)
        #expect(text.contains(old), "\(file) has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: target, atomically: true, encoding: .utf8)
    }

    func write(_ file: String, _ text: String) throws {
        try text.write(to: url.appending(path: file), atomically: true, encoding: .utf8)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A laptop on the bundled library (no `SOTAY_CONTENT`), enrolled with `hub`.
private func enrolledLaptop(_ hub: HubProcess) throws -> Sotay {
    let sotay = try Sotay(fixtureContent: false)
    try sotay.initProfile()
    let enrolled = try sotay.run(["enroll", hub.url, try hub.enrolmentCode()])
    guard enrolled.status == 0 else { throw CommandFailed(arguments: ["enroll"], result: enrolled) }
    return sotay
}

private func publish(_ hub: HubProcess, _ folder: String, version: Int, publisher: String = "Xã Gia Lộc") throws {
    let result = try hub.admin(["content", "publish", folder, "--version", String(version), "--publisher", publisher])
    guard result.status == 0 else { throw CommandFailed(arguments: ["content", "publish"], result: result) }
}

private func offered(_ hub: HubProcess, _ version: Int) -> URL {
    hub.data.appending(path: "content-packs/\(version).sotaypack")
}

/// What a hub in someone else's hands does: serves other bytes under an announced version, and
/// announces their real size and hash so that only the signature can catch them.
private func serveInstead(_ hub: HubProcess, version: Int, _ bytes: Data) throws {
    try bytes.write(to: offered(hub, version))
    let announcement = String(decoding: try WireProtocol.encoder().encode(ContentAnnouncement(version: version, size: bytes.count, sha256: Hashes.sha256Hex(bytes))),
                              as: UTF8.self)
    let queue = try DatabaseQueue(path: hub.data.appending(path: "hub.sqlite").path)
    try queue.write { db in
        try db.execute(sql: "UPDATE change SET message = ? WHERE kind = 'content' AND message LIKE ?", arguments: [announcement, "%\"version\":\(version)%"])
        #expect(db.changesCount == 1)
    }
}

/// The answers of a whole `thu-nghiem` draft.
private func answersFile(_ sotay: Sotay) throws -> String {
    let url = sotay.home.appending(path: "answers.json")
    let answers: [String: Any] = [
        "resident_name": "Trần Văn Bình", "resident_phone": "0912345678", "ngay_sinh": "01/02/2026", "noi_sinh": "1",
        "giay_chung_sinh": true, "so_cccd_me": "001326012345", "so_con": 1,
    ]
    try JSONSerialization.data(withJSONObject: answers).write(to: url)
    return url.path
}

private func question(_ sotay: Sotay, draft: String, step: String) throws -> String? {
    let shown = try #require(try sotay.json(["drafts", "show", draft, "--json"]) as? [String: Any])
    let answers = try #require(shown["answers"] as? [[String: Any]])
    return answers.first { $0["id"] as? String == step }?["question"] as? String
}

@Suite("End to end: signed content packs from the hub", .serialized)
struct ContentPackEndToEndTests {
    @Test("A hub publishes a corrected pack, the laptop takes it at sync and guides with it; a draft keeps the questions it started with")
    func correctedPack() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let sotay = try enrolledLaptop(hub)
        defer { sotay.cleanUp() }
        // The bundled library has no test procedure.
        #expect(try sotay.run(["show", "thu-nghiem"]).status != 0)

        let first = try ContentFolder()
        defer { first.cleanUp() }
        try publish(hub, first.path, version: 1000)
        let sync = try sotay.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("Thư viện thủ tục đã cập nhật: phiên bản 1000 của Xã Gia Lộc"), "\(sync.stdout)")
        let status = try sotay.run(["content", "status"])
        #expect(status.stdout.contains("phiên bản 1000"), "\(status.stdout)")
        #expect(status.stdout.contains("khóa của máy chủ xã"))
        #expect(try sotay.run(["show", "thu-nghiem"]).stdout.contains("Kết quả: Giấy khai sinh"))
        // Listed and found from the pack's listing, kept after the first search.
        #expect(try sotay.run(["procedures"]).stdout.contains("thu-nghiem"))
        #expect(try sotay.run(["procedures", "thử nghiệm"]).stdout.contains("thu-nghiem"))

        // A draft started on version 1000.
        let started = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", try answersFile(sotay), "--no-input"])
        #expect(started.status == 0, "\(started.stderr)")
        let draft = try #require(started.stdout.split(separator: "\n").first.map(String.init))
        #expect(try question(sotay, draft: draft, step: "so_con") == "Đây là con thứ mấy?")

        // The corrected library: a question reworded, the result renamed, a procedure added.
        let second = try ContentFolder()
        defer { second.cleanUp() }
        try second.replace("procedures/thu-nghiem.yaml", "text: Đây là con thứ mấy?", "text: Cháu là con thứ mấy trong gia đình?")
        try second.replace("procedures/thu-nghiem.yaml", "result: Giấy khai sinh", "result: Giấy khai sinh (bản sửa)")
        let added = try String(contentsOf: second.url.appending(path: "procedures/thu-nghiem.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "id: thu-nghiem\n", with: "id: thu-nghiem-hai\n")
        try second.write("procedures/thu-nghiem-hai.yaml", added)
        try publish(hub, second.path, version: 2000)
        let update = try sotay.run(["sync"])
        #expect(update.status == 0, "\(update.stderr)")
        #expect(update.stdout.contains("Thư viện thủ tục đã cập nhật: phiên bản 2000 của Xã Gia Lộc — thêm thu-nghiem-hai; sửa thu-nghiem"), "\(update.stdout)")
        #expect(try sotay.run(["show", "thu-nghiem"]).stdout.contains("Kết quả: Giấy khai sinh (bản sửa)"))
        #expect(try sotay.run(["show", "thu-nghiem-hai"]).status == 0)
        // The kept listing was of version 1000: the new procedure is listed.
        #expect(try sotay.run(["procedures"]).stdout.contains("thu-nghiem-hai"))
        // The draft keeps version 1000's questions; a new one gets the corrected ones.
        #expect(try question(sotay, draft: draft, step: "so_con") == "Đây là con thứ mấy?")
        let fresh = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", try answersFile(sotay), "--no-input"])
        let freshDraft = try #require(fresh.stdout.split(separator: "\n").first.map(String.init))
        #expect(try question(sotay, draft: freshDraft, step: "so_con") == "Cháu là con thứ mấy trong gia đình?")

        let diff = try sotay.run(["content", "diff", "--from", "1000"])
        #expect(diff.stdout.contains("+ thu-nghiem-hai") && diff.stdout.contains("~ thu-nghiem\n"), "\(diff.stdout)")

        // The way back, and forward again.
        #expect(try sotay.run(["content", "use", "bundled"]).status == 0)
        #expect(try sotay.run(["show", "thu-nghiem"]).status != 0)
        #expect(try !sotay.run(["procedures"]).stdout.contains("thu-nghiem"))
        #expect(try sotay.run(["content", "status", "--lang", "en"]).stdout.contains("Library: the built-in one"))
        #expect(try sotay.run(["content", "use", "2000"]).status == 0)
        #expect(try sotay.run(["show", "thu-nghiem-hai"]).status == 0)

        // A pack past its expiry is used, with a warning on every command, never silently.
        let third = try ContentFolder()
        defer { third.cleanUp() }
        try third.replace("procedures/thu-nghiem.yaml", "result: Giấy khai sinh", "result: Giấy khai sinh (bản 3)")
        #expect(try hub.admin(["content", "publish", third.path, "--version", "3000", "--expires-days", "0"]).status == 0)
        let late = try sotay.run(["sync"])
        #expect(late.stdout.contains("Thư viện thủ tục đã cập nhật: phiên bản 3000") && late.stdout.contains("Gói này đã quá hạn"), "\(late.stdout)")
        let shown = try sotay.run(["show", "thu-nghiem"])
        #expect(shown.status == 0 && shown.stdout.contains("Kết quả: Giấy khai sinh (bản 3)"))
        #expect(shown.stderr.contains("Thư viện thủ tục phiên bản 3000 đã hết hạn ngày"), "\(shown.stderr)")
        // Listing it warns too, whether its listing is worked out or read back.
        for _ in 0..<2 {
            let listed = try sotay.run(["procedures"])
            #expect(listed.status == 0 && listed.stdout.contains("thu-nghiem"))
            #expect(listed.stderr.contains("Thư viện thủ tục phiên bản 3000 đã hết hạn ngày"), "\(listed.stderr)")
        }
        #expect(try sotay.run(["content", "status"]).stdout.contains("ĐÃ HẾT HẠN"))
    }

    @Test("A tampered pack, one signed by an unknown key, a replayed older one and a truncated download are refused; the laptop keeps its library")
    func refusals() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let sotay = try enrolledLaptop(hub)
        defer { sotay.cleanUp() }
        let folder = try ContentFolder()
        defer { folder.cleanUp() }
        try publish(hub, folder.path, version: 1000)
        #expect(try sotay.run(["sync"]).status == 0)
        let good = try Data(contentsOf: offered(hub, 1000))

        func keepsLibrary(_ refusal: Sotay.Result, _ line: String) throws {
            #expect(refusal.status == 0, "\(refusal.stderr)")
            #expect(refusal.stderr.contains(line), "\(refusal.stderr)")
            #expect(!refusal.stdout.contains("Thư viện thủ tục đã cập nhật"))
            #expect(try sotay.run(["content", "status"]).stdout.contains("phiên bản 1000"))
            let shown = try sotay.run(["show", "thu-nghiem"]).stdout
            #expect(shown.contains("Kết quả: Giấy khai sinh") && !shown.contains("(bản sửa)"))
        }

        let corrected = try ContentFolder()
        defer { corrected.cleanUp() }
        try corrected.replace("procedures/thu-nghiem.yaml", "result: Giấy khai sinh", "result: Giấy khai sinh (bản sửa)")

        // Tampered: a file changed after signing, the manifest and signature left as they were.
        try publish(hub, corrected.path, version: 2000)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: offered(hub, 2000))) as? [String: Any])
        var files = try #require(object["files"] as? [String: String])
        let encoded = try #require(files["procedures/thu-nghiem.yaml"])
        let procedure = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        files["procedures/thu-nghiem.yaml"] = Data(procedure.replacingOccurrences(of: "Miễn lệ phí", with: "Lệ phí 500.000 đồng").utf8).base64EncodedString()
        object["files"] = files
        try serveInstead(hub, version: 2000, try JSONSerialization.data(withJSONObject: object))
        try keepsLibrary(try sotay.run(["sync"]), "Gói thư viện thủ tục đã bị sửa sau khi ký (tệp procedures/thu-nghiem.yaml không khớp chữ ký)")

        // Signed by a key the laptop never learned (the maintainers' tools, someone else's key).
        let keyFile = folder.url.deletingLastPathComponent().appending(path: "stranger-\(UUID().uuidString).key")
        let otherPack = folder.url.deletingLastPathComponent().appending(path: "stranger-\(UUID().uuidString).sotaypack")
        defer { try? FileManager.default.removeItem(at: keyFile); try? FileManager.default.removeItem(at: otherPack) }
        #expect(try hub.admin(["content", "keygen", "--out", keyFile.path]).status == 0)
        let signed = try hub.admin(["content", "sign", corrected.path, "--key", keyFile.path, "--out", otherPack.path, "--version", "3000"])
        #expect(signed.status == 0, "\(signed.stderr)")
        // The hub itself refuses to publish it.
        let refusedPublish = try hub.admin(["content", "publish", otherPack.path])
        #expect(refusedPublish.status == 1)
        #expect(refusedPublish.stderr.contains("khóa không được tin cậy") && refusedPublish.stderr.contains("Không có gì được xuất bản"), "\(refusedPublish.stderr)")
        try publish(hub, corrected.path, version: 3000)
        try serveInstead(hub, version: 3000, try Data(contentsOf: otherPack))
        let english = try sotay.run(["sync", "--lang", "en"])
        #expect(english.stderr.contains("The procedure library pack is signed by a key this laptop does not trust"), "\(english.stderr)")
        try keepsLibrary(english, "The current library is kept")

        // Replayed: version 1000's own bytes, validly signed, announced as something new.
        try publish(hub, corrected.path, version: 4000)
        try serveInstead(hub, version: 4000, good)
        try keepsLibrary(try sotay.run(["sync"]), "Gói thư viện thủ tục phiên bản 1000 cũ hơn hoặc bằng phiên bản máy đã nhận (1000)")

        // Truncated: the download ends at half of what was announced.
        try publish(hub, corrected.path, version: 5000)
        let whole = try Data(contentsOf: offered(hub, 5000))
        try whole.prefix(whole.count / 2).write(to: offered(hub, 5000))
        try keepsLibrary(try sotay.run(["sync"]), "Gói thư viện thủ tục tải về không trọn vẹn (\(whole.count / 2)/\(whole.count) byte")

        // A download cut before is resumed where it stopped, then the pack is taken.
        let big = try ContentFolder()
        defer { big.cleanUp() }
        try big.replace("procedures/thu-nghiem.yaml", "result: Giấy khai sinh", "result: Giấy khai sinh (bản sửa)")
        try big.write("README.md", String(repeating: "Ghi chú cho người biên soạn thư viện.\n", count: 20_000))
        try publish(hub, big.path, version: 6000)
        let pack = try Data(contentsOf: offered(hub, 6000))
        #expect(pack.count > 3 * (256 << 10))
        let part = sotay.home.appending(path: "content/6000.part")
        try pack.prefix(pack.count * 3 / 4).write(to: part)
        let proxy = try FaultProxy(targetPort: hub.port)
        defer { try? proxy.syncShutdown() }
        let resumed = try sotay.run(["sync", "--hub", "http://127.0.0.1:\(proxy.port)"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("Thư viện thủ tục đã cập nhật: phiên bản 6000"), "\(resumed.stdout)")
        #expect(proxy.stats.downstreamBytes < pack.count / 2, "downloaded \(proxy.stats.downstreamBytes) of \(pack.count)")
        #expect(!FileManager.default.fileExists(atPath: part.path))
        #expect(try sotay.run(["show", "thu-nghiem"]).stdout.contains("Kết quả: Giấy khai sinh (bản sửa)"))

        // A pack carried on a USB stick meets the same checks.
        let stick = folder.url.appending(path: "usb.sotaypack")
        try good.write(to: stick)
        let replayed = try sotay.run(["content", "install", stick.path, "--lang", "en"])
        #expect(replayed.status == 1)
        #expect(replayed.stderr.contains("Procedure library pack version 1000 is not newer than the version this laptop has taken (6000)"), "\(replayed.stderr)")
        #expect(try sotay.run(["content", "status"]).stdout.contains("phiên bản 6000"))
    }

    @Test("Another implementation (Python cryptography) checks the signature and hashes of a published pack, and refuses a changed one")
    func outsideCheck() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let folder = try ContentFolder()
        defer { folder.cleanUp() }
        try publish(hub, folder.path, version: 1000)
        // The hub's public key is the one laptops learn at enrolment (`/v1/health`, the enrolment reply).
        let keyFile = hub.data.appending(path: "hub-signing.key")
        let privateKey = try #require(Data(base64Encoded: try String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let publicKey = try ContentSigningKey(rawPrivateKey: privateKey).publicKey
        let checked = try PythonScript.run("verify_pack.py", [offered(hub, 1000).path, publicKey])
        #expect(checked.status == 0, "\(checked.stdout) \(checked.stderr)")
        let reply = try PythonScript.json(checked.stdout)
        #expect(reply["ok"] as? Bool == true)
        #expect(reply["version"] as? Int == 1000)
        #expect(reply["packId"] as? String == "test-pack")

        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: offered(hub, 1000))) as? [String: Any])
        var files = try #require(object["files"] as? [String: String])
        files["pack.yaml"] = Data("id: test-pack\nversion: \"x\"\n".utf8).base64EncodedString()
        object["files"] = files
        let changed = folder.url.appending(path: "changed.sotaypack")
        try JSONSerialization.data(withJSONObject: object).write(to: changed)
        let refused = try PythonScript.run("verify_pack.py", [changed.path, publicKey])
        #expect(refused.status == 1)
        #expect(try PythonScript.json(refused.stdout)["reason"] as? String == "file pack.yaml")
    }
}
