import Foundation
import SoTayTestSupport
import Testing

/// The prompts of a guided walk and the home menu, and the command line around them.
@Suite("Prompts, navigation words and command-line mistakes", .serialized)
struct PromptTests {
    typealias Keys = Sotay.Keys

    @Test("navigation words are commands, never answers: > keeps, Enter after < keeps, bỏ qua asks before erasing")
    func navigationWords() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let input = ["có", ">", "Hoa", "0912345678", "<", "<", "", "<", "bỏ qua", "không", "bỏ qua", "có", "05/09/2026", "<", ">", "thoát"]
        let result = try sotay.run(["guide", "thu-nghiem"], input: input.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Câu này chưa có câu trả lời để giữ"), "\(result.stdout)")
        #expect(result.stdout.contains("Đang ghi: Hoa (Enter hoặc > để giữ)"))
        #expect(result.stdout.contains("Xóa câu trả lời đang ghi"))
        #expect(result.stdout.contains("Giữ câu trả lời."))
        #expect(result.stdout.contains("Đã dừng. Hồ sơ nháp"))
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        let id = try #require(drafts.first?["id"] as? String)
        #expect(drafts.first?["residentName"] as? String == "Hoa")
        let detail = try #require(try sotay.json(["drafts", "show", id, "--json"]) as? [String: Any])
        let answers = try #require(detail["answers"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: answers.compactMap { answer in (answer["id"] as? String).map { ($0, answer["answer"] as? String ?? "") } })
        #expect(!byID.values.contains(">") && !byID.values.contains("<"), "\(byID)")
        #expect(!byID.values.contains { $0.contains("0912") }, "the phone was erased after the yes: \(byID)")
        #expect(byID["ngay_sinh"] == "05/09/2026", "\(byID)")
        #expect(detail["unanswered"] as? [String] != nil)
    }

    @Test("Ctrl-C during a walk says the same kept-draft line as thoát, and the answers are there")
    func interruptKeepsTheDraft() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let result = try sotay.terminal(["guide", "thu-nghiem"], [
            Keys("Người dân có đồng ý không?", "có\r"),
            Keys("[1/7]", ""),
            Keys("> ", "Hoa\r"),
            Keys("[2/7] Số điện thoại", ""),
            Keys("> ", "\u{3}"),
        ])
        #expect(result.timedOut == nil, "\(result)")
        #expect(result.status == 130, "\(result)")
        #expect(result.output.contains("Đã dừng. Hồ sơ nháp "), "\(result)")
        #expect(result.output.contains("được giữ; tiếp tục bằng: sotay drafts resume "), "\(result)")
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        #expect(drafts.first?["residentName"] as? String == "Hoa")
    }

    @Test("menu 3 shows a procedure and offers to guide it; a yes starts the walk")
    func searchLeadsToGuide() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let result = try sotay.run([], input: "3\nthu-nghiem\ncó\ncó\nHoa\nthoát\n6\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Hướng dẫn thủ tục này?"))
        #expect(result.stdout.contains("Đã dừng. Hồ sơ nháp"), "\(result.stdout)")
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        #expect(drafts.count == 1)
    }

    @Test("a long checklist in a terminal shows a screen at a time; q stops it and the menu goes on")
    func longChecklistPages() throws {
        var sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        sotay.environment["LINES"] = "10"
        let result = try sotay.terminal([], [
            Keys("Chọn 1–6: ", "3\r"),
            Keys("Thủ tục gì?", "thu-nghiem\r"),
            Keys("Enter để xem tiếp", "\r"),
            Keys("Enter để xem tiếp", "q\r"),
            Keys("Hướng dẫn thủ tục này?", "\r"),
            Keys("Chọn 1–6: ", "6\r"),
        ])
        #expect(result.timedOut == nil, "\(result)")
        #expect(result.status == 0, "\(result)")
        let firstPage = try #require(result.output.components(separatedBy: "Enter để xem tiếp").first)
        #expect(firstPage.contains("Đăng ký khai sinh (thử nghiệm)"), "the top is shown first: \(result)")
    }

    @Test("--resident takes a name (without tone marks) or a phone; a shared name lists the matches")
    func residentByNameOrPhone() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let file = sotay.home.appending(path: "answers.json")
        func guide(_ extra: [String], intake: [String: Any] = [:]) throws -> Sotay.Result {
            let answers: [String: Any] = ["ngay_sinh": "01/02/2026", "noi_sinh": "1", "giay_chung_sinh": true, "so_cccd_me": "001326012345", "so_con": 1]
            try JSONSerialization.data(withJSONObject: answers.merging(intake) { $1 }).write(to: file)
            return try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", file.path, "--no-input"] + extra)
        }
        for (name, phone) in [("Trần Thị Bình", "0912345678"), ("Nguyễn Văn An", "0987654321"), ("Nguyễn Văn An", nil)] {
            var intake: [String: Any] = ["resident_name": name]
            if let phone { intake["resident_phone"] = phone }
            #expect(try guide([], intake: intake).status == 0)
        }
        let byName = try guide(["--resident", "tran thi binh"])
        #expect(byName.status == 0, "\(byName.stderr)")
        let byPhone = try guide(["--resident", "+84 987 654 321"])
        #expect(byPhone.status == 0, "\(byPhone.stderr)")
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        let names = drafts.compactMap { $0["residentName"] as? String }
        #expect(names.filter { $0 == "Trần Thị Bình" }.count == 2, "\(names)")
        #expect(names.filter { $0 == "Nguyễn Văn An" }.count == 3, "\(names)")
        let shared = try guide(["--resident", "Nguyễn Văn An"])
        #expect(shared.status == 1)
        #expect(shared.stderr.contains("Có 2 người dân khớp với \"Nguyễn Văn An\""), "\(shared.stderr)")
        #expect(shared.stderr.contains("0987654321"))
        let nobody = try guide(["--resident", "Phạm Thị Dung"])
        #expect(nobody.status == 1 && nobody.stderr.contains("Không có người dân nào"), "\(nobody.stderr)")
        #expect(try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]]).count == 5, "nothing is saved for a refused --resident")

        // The log takes the same spellings: the visit is written against Bình's id.
        let binh = try #require(drafts.first { $0["residentName"] as? String == "Trần Thị Bình" }?["residentId"] as? String)
        let visit = try sotay.run(["log", "visit", "--resident", "0912 345 678"])
        #expect(visit.status == 0, "\(visit.stderr)")
        let logged = try #require(try sotay.json(["log", "list", "--json"]) as? [[String: Any]])
        #expect(logged.contains { $0["residentId"] as? String == binh }, "\(logged)")
        let sharedVisit = try sotay.run(["log", "visit", "--resident", "nguyen van an"])
        #expect(sharedVisit.status == 1 && sharedVisit.stderr.contains("Có 2 người dân khớp"), "\(sharedVisit.stderr)")
        #expect(try #require(try sotay.json(["log", "list", "--json"]) as? [[String: Any]]).count == logged.count, "nothing is logged for an ambiguous --resident")
    }

    @Test("a mistyped command is answered in Vietnamese with the command meant and its help line; --lang fr is refused", arguments: [
        (["draft"], "Không có lệnh 'draft'. Có phải ý bạn là: sotay drafts?", "sotay drafts — Hồ sơ nháp"),
        (["drafts", "resum", "abcd"], "Không có lệnh 'resum'. Có phải ý bạn là: sotay drafts resume?", "sotay drafts resume — Làm tiếp"),
        (["--lang", "en", "sycn"], "There is no command 'sycn'. Did you mean: sotay sync?", "sotay sync — "),
        (["banana"], "Không có lệnh 'banana'.", "Xem các lệnh: sotay --help"),
        (["status", "--lang", "fr"], "--lang: chỉ có vi (tiếng Việt) hoặc en (tiếng Anh), không có \"fr\".", "Lệnh chưa đúng"),
        (["guide"], "Lệnh chưa đúng: thiếu <mã-thủ-tục>.", "Xem cách dùng: sotay guide --help"),
        (["drafts", "show", "abcd", "--bogus"], "Lệnh chưa đúng: không có tùy chọn --bogus.", "Xem cách dùng: sotay drafts show --help"),
    ])
    func commandLineMistakes(arguments: [String], message: String, detail: String) throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        let result = try sotay.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.contains(detail), "\(result.stderr)")
        #expect(!result.stderr.contains("Unexpected argument"))
    }

    @Test("the drafts list shows each dossier's state, and (đã khóa) instead of a name when the passphrase is not given")
    func draftStates() throws {
        var sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        _ = try sotay.run(["guide", "thu-nghiem"], input: "có\nHoa\nthoát\n")
        let open = try sotay.run(["drafts"])
        #expect(open.stdout.contains("Hoa · Đăng ký khai sinh (thử nghiệm)"), "\(open.stdout)")
        #expect(open.stdout.contains("nháp · đủ"), "\(open.stdout)")
        let list = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        #expect(list.first?["state"] as? String == "draft")
        sotay.environment["SOTAY_PASSPHRASE"] = nil
        let locked = try sotay.run(["drafts"])
        #expect(locked.stdout.contains("(đã khóa)"), "\(locked.stdout)")
        #expect(!locked.stdout.contains("(chưa có tên)"))
    }
}
