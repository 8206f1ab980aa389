import Crypto
import Foundation
import GRDB
import SoTayTestSupport
import Testing

/// The files of a volunteer's data folder a thief would copy: the database with its WAL, the blobs.
private func dataFiles(_ home: URL) throws -> [(String, Data)] {
    let enumerator = FileManager.default.enumerator(at: home, includingPropertiesForKeys: [.isRegularFileKey])
    var files: [(String, Data)] = []
    while let url = enumerator?.nextObject() as? URL {
        let path = url.path.replacingOccurrences(of: home.path + "/", with: "")
        guard path.hasPrefix("sotay.sqlite") || path.hasPrefix("blobs/"),
              try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true
        else { continue }
        files.append((path, try Data(contentsOf: url)))
    }
    return files
}

private func searched(_ files: [(String, Data)], for needles: [(String, Data)]) -> [String] {
    files.flatMap { file, data in needles.compactMap { what, needle in data.range(of: needle) == nil ? nil : "\(what) in \(file)" } }
}

/// The notes of the activities the hub holds, by id: each body opened as the hub opens it
/// (AES-GCM under its value key, bound to `activity.body` and the row), read from its database.
private func hubActivityNotes(_ hub: HubProcess) throws -> [String: String] {
    let keyText = try String(contentsOf: hub.data.appending(path: "hub-data.key"), encoding: .utf8)
    let dataKey = SymmetricKey(data: try #require(Data(base64Encoded: keyText.trimmingCharacters(in: .whitespacesAndNewlines))))
    let valueKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: dataKey, info: Data("sotay-hub values v1".utf8), outputByteCount: 32)
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: hub.data.appending(path: "hub.sqlite").path, configuration: configuration)
    let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT id, body FROM activity") }
    var notes: [String: String] = [:]
    for row in rows {
        let id: String = row["id"], body: String = row["body"]
        let sealed = try #require(Data(base64Encoded: body))
        let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
        let opened = try AES.GCM.open(box, using: valueKey, authenticating: Data("sotay-hub/1\u{0}activity\u{0}body\u{0}\(id)".utf8))
        let activity = try #require(try JSONSerialization.jsonObject(with: opened) as? [String: Any])
        notes[id] = activity["notes"] as? String ?? ""
    }
    return notes
}

private let name = "Hoàng Thị Mận"
private let cccd = "001326012345"

@Suite("End to end: residents' data on the volunteer's laptop", .serialized)
struct PrivacyEndToEndTests {
    @Test("a copy of the data folder shows no name, CCCD or photo; the wrong passphrase opens nothing; status, report and the log work locked")
    func sealedAtRest() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let id = try laptop.readyDossier(name)
        let photo = SampleFiles.jpeg(size: 180_000)
        let outside = FileManager.default.temporaryDirectory.appending(path: "sotay-photo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outside) }
        let file = try SampleFiles.write(photo, named: "\(name) giấy chứng sinh.jpg", in: outside)
        #expect(try laptop.sotay.run(["attach", id, file.path, "--document", "giay_chung_sinh"]).status == 0)
        #expect(try laptop.sotay.run(["log", "visit", "--count", "2"]).status == 0)

        var needles: [(String, Data)] = [("name", Data(name.utf8)), ("CCCD", Data(cccd.utf8)), ("phone", Data("0912345678".utf8)),
                                         ("file name", Data("giấy chứng sinh".utf8))]
        for offset in stride(from: 1_000, to: photo.count - 64, by: 25_000) {
            needles.append(("photo @\(offset)", photo.subdata(in: offset ..< offset + 64)))
        }
        let files = try dataFiles(laptop.sotay.home)
        #expect(files.contains { $0.0.hasPrefix("blobs/") })
        #expect(searched(files, for: needles) == [])

        // The right passphrase shows it all.
        let shown = try laptop.draft(id)
        #expect(shown["residentName"] as? String == name)

        // The wrong one: a clear refusal, nothing shown.
        var wrong = laptop.sotay
        wrong.environment["SOTAY_PASSPHRASE"] = "không phải mật khẩu"
        let refused = try wrong.run(["drafts", "show", id])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Sai cụm mật khẩu"), "\(refused.stderr)")
        #expect(!refused.stdout.contains(name) && !refused.stderr.contains(name))
        let english = try wrong.run(["drafts", "show", id, "--lang", "en"])
        #expect(english.stderr.contains("Wrong passphrase"))

        // None at all (a script, a timer): metadata works, personal data is refused.
        var locked = laptop.sotay
        locked.environment["SOTAY_PASSPHRASE"] = nil
        #expect(try locked.run(["status"]).status == 0)
        #expect(try locked.run(["report", "--format", "json"]).status == 0)
        #expect(try locked.run(["log", "visit"]).status == 0)
        let list = try #require(try locked.json(["drafts", "--json"]) as? [[String: Any]])
        #expect(list.count == 1 && list.first?["residentName"] == nil)
        let closed = try locked.run(["drafts", "show", id])
        #expect(closed.status == 1 && closed.stderr.contains("SOTAY_PASSPHRASE"), "\(closed.stderr)")
        #expect(try locked.run(["attach", id, file.path]).status == 1)
        let sync = try locked.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("1 hồ sơ chờ gửi vì chưa nhập cụm mật khẩu"), "\(sync.stdout)")
        #expect(try hubDossiers(hub).isEmpty)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(Set(try hubDossiers(hub).keys) == [id])

        // A new passphrase: the old one stops working, the data stays.
        var change = laptop.sotay
        change.environment["SOTAY_NEW_PASSPHRASE"] = "hoa gạo đỏ bờ sông"
        let changed = try change.run(["passphrase", "change"])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(try laptop.sotay.run(["drafts", "show", id]).status == 1)
        var renewed = laptop.sotay
        renewed.environment["SOTAY_PASSPHRASE"] = "hoa gạo đỏ bờ sông"
        #expect((try renewed.json(["drafts", "show", id, "--json"]) as? [String: Any])?["residentName"] as? String == name)
    }

    @Test("once the commune closes a dossier, the sync's purge erases its personal data and photos; report numbers stay")
    func purgeAfterClosing() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let id = try laptop.readyDossier(name)
        let keep = try laptop.readyDossier("Đinh Văn Khoa")
        let photo = SampleFiles.jpeg(size: 120_000)
        let file = try SampleFiles.write(photo, named: "anh.jpg", in: laptop.sotay.home.appending(path: "in"))
        #expect(try laptop.sotay.run(["attach", id, file.path, "--document", "giay_chung_sinh"]).status == 0)
        #expect(try laptop.sotay.run(["drafts", "ready", id]).status == 0)
        #expect(try laptop.sotay.run(["log", "guidance", "--procedure", "thu-nghiem", "--outcome", "vneid", "--satisfaction", "5"]).status == 0)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(try hub.admin(["dossiers", "set-status", id, "completed"]).status == 0)
        #expect(try hub.admin(["dossiers", "set-status", keep, "submitted"]).status == 0)
        #expect(try laptop.sotay.run(["settings", "retention-days", "0"]).status == 0)
        let before = try #require(try laptop.sotay.json(["report", "--format", "json"]) as? [String: Any])

        let dry = try laptop.sotay.run(["purge", "--dry-run"])
        #expect(dry.stdout.contains("Không có hồ sơ nào"), "nothing is closed on the laptop before the sync: \(dry.stdout)")
        let sync = try laptop.sotay.run(["sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("Đã xóa thông tin cá nhân của 1 hồ sơ"), "\(sync.stdout)")
        #expect(sync.stdout.contains(String(id.prefix(8))))

        let after = try #require(try laptop.sotay.json(["report", "--format", "json"]) as? [String: Any])
        func canonical(_ value: Any?) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
        }
        #expect(try canonical(before["figures"]) == canonical(after["figures"]))
        #expect(try canonical(before["breakdowns"]) == canonical(after["breakdowns"]))
        #expect(before["entries"] as? Int == after["entries"] as? Int)
        let purged = try laptop.draft(id)
        #expect(purged["residentName"] == nil)
        #expect(!String(describing: purged["answers"] ?? "").contains(cccd))
        #expect((purged["attachments"] as? [Any])?.isEmpty ?? true)
        let kept = try laptop.draft(keep)
        #expect(kept["residentName"] as? String == "Đinh Văn Khoa")
        let needles = [("name", Data(name.utf8))] + stride(from: 1_000, to: 100_000, by: 20_000).map { ("photo @\($0)", photo.subdata(in: $0 ..< $0 + 64)) }
        // Nothing to find even with the key: the blob files are gone.
        #expect(try dataFiles(laptop.sotay.home).filter { $0.0.hasPrefix("blobs/") && $0.1.count > 100_000 }.isEmpty)
        #expect(searched(try dataFiles(laptop.sotay.home), for: needles) == [])
        #expect(try laptop.sotay.run(["purge"]).stdout.contains("Không có hồ sơ nào"))
    }

    @Test("without the resident's consent the walk still guides, saves nothing personal, and the log counts it")
    func noConsent() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let refused = try sotay.run(["guide", "thu-nghiem", "--answers", "/dev/null", "--no-input"])
        #expect(refused.status == 1 && refused.stderr.contains("sotay consent"), "\(refused.stderr)")
        let wrongVersion = try sotay.run(["guide", "thu-nghiem", "--consent", "1999", "--no-input"])
        #expect(wrongVersion.status == 1)

        let text = try sotay.run(["consent"])
        #expect(text.stdout.contains("phiên bản \(Sotay.consentVersion)"))
        // No: no name is asked; the first question is the birth date.
        let walk = try sotay.run(["guide", "thu-nghiem"], input: "không\n05/09/2026\nthoát\n")
        #expect(walk.stdout.contains("Không lưu thông tin của người dân"), "\(walk.stdout)")
        #expect(!walk.stdout.contains("Họ và tên"))
        #expect(try sotay.json(["drafts", "--json"]) as? [Any] == nil || (try sotay.json(["drafts", "--json"]) as? [Any])?.isEmpty == true)

        // Walked to the end: an activity without a resident.
        let finished = try sotay.run(["guide", "thu-nghiem"], input: "không\n05/09/2026\n2\nchưa\n001326012345\n1\nbỏ qua\n\n5\n")
        #expect(finished.stdout.contains("không kèm thông tin người dân"), "\(finished.stdout)")
        let log = try #require(try sotay.json(["log", "list", "--json"]) as? [[String: Any]])
        #expect(log.count == 1 && log.first?["residentId"] == nil && log.first?["procedureId"] as? String == "thu-nghiem")
        #expect((try sotay.json(["drafts", "--json"]) as? [Any])?.isEmpty == true)
    }

    @Test("a log note is sealed on the laptop, reads (đã khóa) without the passphrase, and reaches the hub whole, once")
    func logNotes() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let note = "NOTE bà Mận hẹn thứ Ba mang giấy chứng sinh"
        #expect(try laptop.sotay.run(["log", "visit", "--notes", note]).status == 0)
        // Without the passphrase: an entry without a note is written, one with a note is refused.
        var locked = laptop.sotay
        locked.environment["SOTAY_PASSPHRASE"] = nil
        #expect(try locked.run(["log", "visit"]).status == 0)
        let refused = try locked.run(["log", "visit", "--notes", "một ghi chú khác"])
        #expect(refused.status == 1 && refused.stderr.contains("SOTAY_PASSPHRASE"), "\(refused.stderr)")
        #expect(searched(try dataFiles(laptop.sotay.home), for: [("note", Data(note.utf8)), ("its words", Data("hẹn thứ Ba".utf8)),
                                                                 ("refused note", Data("một ghi chú khác".utf8))]) == [])

        let closed = try #require(try locked.json(["log", "list", "--json"]) as? [[String: Any]])
        #expect(closed.count == 2)
        let noted = try #require(closed.first { $0["notesLocked"] as? Bool == true })
        let id = try #require(noted["id"] as? String)
        #expect(noted["notes"] as? String == "(đã khóa)")
        #expect(closed.filter { $0["notes"] != nil }.count == 1)
        let english = try locked.run(["log", "list", "--lang", "en"])
        #expect(english.stdout.contains("note: (locked)") && !english.stdout.contains(note), "\(english.stdout)")
        let open = try #require(try laptop.sotay.json(["log", "list", "--json"]) as? [[String: Any]])
        #expect(open.first { $0["id"] as? String == id }?["notes"] as? String == note)
        #expect(open.allSatisfy { $0["notesLocked"] == nil })

        // A sync without the passphrase sends the entry without a note; the other waits for it.
        let lockedSync = try locked.run(["sync"])
        #expect(lockedSync.status == 0, "\(lockedSync.stderr)")
        #expect(lockedSync.stdout.contains("1 mục nhật ký có ghi chú chờ gửi"), "\(lockedSync.stdout)")
        #expect(try hubActivityNotes(hub).values.sorted() == [""])
        #expect(try laptop.status()["pendingActivities"] as? Int == 1)
        // With it, the note reaches the hub as written, and nothing is sent again.
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        let onHub = try hubActivityNotes(hub)
        #expect(onHub.count == 2 && onHub[id] == note)
        #expect(try laptop.status()["pendingActivities"] as? Int == 0)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(try hubActivityNotes(hub).count == 2)
    }

    @Test("a note or free-text answer that looks like a password or OTP is refused with the reason")
    func credentialGuard() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        for note in ["482913", "OTP 482913", "mật khẩu là hoa123", "Mã xác thực: 55 11 22", "mat khau VNeID"] {
            let result = try sotay.run(["log", "guidance", "--procedure", "thu-nghiem", "--outcome", "vneid", "--notes", note])
            #expect(result.status == 1, "\(note)")
            #expect(result.stderr.contains("lừa đảo") && result.stderr.contains("điện thoại của mình"), "\(note): \(result.stderr)")
            #expect(!result.stderr.contains(note), "the refused note was echoed: \(note)")
        }
        // Disguised: other digits, separators, invisible characters, spelled-out or full-width letters, short forms.
        for note in ["１２３４５６", "12345６", "٤٨٢٩١٣", "𝟒𝟖𝟐𝟗𝟏𝟑", "482-913", "482.913", "48 29 13", "482\u{00A0}913", "48\u{200B}29\u{200B}13",
                     "O T P là 4829", "m.ậ.t k.h.ẩ.u: hoa", "ＯＴＰ của bà", "mã pin 1234", "mk: hoa123", "pass: abc"] {
            let result = try sotay.run(["log", "guidance", "--procedure", "thu-nghiem", "--outcome", "vneid", "--notes", note])
            #expect(result.status == 1 && result.stderr.contains("lừa đảo"), "\(String(reflecting: note)) was kept: \(result.stderr)")
        }
        #expect(try sotay.run(["log", "visit", "--village", "Thôn OTP 482913"]).status == 1)
        // A scam warning may say what it warned about, but never carry a code.
        #expect(try sotay.run(["log", "scam-warning", "--notes", "Dặn bà không đọc mã OTP, mật khẩu VNeID cho ai"]).status == 0)
        #expect(try sotay.run(["log", "scam-warning", "--topic", "Cuộc gọi giả công an xin mã OTP"]).status == 0)
        #expect(try sotay.run(["log", "scam-warning", "--notes", "mã OTP 482 913"]).status == 1)
        #expect(try sotay.run(["log", "scam-warning", "--topic", "４８２９１３"]).status == 1)
        #expect(try sotay.run(["log", "training", "--topic", "Bảo vệ mật khẩu VNeID", "--participants", "12"]).status == 0)
        #expect(try sotay.run(["log", "training", "--topic", "OTP: 482913", "--participants", "12"]).status == 1)
        let cccdNote = try sotay.run(["log", "visit", "--notes", "CCCD 001 326 012 345"])
        #expect(cccdNote.status == 1 && cccdNote.stderr.contains("số căn cước"))
        #expect(try sotay.run(["log", "visit", "--notes", "Hướng dẫn cài VNeID, lệ phí 150000 đồng"]).status == 0)
        #expect(try sotay.run(["log", "communication", "--channel", "loudspeaker", "--topic", "Cảnh báo: không đọc mã OTP cho người lạ"]).status == 0)

        // The free-text answer of a walk, from an answers file: refused, nothing saved.
        let answers = sotay.home.appending(path: "a.json")
        try JSONSerialization.data(withJSONObject: ["resident_name": "Hoa", "ghi_chu": "mã OTP 123456"]).write(to: answers)
        let result = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", answers.path, "--no-input"])
        #expect(result.status == 1 && result.stderr.contains("OTP"), "\(result.stderr)")
        #expect((try sotay.json(["drafts", "--json"]) as? [Any])?.isEmpty == true)
    }
}
