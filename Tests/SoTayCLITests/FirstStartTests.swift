import Foundation
import SoTayTestSupport
import Testing

/// The first day on a new laptop, and the passphrase prompt while a resident waits.
@Suite("First start and the passphrase, in a terminal and piped", .serialized)
struct FirstStartTests {
    typealias Keys = Sotay.Keys

    /// A data folder without `SOTAY_PASSPHRASE`: the volunteer types it.
    static func typing() throws -> Sotay {
        var sotay = try Sotay()
        sotay.environment["SOTAY_PASSPHRASE"] = nil
        return sotay
    }

    @Test("first start in a terminal: profile, then a passphrase (weak ones refused with the reason), and the resident's yes starts a draft")
    func firstStartInATerminal() throws {
        let sotay = try Self.typing()
        defer { sotay.cleanUp() }
        let result = try sotay.terminal([], [
            Keys("Họ tên tình nguyện viên: ", "Nguyễn Văn An\r"),
            Keys("Thôn / tổ dân phố: ", "Thôn Đông\r"),
            Keys("Xã / phường: ", "Xã Gia Lộc\r"),
            Keys("Tỉnh / thành phố", "Hải Phòng\r"),
            Keys("Số điện thoại của bạn", "\r"),
            Keys("Cụm mật khẩu mới: ", "0912345678901\r"),
            Keys("chỉ có chữ số", ""),
            Keys("Cụm mật khẩu mới: ", "Mật khẩu 123456\r"),
            Keys("mật khẩu phổ biến nhất", ""),
            Keys("Cụm mật khẩu mới: ", "hoa gạo\r"),
            Keys("cần ít nhất 12 ký tự", ""),
            Keys("Cụm mật khẩu mới: ", "aaaaaaaaaaaaaaaa\r"),
            Keys("chỉ lặp lại một ký tự", ""),
            Keys("Cụm mật khẩu mới: ", "hoa gạo đỏ bờ sông\r"),
            Keys("Gõ lại để kiểm tra: ", "hoa gạo đỏ bờ sông\r"),
            Keys("✓ Đã đặt cụm mật khẩu", ""),
            Keys("Chọn 1–6: ", "1\r"),
            Keys("Thủ tục gì?", "thu-nghiem\r"),
            Keys("Người dân có đồng ý không?", "có\r"),
            Keys("[1/7]", ""),
            Keys("> ", "Hoa\r"),
            Keys("> ", "thoát\r"),
            Keys("được giữ", ""),
            Keys("Chọn 1–6: ", "6\r"),
        ])
        #expect(result.timedOut == nil, "\(result)")
        #expect(result.status == 0, "\(result)")
        #expect(!result.output.contains("hoa gạo đỏ bờ sông"), "the passphrase is never echoed")
        #expect(!result.output.contains("sotay init"), "\(result)")
        var opened = sotay
        opened.environment["SOTAY_PASSPHRASE"] = "hoa gạo đỏ bờ sông"
        let drafts = try #require(try opened.json(["drafts", "--json"]) as? [[String: Any]])
        #expect(drafts.count == 1 && drafts.first?["residentName"] as? String == "Hoa")
    }

    @Test("first start piped (a script with SOTAY_PASSPHRASE): the passphrase is set with the profile, and consent starts a draft")
    func firstStartPiped() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        let result = try sotay.run([], input: "Nguyễn Văn An\nThôn Đông\nXã Gia Lộc\nHải Phòng\n1\nthu-nghiem\ncó\nHoa\nthoát\n6\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("✓ Đã đặt cụm mật khẩu"))
        #expect(result.stdout.contains("Đã dừng. Hồ sơ nháp"), "\(result.stdout)")
        let drafts = try #require(try sotay.json(["drafts", "--json"]) as? [[String: Any]])
        #expect(drafts.first?["residentName"] as? String == "Hoa")
    }

    @Test("a weak passphrase from the environment is refused with the variable and the reason; nothing is set")
    func weakFromEnvironment() throws {
        var sotay = try Sotay()
        defer { sotay.cleanUp() }
        sotay.environment["SOTAY_PASSPHRASE"] = "123456789012"
        let result = try sotay.run(["init", "--name", "An", "--village", "Đông", "--commune", "Gia Lộc", "--province", "Hải Phòng"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("SOTAY_PASSPHRASE: Cụm mật khẩu chỉ có chữ số"), "\(result.stderr)")
        sotay.environment["SOTAY_PASSPHRASE"] = Sotay.passphrase
        #expect(try sotay.run(["init"]).stdout.contains("✓ Đã đặt cụm mật khẩu"))
    }

    @Test("at the home menu, Enter and Ctrl-D at the passphrase prompt go back to the menu; the resident is still guided, and the right passphrase opens the draft")
    func passphrasePromptNeverEndsTheMenu() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        _ = try sotay.run(["guide", "thu-nghiem"], input: "có\nHoa\nthoát\n")
        var typing = sotay
        typing.environment["SOTAY_PASSPHRASE"] = nil
        let result = try typing.terminal([], [
            Keys("Enter để bỏ qua", "\r"),
            Keys("Chọn 1–6: ", "2\r"),
            Keys("Số hồ sơ để làm tiếp", "1\r"),
            Keys("Cụm mật khẩu Sổ Tay (để mở", "\r"),
            Keys("Chưa gõ gì", ""),
            Keys("Cụm mật khẩu Sổ Tay (để mở", "\u{4}"),
            Keys("Quay lại.", ""),
            Keys("Chọn 1–6: ", "1\r"),
            Keys("Thủ tục gì?", "thu-nghiem\r"),
            Keys("Người dân có đồng ý không?", "có\r"),
            Keys("Cụm mật khẩu Sổ Tay (để mở", "\u{4}"),
            Keys("Không lưu thông tin của người dân", ""),
            Keys("> ", "thoát\r"),
            Keys("Chọn 1–6: ", "2\r"),
            Keys("Số hồ sơ để làm tiếp", "1\r"),
            Keys("Cụm mật khẩu Sổ Tay (để mở", "sai mật khẩu rồi\r"),
            Keys("Đang mở khóa…", ""),
            Keys("Sai cụm mật khẩu", ""),
            Keys("Cụm mật khẩu Sổ Tay (để mở", "\(Sotay.passphrase)\r"),
            Keys("> ", "thoát\r"),
            Keys("được giữ", ""),
            // Opened once, it stays open for the session: the draft opens again without asking.
            Keys("Chọn 1–6: ", "2\r"),
            Keys("Số hồ sơ để làm tiếp", "1\r"),
            Keys("> ", "thoát\r"),
            Keys("Chọn 1–6: ", "6\r"),
        ])
        #expect(result.timedOut == nil, "\(result)")
        #expect(result.status == 0, "\(result)")
        #expect(result.output.contains("Tạm biệt!"))
        #expect(!result.output.contains("SOTAY_PASSPHRASE"), "no scripting advice to a person at a terminal: \(result)")
        // Said while scrypt works: for the wrong passphrase and the right one, and never again.
        #expect(result.output.components(separatedBy: "Đang mở khóa…").count - 1 == 2, "\(result)")
    }
}
