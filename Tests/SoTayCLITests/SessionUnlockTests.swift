import Foundation
import SoTayTestSupport
import Testing

/// The built `sotay`, as a volunteer uses it over a stretch of work: the passphrase typed once at
/// a terminal opens residents' data for the commands that follow, until `sotay lock`, a changed
/// passphrase, `unlocked-minutes 0` or the time running out (which the store tests watch the
/// kernel do). The keys go to this machine's real kernel keyring.
@Suite("Typed once, the passphrase opens the next commands too, until locked")
struct SessionUnlockTests {
    typealias Keys = Sotay.Keys

    /// A laptop with one named draft, keeping unlocked for the default 15 minutes; a command
    /// runs without `SOTAY_PASSPHRASE` unless the test gives it.
    private func laptop() throws -> (Sotay, String) {
        var sotay = try Sotay()
        try sotay.initProfile()
        _ = try sotay.run(["guide", "thu-nghiem"], input: "có\nTrần Thị Bình\nthoát\n")
        let id = try #require((try sotay.json(["drafts", "--json"]) as? [[String: Any]])?.first?["id"] as? String)
        sotay.environment["SOTAY_UNLOCKED_MINUTES"] = nil
        sotay.environment["SOTAY_PASSPHRASE"] = nil
        return (sotay, id)
    }

    private func names(_ sotay: Sotay) throws -> [String?] {
        let list = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        return list.map { $0["residentName"] as? String }
    }

    @Test("typed at a terminal, it is asked once: the next commands show names without it, and sotay lock ends that at once")
    func typedOnce() throws {
        let (sotay, id) = try laptop()
        defer { sotay.cleanUp() }
        defer { _ = try? sotay.run(["lock"]) }
        #expect(try names(sotay) == [nil], "names shown before any passphrase")

        let typed = try sotay.terminal(["drafts", "show", id], [
            Keys("Cụm mật khẩu Sổ Tay (để mở", "\(Sotay.passphrase)\r"),
            Keys("khóa ngay: sotay lock", ""),
        ])
        #expect(typed.status == 0 && typed.output.contains("Trần Thị Bình"), "\(typed)")
        #expect(typed.output.contains("thêm 15 phút sau lần dùng cuối"), "\(typed)")

        // The next commands, by a script or at the terminal: no passphrase asked, names shown.
        #expect(try names(sotay) == ["Trần Thị Bình"])
        let again = try sotay.terminal(["drafts", "show", id], [Keys("Trần Thị Bình", "")])
        #expect(again.status == 0 && !again.output.contains("Cụm mật khẩu"), "\(again)")

        let lock = try sotay.run(["lock"])
        #expect(lock.status == 0 && lock.stdout.contains("Đã khóa"), "\(lock)")
        #expect(try names(sotay) == [nil])
        let refused = try sotay.run(["drafts", "show", id])
        #expect(refused.status == 1 && !refused.stdout.contains("Trần Thị Bình"), "\(refused.stdout)")
        let twice = try sotay.run(["lock", "--lang", "en"])
        #expect(twice.status == 0 && twice.stdout.contains("already locked"), "\(twice)")
    }

    @Test("a passphrase a script gives is still checked while a key is kept: a wrong one is refused")
    func wrongPassphraseStillRefused() throws {
        var (sotay, id) = try laptop()
        defer { sotay.cleanUp() }
        defer { _ = try? sotay.run(["lock"]) }
        sotay.environment["SOTAY_PASSPHRASE"] = Sotay.passphrase
        #expect(try sotay.run(["drafts", "show", id]).status == 0)
        sotay.environment["SOTAY_PASSPHRASE"] = "không phải mật khẩu"
        let wrong = try sotay.run(["drafts", "show", id])
        #expect(wrong.status == 1 && wrong.stderr.contains("Sai cụm mật khẩu"), "\(wrong.stderr)")
        sotay.environment["SOTAY_PASSPHRASE"] = nil
        #expect(try names(sotay) == ["Trần Thị Bình"], "the kept key was lost to a wrong passphrase")
    }

    @Test("unlocked-minutes 0 locks at once and keeps nothing after; a value out of range is refused in Vietnamese and English")
    func settingZero() throws {
        var (sotay, id) = try laptop()
        defer { sotay.cleanUp() }
        var scripted = sotay
        scripted.environment["SOTAY_PASSPHRASE"] = Sotay.passphrase
        #expect(try scripted.run(["drafts", "show", id]).status == 0)
        #expect(try names(sotay) == ["Trần Thị Bình"])

        let bad = try sotay.run(["settings", "unlocked-minutes", "9999"])
        #expect(bad.status != 0 && bad.stderr.contains("unlocked-minutes phải là số phút từ 0 đến 600"), "\(bad.stderr)")
        #expect(try sotay.run(["settings", "unlocked-minutes", "mười", "--lang", "en"]).stderr.contains("from 0 to 600"))
        let zero = try sotay.run(["settings", "unlocked-minutes", "0"])
        #expect(zero.status == 0 && zero.stdout.contains("unlocked-minutes = 0"), "\(zero)")
        #expect(try names(sotay) == [nil], "still open after unlocked-minutes 0")
        #expect(try scripted.run(["drafts", "show", id]).status == 0)
        #expect(try names(sotay) == [nil], "a key was kept with unlocked-minutes 0")
        sotay.environment["SOTAY_UNLOCKED_MINUTES"] = nil
        #expect(try sotay.run(["settings", "unlocked-minutes", "--reset"]).stdout.contains("unlocked-minutes = 15"))
    }

    @Test("changing the passphrase asks for the old one even while a key is kept, and the kept key opens nothing after")
    func changeNeedsTheOldOne() throws {
        var (sotay, id) = try laptop()
        defer { sotay.cleanUp() }
        defer { _ = try? sotay.run(["lock"]) }
        var scripted = sotay
        scripted.environment["SOTAY_PASSPHRASE"] = Sotay.passphrase
        #expect(try scripted.run(["drafts", "show", id]).status == 0)
        // Kept, but no old passphrase given: refused, nothing changed.
        sotay.environment["SOTAY_NEW_PASSPHRASE"] = "hoa gạo đỏ bờ sông"
        let noOld = try sotay.run(["passphrase", "change"])
        #expect(noOld.status == 1, "changed with only a kept key: \(noOld)")
        #expect(try names(sotay) == ["Trần Thị Bình"])
        scripted.environment["SOTAY_NEW_PASSPHRASE"] = "hoa gạo đỏ bờ sông"
        let changed = try scripted.run(["passphrase", "change"])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(try names(sotay) == [nil], "the key kept from the old passphrase still opened the store")
    }
}
