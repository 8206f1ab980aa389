import Testing
@testable import SoTayCore

@Suite("Which passphrases are too weak to protect residents' data, and why")
struct PassphraseStrengthTests {
    typealias Weakness = PassphraseStrength.Weakness

    @Test("a weak passphrase is refused with the reason a volunteer can act on", arguments: [
        ("", Weakness.empty),
        ("    ", .empty),
        ("aaaaaaaaaaaaaaaaaaaa", .oneCharacter),
        ("ưưưư ưưưư ưưưư", .oneCharacter),
        ("0912345678901", .onlyDigits),
        ("12 05 1990 12 05", .onlyDigits),
        ("12/05/1990-12/05", .onlyDigits),
        ("matkhau123456", .common),
        ("Mật khẩu 123456", .common),
        ("anh yêu em nhiều", .common),
        ("P@ssw0rd123", .common),
        ("qwertyuiop123", .common),
        ("cây bàng", .tooShort(minimum: 12)),
        ("hoa gạo", .tooShort(minimum: 12)),
        ("abc def g", .tooShort(minimum: 12)),
        ("câybàngđầungõ", .tooFewWords(minimum: 3, orLength: 20)),
        ("cây bàngđầungõ", .tooFewWords(minimum: 3, orLength: 20)),
    ])
    func weak(passphrase: String, reason: Weakness) {
        #expect(PassphraseStrength.weakness(of: passphrase) == reason)
    }

    @Test("a few words, or one long line, are strong enough", arguments: [
        "cây bàng đầu ngõ", "hoa gạo đỏ bờ sông", "trâu ăn cỏ 1990", "caybangdaungonhatoi2024", "ba con mèo mướp",
    ])
    func strong(passphrase: String) {
        #expect(PassphraseStrength.weakness(of: passphrase) == nil)
    }

    @Test("the shipped list is read from its data file: comments skipped, entries folded, nothing short that other rules already refuse")
    func shippedList() {
        let list = PassphraseStrength.commonPasswords
        #expect(list.count > 150)
        #expect(list.contains("matkhau"))
        #expect(list.contains("anhyeuem"))
        #expect(!list.contains { $0.hasPrefix("#") || $0.contains(" ") || $0.isEmpty })
        #expect(PassphraseStrength.parseList("# a comment\n\n  Mật Khẩu  \nqwerty\n") == ["matkhau", "qwerty"])
    }

    @Test("every reason has a Vietnamese and an English message")
    func messages() {
        for reason: Weakness in [.empty, .oneCharacter, .onlyDigits, .common, .tooShort(minimum: 12), .tooFewWords(minimum: 3, orLength: 20)] {
            #expect(!reason.message(.vi).isEmpty && reason.message(.vi) != reason.message(.en))
        }
        #expect(Weakness.tooShort(minimum: 12).message(.vi).contains("12 ký tự"))
    }
}

@Suite("What a mistyped command probably meant")
struct SpellingTests {
    @Test("a slip of one or two letters, or a prefix, suggests the command; an unrelated word suggests nothing", arguments: [
        ("draft", ["drafts"]), ("drafs", ["drafts"]), ("sycn", ["sync"]), ("proc", ["procedures"]), ("atach", ["attach"]),
        ("banana", []), ("x", []),
    ])
    func suggestions(word: String, expected: [String]) {
        let commands = ["home", "init", "procedures", "show", "guide", "drafts", "attach", "enroll", "sync", "log", "report", "status"]
        #expect(Spelling.suggestions(for: word, among: commands) == expected)
    }

    @Test("edit distance counts insertions, deletions and substitutions, in characters")
    func distance() {
        #expect(Spelling.distance("draft", "drafts") == 1)
        #expect(Spelling.distance("kitten", "sitting") == 3)
        #expect(Spelling.distance("", "abc") == 3)
        #expect(Spelling.distance("đi", "di") == 1)
    }
}

@Suite("Enrolment codes as read aloud")
struct EnrolmentCodeTests {
    @Test("spaces, dashes and small letters make no difference", arguments: [["bbb4 9eyf"], ["BBB4-9EYF"], ["bbb49eyf"], ["bbb4", "9eyf"], [" Bbb4 - 9Eyf "]])
    func sameCode(words: [String]) {
        #expect(EnrolmentCode.normalized(words) == "BBB4-9EYF")
    }

    @Test("a code with too few or too many symbols is refused", arguments: [["bbb4"], ["bbb4 9eyf 2"], [""], ["bbb4-9eýf"]])
    func wrongLength(words: [String]) {
        #expect(EnrolmentCode.normalized(words) == nil)
    }
}

@Suite("Finding a resident by id, phone or name")
struct ResidentLookupTests {
    let residents = [
        ResidentCard(id: "r-1111aaaa", name: "Trần Thị Bình", phone: "0912345678"),
        ResidentCard(id: "r-2222bbbb", name: "Nguyễn Văn An", phone: nil),
        ResidentCard(id: "r-3333cccc", name: "Nguyễn Văn An", phone: "0987654321"),
        ResidentCard(id: "r-4444dddd", name: "Lê Văn Cường", phone: nil),
    ]

    @Test("an id, its start, a phone in any spelling, or a name without tone marks finds the one resident")
    func one() {
        #expect(ResidentLookup.find("r-2222bbbb", among: residents) == .one(residents[1]))
        #expect(ResidentLookup.find("r-4", among: residents) == .none)
        #expect(ResidentLookup.find("r-4444", among: residents) == .one(residents[3]))
        #expect(ResidentLookup.find("+84 912 345 678", among: residents) == .one(residents[0]))
        #expect(ResidentLookup.find("tran thi binh", among: residents) == .one(residents[0]))
        #expect(ResidentLookup.find("Cường", among: residents) == .one(residents[3]))
    }

    @Test("a name two residents share lists both; an unknown one finds none")
    func ambiguous() {
        #expect(ResidentLookup.find("Nguyễn Văn An", among: residents) == .many([residents[1], residents[2]]))
        #expect(ResidentLookup.find("Phạm Thị Dung", among: residents) == .none)
        #expect(ResidentLookup.find("0900000000", among: residents) == .none)
    }
}
