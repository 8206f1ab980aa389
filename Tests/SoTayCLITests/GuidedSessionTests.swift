import Foundation
import SoTayTestSupport
import Testing

@Suite("The sotay command, driven as a volunteer drives it", .serialized)
struct GuidedSessionTests {
    @Test("a scripted guided session stops halfway, and resuming it finishes the dossier")
    func scriptedAndResumed() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()

        // Name, phone skipped, a wrong date re-asked, a date, then quit.
        let first = try sotay.run(["guide", "thu-nghiem"], input: "có\nTrần Thị Bình\nbỏ qua\n31/02/2024\n05/09/2026\nthoát\n")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Ngày này không có trên lịch"))
        #expect(first.stdout.contains("Đã dừng. Hồ sơ nháp"))

        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        #expect(drafts.count == 1)
        let draft = try #require(drafts.first)
        #expect(draft["residentName"] as? String == "Trần Thị Bình")
        #expect(draft["walkFinished"] as? Bool == false)
        let id = try #require(draft["shortId"] as? String)

        // Resume: the next question is the place of birth; born at home, witness paper missing.
        let resumed = try sotay.run(["drafts", "resume", id], input: "2\nchưa\n001326012345\n1\nbỏ qua\n")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(!resumed.stdout.contains("Họ tên người dân"), "answered questions are not asked again")
        #expect(resumed.stdout.contains("Cháu sinh ở đâu?"))
        #expect(resumed.stdout.contains("✗ Văn bản của người làm chứng"), "the summary lists the missing paper")
        #expect(!resumed.stdout.contains("Giấy chứng sinh"), "the other branch's paper does not apply")
        #expect(resumed.stdout.contains("Trên ứng dụng VNeID"))

        let shown = try #require(try sotay.json(["drafts", "show", id, "--json"]) as? [String: Any])
        #expect(shown["walkFinished"] as? Bool == true)
        #expect(shown["documentsMissing"] as? [String] == ["nguoi_lam_chung"])
        let answers = try #require(shown["answers"] as? [[String: String]])
        #expect(answers.first { $0["id"] == "so_cccd_me" }?["answer"] == "001326012345")
        #expect(answers.first { $0["id"] == "ngay_sinh" }?["answer"] == "05/09/2026")
        #expect(shown["completeness"] as? Int == 83, "5 of 6 required items: the witness paper is missing")
    }

    @Test("a session killed with SIGKILL keeps every answer accepted before the kill")
    func killed() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let session = try InteractiveSotay(sotay, ["guide", "thu-nghiem"])
        let answers = ["Lê Văn Cường", "0912345678", "01/02/2026", "1", "có"]
        session.send("có")  // the resident's consent
        try session.waitForPrompt(number: 1)
        for (index, answer) in answers.enumerated() {
            session.send(answer)
            try session.waitForPrompt(number: index + 2)  // the next prompt means the answer is committed
        }
        session.kill()
        #expect(session.process.terminationReason == .uncaughtSignal)

        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        let id = try #require(drafts.first?["id"] as? String)
        #expect(drafts.first?["residentName"] as? String == "Lê Văn Cường")
        let shown = try #require(try sotay.json(["drafts", "show", id, "--json"]) as? [String: Any])
        let recorded = try #require(shown["answers"] as? [[String: String]])
        #expect(recorded.first { $0["id"] == "ngay_sinh" }?["answer"] == "01/02/2026")
        #expect(recorded.first { $0["id"] == "noi_sinh" }?["answer"] == "Cơ sở y tế")
        #expect(shown["documentsHave"] as? [String] == ["giay_chung_sinh"])

        // Resuming asks the first question that had no answer when the process died.
        let resumed = try sotay.run(["drafts", "resume", id], input: "thoát\n")
        #expect(resumed.stdout.contains("Số định danh của mẹ"))
    }

    @Test("--answers with --no-input lists what is missing, keeps the draft, and exits non-zero")
    func answersMissing() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let file = sotay.home.appending(path: "answers.json")
        try Data(#"{"resident_name": "Phạm Thị Dung", "ngay_sinh": "01/10/2026", "noi_sinh": "tai_nha"}"#.utf8).write(to: file)
        let result = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", file.path, "--no-input"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("nguoi_lam_chung"))
        #expect(result.stderr.contains("so_cccd_me"))
        #expect(result.stderr.contains("so_con"))
        #expect(!result.stderr.contains("ghi_chu"), "optional questions are not missing")
        #expect(!result.stderr.contains("giay_chung_sinh"), "the other branch is not missing")
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36, "the draft's id is printed: \(result.stdout)")
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        #expect(drafts.first?["id"] as? String == id)
    }

    @Test("--answers with --no-input and every required answer finishes the draft without a prompt")
    func answersComplete() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let file = sotay.home.appending(path: "answers.json")
        try Data(#"""
            {"resident_name": "Phạm Thị Dung", "resident_phone": "+84 987 654 321", "ngay_sinh": "2026-10-01",
             "noi_sinh": 1, "giay_chung_sinh": true, "so_cccd_me": "001190012345", "so_con": 2}
            """#.utf8).write(to: file)
        let result = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", file.path, "--no-input"])
        #expect(result.status == 0, "\(result.stderr)")
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try #require(try sotay.json(["drafts", "show", id, "--json"]) as? [String: Any])
        #expect(shown["completeness"] as? Int == 100)
        #expect(shown["walkFinished"] as? Bool == true)
    }

    @Test("an answers file with a bad value or an unknown question is refused whole, and nothing is saved", arguments: [
        (#"{"resident_name": "A", "ngay_sinh": "31/02/2026"}"#, "ngay_sinh"),
        (#"{"resident_name": "A", "so_cccd_me": "12345"}"#, "so_cccd_me"),
        (#"{"resident_name": "A", "khong_co": 1}"#, "khong_co"),
        (#"{"resident_name": "123456"}"#, "mật khẩu"),
        (#"["not", "an", "object"]"#, "JSON"),
    ])
    func answersRefused(content: String, mentioned: String) throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let file = sotay.home.appending(path: "answers.json")
        try Data(content.utf8).write(to: file)
        let result = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", file.path, "--no-input"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(mentioned), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal"), "no crash")
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [Any])
        #expect(drafts.isEmpty)
    }

    @Test("a guided session without a volunteer profile and without input says to run init")
    func noProfile() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        let result = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--no-input"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("sotay init"))
    }

    @Test("the home menu is reached on first start after the profile questions, and quits cleanly")
    func homeMenu() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        let result = try sotay.run([], input: "Nguyễn Văn An\nThôn Đông\nXã Gia Lộc\nHải Phòng\n2\n6\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Hướng dẫn thủ tục mới"))
        #expect(result.stdout.contains("Chưa có hồ sơ nháp nào."))
        #expect(result.stdout.contains("Tạm biệt!"))
    }

    @Test("from the home menu a volunteer finds a procedure by words without tone marks and starts it")
    func homeMenuGuide() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let result = try sotay.run([], input: "1\nlam giay khai sinh thu\n1\ncó\nHoa\nthoát\n6\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1. Đăng ký khai sinh (thử nghiệm)"))
        #expect(result.stdout.contains("Đã dừng. Hồ sơ nháp"))
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        #expect(drafts.first?["residentName"] as? String == "Hoa")
    }

    @Test("deleting a draft removes it")
    func delete() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        _ = try sotay.run(["guide", "thu-nghiem"], input: "có\nHoa\nthoát\n")
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        let id = try #require(drafts.first?["shortId"] as? String)
        let result = try sotay.run(["drafts", "delete", id])
        #expect(result.status == 0)
        #expect((try sotay.json(["drafts", "--json"]) as? [Any])?.isEmpty == true)
        #expect(try sotay.run(["drafts", "show", id]).status == 1)
    }
}

@Suite("The outreach log, as a volunteer keeps it", .serialized)
struct ActivityLogTests {
    @Test("a finished guided session logs its outcome and satisfaction once; resuming it again adds nothing")
    func sessionLogsItself() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        // Walk to the end, decline to send; then an outcome out of range (asked again), "not yet:
        // papers missing" (4), and satisfaction 5.
        let first = try sotay.run(["guide", "thu-nghiem"], input: "có\nTrần Thị Bình\nbỏ qua\n05/09/2026\n2\nchưa\n001326012345\n1\nbỏ qua\nkhông\n11\n4\n5\n")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("kết quả buổi hướng dẫn"))
        #expect(first.stdout.contains("✗ Chưa hiểu câu trả lời"))
        #expect(!first.stdout.contains("Lệ phí —"), "the fee is asked only when the dossier was filed online")
        let entries = try #require(try sotay.json(["log", "list", "--json"]) as? [[String: Any]])
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        #expect(entry["kind"] as? String == "guidance")
        #expect(entry["procedureId"] as? String == "thu-nghiem")
        #expect(entry["outcome"] as? String == "not-yet")
        #expect(entry["reason"] as? String == "missing-papers")
        #expect(entry["satisfaction"] as? Int == 5)
        #expect(entry["dossierId"] as? String != nil && entry["residentId"] as? String != nil)

        let id = try #require((try sotay.json(["drafts", "--json"]) as? [[String: Any]])?.first?["shortId"] as? String)
        let again = try sotay.run(["drafts", "resume", id], input: "không\n")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stdout.contains("kết quả buổi hướng dẫn"))
        #expect((try sotay.json(["log", "list", "--json"]) as? [Any])?.count == 1)
    }

    @Test("filed online: the fee and phi địa giới questions, satisfaction skipped with Enter")
    func filedOnline() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let result = try sotay.run(["guide", "thu-nghiem"], input: "có\nLê Văn Cường\nbỏ qua\n05/09/2026\n2\nchưa\n001326012345\n1\nbỏ qua\nkhông\n1\n1\ncó\n\n")
        #expect(result.status == 0, "\(result.stderr)")
        let entry = try #require((try sotay.json(["log", "list", "--json"]) as? [[String: Any]])?.first)
        #expect(entry["outcome"] as? String == "vneid")
        #expect(entry["payment"] as? String == "online")
        #expect(entry["outsideCommune"] as? Bool == true)
        #expect(entry["satisfaction"] == nil)
    }
}
