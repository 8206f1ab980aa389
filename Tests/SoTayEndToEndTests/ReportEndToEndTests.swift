import Foundation
import SoTayCore
import SoTayStore
import SoTayTestSupport
import Testing

@Suite("Activity log and monthly reports, through the built binaries", .serialized)
struct ReportEndToEndTests {
    /// The fixture month written into a laptop's store, as the log commands write it.
    static func seededLaptop() throws -> Sotay {
        let sotay = try Sotay(fixtureContent: false)
        try sotay.initProfile()
        let store = try Store.open(directory: sotay.home)
        try store.logActivities(ReportFixture.entries.map { entry in
            ActivityRecord(id: entry.id, kind: entry.kind, occurredAt: entry.at, village: entry.village, residentId: entry.resident,
                           procedureId: entry.procedure, outcome: entry.outcome, reason: entry.reason, payment: entry.payment, channel: entry.channel,
                           outsideCommune: entry.outsideCommune, topic: entry.topic, participants: entry.participants, satisfaction: entry.satisfaction)
        })
        for entry in ReportFixture.entries where entry.undone { try store.undoActivity(entry.id) }
        return sotay
    }

    @Test("sotay report writes CSV, XLSX, HTML and JSON files that read back with the month's numbers")
    func everyFormat() throws {
        let sotay = try Self.seededLaptop()
        defer { sotay.cleanUp() }
        for format in ["csv", "xlsx", "html"] {
            let file = sotay.home.appending(path: "report.\(format)")
            let result = try sotay.run(["report", "--month", ReportFixture.month, "--format", format, "--out", file.path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Đã ghi báo cáo tháng 2026-10"))
            let back = try ReadBack.read(format, file)
            #expect(back.differences(figures: ReportFixture.figures, breakdowns: ReportFixture.breakdowns) == [], "\(format)")
        }
        let json = try #require(try sotay.json(["report", "--month", ReportFixture.month, "--format", "json"]) as? [String: Any])
        #expect(json["entries"] as? Int == ReportFixture.entryCount)
        let figures = try #require(json["figures"] as? [[String: Any]])
        for (id, want) in ReportFixture.figures {
            let value = figures.first { $0["id"] as? String == id }?["value"] as? Double
            #expect(abs((value ?? -1) - (want.value ?? -1)) < 0.051, "\(id)")
        }
        // XLSX and HTML without --out land in the current folder under the month's name.
        let folder = sotay.home.appending(path: "here")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let html = try sotay.run(["report", "--month", ReportFixture.month, "--format", "html"], directory: folder)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appending(path: "bao-cao-2026-10.html").path))
        // The table fits an 80-column terminal.
        let table = try sotay.run(["report", "--month", ReportFixture.month])
        #expect(table.status == 0)
        #expect(table.stdout.split(separator: "\n").allSatisfy { DisplayWidth.of($0) <= 80 })
        #expect(table.stdout.contains("Số hộ gia đình được đến"))
    }

    @Test("a report that cannot be written says so and leaves no file; a bad month or format is refused in Vietnamese or English")
    func refusals() throws {
        let sotay = try Self.seededLaptop()
        defer { sotay.cleanUp() }
        let missing = sotay.home.appending(path: "no/such/folder/report.xlsx")
        let unwritable = try sotay.run(["report", "--month", ReportFixture.month, "--format", "xlsx", "--out", missing.path])
        #expect(unwritable.status == 1)
        #expect(unwritable.stderr.contains("Không ghi được tệp"))
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        let month = try sotay.run(["report", "--month", "2026-13"])
        #expect(month.status == 1 && month.stderr.contains("Viết dạng YYYY-MM"), "\(month.stderr)")
        let format = try sotay.run(["report", "--format", "pdf", "--lang", "en"])
        #expect(format.status == 1 && format.stderr.contains("There is no report format \"pdf\""), "\(format.stderr)")
        #expect(!format.stderr.contains("Error:"), "no raw error text")
    }

    @Test("logged on the laptop, undone, synced: the hub's commune report counts the same, per volunteer and per village")
    func logSyncReport() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let sotay = try Sotay(fixtureContent: false)
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let enrolled = try sotay.run(["enroll", hub.url, try hub.enrolmentCode()])
        #expect(enrolled.status == 0, "\(enrolled.stderr)")

        let logged: [[String]] = [
            ["log", "visit", "--count", "3"],
            ["log", "visit", "--village", "Thôn Tây"],
            ["log", "guidance", "--procedure", "dang-ky-khai-sinh", "--outcome", "vneid", "--payment", "online", "--satisfaction", "5"],
            ["log", "huong-dan", "--procedure", "ly-lich-tu-phap", "--outcome", "chưa nộp", "--reason", "thiếu giấy tờ", "--satisfaction", "3"],
            ["log", "training", "--topic", "Bình dân học vụ số", "--participants", "20", "--at", "hôm qua"],
            ["log", "communication", "--channel", "loa", "--topic", "Cảnh báo lừa đảo qua điện thoại"],
            ["log", "scam-warning"],
            ["log", "vneid"],
        ]
        for arguments in logged {
            let result = try sotay.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("✓ Đã ghi"), "\(arguments)")
        }
        // Bad input: a clear line, exit 1, nothing written.
        let refused: [([String], String)] = [
            (["log", "guidance", "--procedure", "dang-ky-khai-sinh", "--outcome", "done"], "--outcome \"done\" không có"),
            (["log", "guidance", "--procedure", "khong-co", "--outcome", "vneid"], "Không có thủ tục"),
            (["log", "guidance", "--procedure", "dang-ky-khai-sinh", "--outcome", "vneid", "--reason", "other"], "--reason chỉ dùng"),
            (["log", "training", "--topic", "x", "--participants", "0"], "--participants phải là số"),
            (["log", "visit", "--at", "2099-01-01"], "còn ở tương lai"),
            (["log", "visit", "--at", "31/02/2026"], "không đọc được"),
            (["log", "communication", "--channel", "tv"], "--channel \"tv\" không có"),
        ]
        for (arguments, message) in refused {
            let result = try sotay.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let english = try sotay.run(["log", "visit", "--at", "tomorrow", "--lang", "en"])
        #expect(english.stderr.contains("Cannot read the date"), "\(english.stderr)")

        var entries = try #require(try sotay.json(["log", "list", "--json"]) as? [[String: Any]])
        let thisMonth = ReportMonth(containing: Date())
        let yesterday = ReportMonth(containing: Date().addingTimeInterval(-86_400))
        #expect(entries.count == (thisMonth == yesterday ? 10 : 9))
        let visit = try #require(entries.first { $0["kind"] as? String == "visit" }?["shortId"] as? String)
        let undone = try sotay.run(["log", "undo", visit])
        #expect(undone.status == 0 && undone.stdout.contains("Đã huỷ mục \(visit)"), "\(undone.stderr)")
        #expect(try sotay.run(["log", "undo", visit]).stderr.contains("đã được huỷ trước đó"))

        #expect(try sotay.run(["sync"]).status == 0)
        // Undone after it reached the hub: the undo goes at the next sync.
        let guidance = try #require(entries.first { $0["kind"] as? String == "guidance" }?["shortId"] as? String)
        #expect(try sotay.run(["log", "undo", guidance]).status == 0)
        #expect(try sotay.run(["sync"]).status == 0)

        entries = try #require(try sotay.json(["log", "list", "--json"]) as? [[String: Any]])
        #expect(entries.filter { $0["undone"] as? Bool == true }.count == 2)
        let month = thisMonth.description
        let laptop = try #require(try sotay.json(["report", "--month", month, "--format", "json"]) as? [String: Any])
        let commune = try #require(try hub.adminJSON(["report", "--month", month, "--format", "json"]) as? [String: Any])
        #expect(laptop["entries"] as? Int == commune["entries"] as? Int)
        let laptopFigures = try #require(laptop["figures"] as? [[String: Any]])
        let hubFigures = try #require(commune["figures"] as? [[String: Any]])
        #expect(laptopFigures.count == hubFigures.count && !hubFigures.isEmpty)
        for (mine, theirs) in zip(laptopFigures, hubFigures) {
            #expect(mine["id"] as? String == theirs["id"] as? String)
            #expect(mine["value"] as? Double == theirs["value"] as? Double, "\(String(describing: mine["id"]))")
        }
        #expect(hubFigures.first { $0["id"] as? String == "ho-gia-dinh-duoc-den" }?["value"] as? Double == 3)
        #expect(hubFigures.first { $0["id"] as? String == "luot-huong-dan" }?["value"] as? Double == 1)

        let byVillage = try #require(try hub.adminJSON(["report", "--month", month, "--by", "village", "--format", "json"]) as? [String: Any])
        let groups = try #require((byVillage["grouping"] as? [String: Any])?["groups"] as? [[String: Any]])
        #expect(groups.compactMap { $0["label"] as? String } == ["Thôn Đông", "Thôn Tây"])
        let xlsx = hub.data.appending(path: "commune.xlsx")
        let written = try hub.admin(["report", "--month", month, "--by", "volunteer", "--format", "xlsx", "--out", xlsx.path])
        #expect(written.status == 0, "\(written.stderr)")
        let back = try ReadBack.read("xlsx", xlsx)
        #expect(back.groups.keys.sorted() == ["Nguyễn Văn An (số 1)"])
        #expect(try hub.admin(["report", "--by", "thon"]).stderr.contains("--by chỉ nhận"))
    }
}
