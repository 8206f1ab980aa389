import Foundation
import SoTayTestSupport
import Testing

@Suite("Errors, languages, search and content checks at the command line", .serialized)
struct CommandLineTests {
    @Test("a usage mistake is one Vietnamese line and exit code 2; English with --lang en")
    func usage() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        let vi = try sotay.run(["guide"])
        #expect(vi.status == 2)
        #expect(vi.stderr.hasPrefix("Lệnh chưa đúng"))
        #expect(!vi.stderr.contains("Fatal"))
        let en = try sotay.run(["--lang", "en", "drafts", "--bogus"])
        #expect(en.status == 2)
        #expect(en.stderr.hasPrefix("Wrong command"))
    }

    @Test("an unknown procedure is a failure (exit 1) that suggests close matches")
    func unknownProcedure() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        let result = try sotay.run(["show", "khai sinh"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Không có thủ tục"))
        #expect(result.stderr.contains("thu-nghiem"))
        let english = try sotay.run(["show", "nope", "--lang", "en"])
        #expect(english.stderr.contains("There is no procedure"))
    }

    @Test("the bundled library works from a copy of the binary in another folder, started elsewhere")
    func bundledContentTravelsWithTheBinary() throws {
        var sotay = try Sotay(fixtureContent: false)
        defer { sotay.cleanUp() }
        sotay.environment["SOTAY_CONTENT"] = nil
        let elsewhere = sotay.home.appending(path: "copied")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let copy = elsewhere.appending(path: "sotay")
        try FileManager.default.copyItem(at: Sotay.binary, to: copy)
        let result = try sotay.run(["procedures", "--json"], executable: copy, directory: URL(fileURLWithPath: "/"))
        #expect(result.status == 0, "\(result.stderr)")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let ids = items.compactMap { $0["id"] as? String }
        #expect(ids.contains("dang-ky-thuong-tru"))
        #expect(ids.contains("ly-lich-tu-phap"))
    }

    @Test("searching the bundled library finds the same procedure however it is typed", arguments: [
        "dang ky thuong tru", "Đăng ký thường trú", "đăng kí thường trú", "nhập hộ khẩu",
    ])
    func search(query: String) throws {
        var sotay = try Sotay(fixtureContent: false)
        defer { sotay.cleanUp() }
        sotay.environment["SOTAY_CONTENT"] = nil
        let result = try sotay.run(["procedures", query, "--json"])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(items.first?["id"] as? String == "dang-ky-thuong-tru")
        #expect(items.first?["detailed"] as? Bool == true)
    }

    @Test("the library's listing is kept in the data folder after the first search, read by the next, and worked out again when damaged or of another library")
    func listingKept() throws {
        var sotay = try Sotay(fixtureContent: false)
        defer { sotay.cleanUp() }
        sotay.environment["SOTAY_CONTENT"] = nil
        let cache = sotay.home.appending(path: "cache")
        func kept() throws -> [URL] {
            guard FileManager.default.fileExists(atPath: cache.path) else { return [] }
            return try FileManager.default.contentsOfDirectory(at: cache, includingPropertiesForKeys: nil).filter { $0.lastPathComponent.hasPrefix("listing-") }
        }
        #expect(try kept().isEmpty)
        let first = try sotay.run(["procedures", "khai sinh"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("dang-ky-khai-sinh"))
        let listing = try #require(try kept().first)
        #expect(try kept().count == 1)
        let text = try String(contentsOf: listing, encoding: .utf8)
        #expect(text.hasPrefix("sotay-library-listing 2\n"))
        #expect(try FileManager.default.attributesOfItem(atPath: listing.path)[.posixPermissions] as? Int == 0o600)

        // Read, not worked out again: a title changed in the kept listing is what the next search prints.
        let marked = text.replacingOccurrences(of: "\tĐăng ký khai sinh\t", with: "\tĐăng ký khai sinh (từ danh mục đã lưu)\t")
        #expect(marked != text)
        try marked.write(to: listing, atomically: true, encoding: .utf8)
        let second = try sotay.run(["procedures", "khai sinh"])
        #expect(second.stdout.contains("Đăng ký khai sinh (từ danh mục đã lưu)"), "\(second.stdout)")

        // Damaged: the library is loaded again, the search is right and the listing rewritten whole.
        try Data(text.utf8.prefix(text.utf8.count / 2)).write(to: listing)
        let third = try sotay.run(["procedures", "khai sinh"])
        #expect(third.status == 0)
        #expect(third.stdout == first.stdout)
        #expect(try String(contentsOf: listing, encoding: .utf8) == text)

        // A folder being edited (SOTAY_CONTENT) is loaded every time and leaves the kept listing alone.
        sotay.environment["SOTAY_CONTENT"] = Sotay.fixtureContent.path
        let edited = try sotay.run(["procedures", "--json"])
        #expect(edited.stdout.contains("thu-nghiem"))
        #expect(try kept() == [listing])

        // Another binary (a copy: another file) keeps its own listing, and the old one goes.
        sotay.environment["SOTAY_CONTENT"] = nil
        let copy = sotay.home.appending(path: "sotay-copy")
        try FileManager.default.copyItem(at: Sotay.binary, to: copy)
        let fromCopy = try sotay.run(["procedures", "khai sinh"], executable: copy)
        #expect(fromCopy.stdout == first.stdout)
        let now = try kept()
        #expect(now.count == 1 && now != [listing], "\(now)")
    }

    @Test("searching before the data folder exists makes no folder")
    func listingWithoutDataFolder() throws {
        var sotay = try Sotay(fixtureContent: false)
        defer { sotay.cleanUp() }
        sotay.environment["SOTAY_CONTENT"] = nil
        let missing = sotay.home.appending(path: "not-yet")
        sotay.environment["SOTAY_HOME"] = missing.path
        let result = try sotay.run(["procedures", "khai sinh"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("dang-ky-khai-sinh"))
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    @Test("content check passes on the bundled library and fails on a broken folder, naming file, line and field")
    func contentCheck() throws {
        let sotay = try Sotay(fixtureContent: false)
        defer { sotay.cleanUp() }
        let good = try sotay.run(["content", "check"])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")

        let broken = sotay.home.appending(path: "content")
        try FileManager.default.createDirectory(at: broken.appending(path: "procedures"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Sotay.fixtureContent.appending(path: "pack.yaml"), to: broken.appending(path: "pack.yaml"))
        let procedure = try String(contentsOf: Sotay.fixtureContent.appending(path: "procedures/thu-nghiem.yaml"), encoding: .utf8)
        try procedure.replacingOccurrences(of: "value: tai_nha", with: "value: o_cho")
            .replacingOccurrences(of: "type: integer", with: "type: number")
            .write(to: broken.appending(path: "procedures/thu-nghiem.yaml"), atomically: true, encoding: .utf8)
        try "id: x\n  bad: [indent\n".write(to: broken.appending(path: "procedures/hong.yaml"), atomically: true, encoding: .utf8)

        let result = try sotay.run(["content", "check", broken.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("procedures/thu-nghiem.yaml:37: steps[4].when.equals.value:"), "\(result.stdout)")
        #expect(result.stdout.contains("procedures/thu-nghiem.yaml:44: steps[6].type:"))
        #expect(result.stdout.contains("procedures/hong.yaml:"))
        #expect(result.stderr.contains("3 lỗi"))
    }

    @Test("show prints the checklist with its papers, fee and dated sources")
    func show() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let result = try sotay.run(["show", "thu-nghiem"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Giấy chứng sinh (tùy trường hợp)"))
        #expect(result.stdout.contains("Nguồn thử nghiệm (10/06/2026)"))
        #expect(result.stdout.contains("Lệ phí: Miễn lệ phí khi đăng ký đúng hạn."))
    }

    @Test("the volunteer's province gives its own fee where the HĐND sets it; elsewhere the checklist says to ask")
    func provinceFee() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        let local = try sotay.run(["init", "--name", "An", "--village", "Thôn Đông", "--commune", "Xã Gia Lộc", "--province", "hai phong"])
        #expect(local.stdout.contains("Hải Phòng"), "the province is stored as the library spells it")
        let shown = try sotay.run(["show", "thu-nghiem"])
        #expect(shown.stdout.contains("Mức phí tại Hải Phòng: 5.000 đồng (giá trị thử nghiệm)"))
        #expect(shown.stdout.contains("Ghi chú thử nghiệm của tỉnh."))
        _ = try sotay.run(["init", "--province", "Nam Định"])
        let elsewhere = try sotay.run(["show", "thu-nghiem"])
        #expect(!elsewhere.stdout.contains("5.000 đồng"))
        #expect(elsewhere.stdout.contains("hỏi cán bộ một cửa mức phí"))
    }

    @Test("a checklist older than the configured age asks the volunteer to confirm it at the counter")
    func stale() throws {
        var sotay = try Sotay()
        defer { sotay.cleanUp() }
        sotay.environment["SOTAY_CONTENT_MAX_AGE_MONTHS"] = "1"
        let old = try sotay.run(["show", "thu-nghiem"])
        #expect(old.stdout.contains("đã quá 1 tháng"))
        sotay.environment["SOTAY_CONTENT_MAX_AGE_MONTHS"] = "1200"
        let fresh = try sotay.run(["show", "thu-nghiem"])
        #expect(!fresh.stdout.contains("đã quá"))
    }
}
