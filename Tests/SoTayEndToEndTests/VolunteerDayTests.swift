import Foundation
import SoTayTestSupport
import Testing

/// A volunteer's day against a real hub: a dossier sent back for more, a code read aloud, the
/// home menu left open.
@Suite("End to end: supplements, enrolment codes read aloud, decisions while the menu is open", .serialized)
struct VolunteerDayTests {
    @Test("a dossier the commune sent back: the reason first, any answer changed by number, then a supplement revision")
    func supplementChangesAnyAnswer() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let id = try laptop.readyDossier(note: "Sinh tại nhà")
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(try hub.admin(["dossiers", "set-status", id, "needs-supplement", "--reason", "Nơi sinh ghi sai"]).status == 0)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        let listed = try laptop.sotay.run(["drafts"])
        #expect(listed.stdout.contains("cần bổ sung"), "\(listed.stdout)")

        // Answer 8 is the note (after name, phone, date, place, paper, mother's id, child's rank).
        let resumed = try laptop.sotay.run(["drafts", "resume", id], input: "9\n8\nSinh tại trạm y tế xã\n\ncó\n")
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        let reason = try #require(resumed.stdout.range(of: "Xã yêu cầu bổ sung hồ sơ \(id.prefix(8)): Nơi sinh ghi sai"))
        let list = try #require(resumed.stdout.range(of: "8. Ghi chú thêm → Sinh tại nhà"))
        #expect(reason.lowerBound < list.lowerBound, "the officer's reason is shown first")
        #expect(resumed.stdout.contains("Gõ một số từ 1 đến 8"))
        #expect(resumed.stdout.contains("8. Ghi chú thêm → Sinh tại trạm y tế xã"))
        #expect(resumed.stdout.contains("Gửi bổ sung lên xã?"))
        #expect(resumed.stdout.contains("lần gửi 2, gửi bổ sung"), "\(resumed.stdout)")
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        let detail = try #require(try hub.adminJSON(["dossiers", "show", id, "--json"]) as? [String: Any])
        let revisions = try #require(detail["revisions"] as? [[String: Any]])
        #expect(revisions.map { $0["kind"] as? String } == ["original", "supplement"])
    }

    @Test("an enrolment code typed as it is read aloud, in two words and small letters, enrols; a short one is refused")
    func codeReadAloud() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let wrong = try sotay.run(["enroll", hub.url, "bbb4"])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("mã ghi danh có 8 chữ và số"), "\(wrong.stderr)")
        let code = try hub.enrolmentCode().lowercased()
        let words = code.split(separator: "-").map(String.init)
        let enrolled = try sotay.run(["enroll", hub.url] + words)
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        #expect(enrolled.stdout.contains("Đã ghi danh"))
    }

    @Test("an open home menu with nothing to send still pulls the commune's decisions")
    func openMenuPullsDecisions() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        var laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let id = try laptop.readyDossier()
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(try hub.admin(["dossiers", "set-status", id, "needs-supplement", "--reason", "Thiếu giấy"]).status == 0)

        laptop.sotay.environment["SOTAY_PULL_SECONDS"] = "1"
        let process = Process()
        process.executableURL = Sotay.binary
        process.environment = laptop.sotay.environment
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The menu is open, nothing waits to be sent, the last sync is recent.
        let deadline = Date().addingTimeInterval(20)
        while (try laptop.draft(id))["hubStatus"] as? String != "needs-supplement" && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.3)
        }
        input.fileHandleForWriting.write(Data("2\n\n6\n".utf8))
        try input.fileHandleForWriting.close()
        let shown = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(try laptop.draft(id)["hubStatus"] as? String == "needs-supplement", "the open menu should have pulled the decision")
        #expect(shown.contains("cần bổ sung"), "\(shown)")
    }
}

extension VolunteerDayTests {
    @Test("a file the hub already holds is not detached without a new revision; with --supplement it goes as one")
    func detachAfterSending() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let photo = try SampleFiles.write(SampleFiles.jpeg(size: 30_000), named: "nham.jpg", in: laptop.sotay.home)
        let id = try laptop.dossier("Trần Thị Bình", attaching: [photo])
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        let refused = try laptop.sotay.run(["detach", id, "nham.jpg"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("xã đã nhận tệp này trong lần gửi 1"), "\(refused.stderr)")
        #expect((try laptop.draft(id)["attachments"] as? [[String: Any]])?.count == 1, "nothing was taken off")
        let detached = try laptop.sotay.run(["detach", id, "nham.jpg", "--supplement"])
        #expect(detached.status == 0, "\(detached.stderr)")
        #expect(detached.stdout.contains("lần gửi 2, gửi bổ sung"), "\(detached.stdout)")
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        let detail = try #require(try hub.adminJSON(["dossiers", "show", id, "--json"]) as? [String: Any])
        let revisions = try #require(detail["revisions"] as? [[String: Any]])
        #expect(revisions.map { $0["kind"] as? String } == ["original", "supplement"])
    }
}
