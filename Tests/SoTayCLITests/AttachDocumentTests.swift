import Foundation
import SoTayTestSupport
import Testing

@Suite("attach --document marks the paper present; detach takes a file off", .serialized)
struct AttachDocumentTests {
    @Test("attach --document marks the paper present, an already attached file is relinked, and detach takes it off")
    func attachMarksThePaper() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let answers = sotay.home.appending(path: "answers.json")
        let values: [String: Any] = ["resident_name": "Hoa", "ngay_sinh": "01/02/2026", "noi_sinh": "1", "giay_chung_sinh": false,
                                     "so_cccd_me": "001326012345", "so_con": 1]
        try JSONSerialization.data(withJSONObject: values).write(to: answers)
        let guided = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", answers.path, "--no-input"])
        let id = try #require(guided.stdout.split(separator: "\n").first.map(String.init))
        func detail() throws -> [String: Any] { try #require(try sotay.json(["drafts", "show", id, "--json"]) as? [String: Any]) }
        #expect(try detail()["documentsMissing"] as? [String] == ["giay_chung_sinh"])

        let photo = try SampleFiles.write(SampleFiles.jpeg(size: 20_000), named: "giay-chung-sinh.jpg", in: sotay.home)
        let plain = try sotay.run(["attach", id, photo.path])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try detail()["documentsMissing"] as? [String] == ["giay_chung_sinh"], "a file for no paper leaves the paper missing")

        let linked = try sotay.run(["attach", id, photo.path, "--document", "giay_chung_sinh"])
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(linked.stdout.contains("nay gắn với giấy: Giấy chứng sinh"), "\(linked.stdout)")
        #expect(linked.stdout.contains("✓ Giấy Giấy chứng sinh: đã có."))
        let after = try detail()
        #expect(after["documentsMissing"] as? [String] == [])
        #expect(after["documentsHave"] as? [String] == ["giay_chung_sinh"])
        let attachments = try #require(after["attachments"] as? [[String: Any]])
        #expect(attachments.count == 1 && attachments.first?["document"] as? String == "giay_chung_sinh", "\(attachments)")

        let unknown = try sotay.run(["detach", id, "khong-co.jpg"])
        #expect(unknown.status == 1 && unknown.stderr.contains("không có tệp \"khong-co.jpg\""), "\(unknown.stderr)")
        let detached = try sotay.run(["detach", id, "giay-chung-sinh.jpg"])
        #expect(detached.status == 0, "\(detached.stderr)")
        #expect(detached.stdout.contains("✓ Đã gỡ giay-chung-sinh.jpg"))
        #expect((try detail()["attachments"] as? [[String: Any]])?.isEmpty == true)
    }
}
