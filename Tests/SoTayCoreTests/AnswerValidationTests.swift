import Testing
@testable import SoTayCore

private let today = CalendarDate(year: 2026, month: 11, day: 24)!
private let parser = AnswerParser(today: today)

private func question(_ type: QuestionType, _ configure: (inout Question) -> Void = { _ in }) -> Step {
    var question = Question(type: type, choices: [
        Choice(id: "co_so_y_te", label: LocalizedText(vi: "Sinh ở bệnh viện, trạm y tế")),
        Choice(id: "tai_nha", label: LocalizedText(vi: "Sinh tại nhà")),
        Choice(id: "khac", label: LocalizedText(vi: "Nơi khác")),
    ])
    if type != .singleChoice && type != .multipleChoice { question.choices = [] }
    configure(&question)
    return Step(id: "q", kind: .question(question), text: LocalizedText(vi: "?"))
}

private func accepts(_ step: Step, _ raw: String, answers: Answers = [:]) -> AnswerValue? {
    if case .success(let value) = parser.parse(.text(raw), for: step, answers: answers) { return value }
    return nil
}

private func refuses(_ step: Step, _ raw: String, answers: Answers = [:]) -> ValidationFailure? {
    if case .failure(let failure) = parser.parse(.text(raw), for: step, answers: answers) { return failure }
    return nil
}

@Suite("Typed answers are checked as the volunteer types them")
struct AnswerValidationTests {
    @Test("yes/no accepts Vietnamese and English words, with or without tone marks", arguments: [
        ("có", true), ("Co", true), ("c", true), ("yes", true), ("1", true), ("rồi", true),
        ("không", false), ("khong", false), ("k", false), ("no", false), ("0", false), ("chưa", false),
    ])
    func yesNo(raw: String, expected: Bool) {
        #expect(accepts(question(.yesNo), raw) == .bool(expected))
    }

    @Test("yes/no refuses anything else", arguments: ["có lẽ", "maybe", "2"])
    func yesNoRefused(raw: String) {
        #expect(refuses(question(.yesNo), raw) == .notYesNo)
    }

    @Test("an empty answer to a required question is refused")
    func empty() {
        #expect(refuses(question(.text), "   ") == .empty)
    }

    @Test("single choice takes the number, the label or the id")
    func singleChoice() {
        let step = question(.singleChoice)
        #expect(accepts(step, "2") == .choice("tai_nha"))
        #expect(accepts(step, "sinh tai nha") == .choice("tai_nha"))
        #expect(accepts(step, "co_so_y_te") == .choice("co_so_y_te"))
        #expect(refuses(step, "4") == .unknownChoice(count: 3))
        #expect(refuses(step, "0") == .unknownChoice(count: 3))
        #expect(refuses(step, "sinh") == .unknownChoice(count: 3), "an ambiguous prefix is not a choice")
    }

    @Test("multiple choice takes numbers separated by commas or spaces, in the choices' order")
    func multipleChoice() {
        let step = question(.multipleChoice)
        #expect(accepts(step, "3, 1") == .choices(["co_so_y_te", "khac"]))
        #expect(accepts(step, "2 3") == .choices(["tai_nha", "khac"]))
        #expect(refuses(step, "1, 1") == .duplicateChoice)
        #expect(refuses(step, "1, 5") == .unknownChoice(count: 3))
    }

    @Test("a choice number at the edge of Int is refused, not a crash (found by the property tests)")
    func choiceNumberAtIntEdge() {
        for type in [QuestionType.singleChoice, .multipleChoice] {
            #expect(refuses(question(type), String(Int.min)) == .unknownChoice(count: 3))
            #expect(refuses(question(type), String(Int.max)) == .unknownChoice(count: 3))
            #expect(parser.parse(.number(Int.min), for: question(type)) == .failure(.unknownChoice(count: 3)))
        }
    }

    @Test("dates are day/month/year, real, and not in the future when the field says so")
    func dates() {
        let step = question(.date) { $0.notFuture = true }
        #expect(accepts(step, "05/09/2024") == .date(CalendarDate(year: 2024, month: 9, day: 5)!))
        #expect(accepts(step, "5-9-2024") == .date(CalendarDate(year: 2024, month: 9, day: 5)!))
        #expect(accepts(step, "29/02/2024") != nil, "2024 is a leap year")
        #expect(accepts(step, "24/11/2026") != nil, "today is not the future")
        #expect(refuses(step, "29/02/2025") == .impossibleDate)
        #expect(refuses(step, "31/04/2024") == .impossibleDate)
        #expect(refuses(step, "25/11/2026") == .futureDate)
        #expect(refuses(step, "2024/09/05") == .notADate)
        #expect(refuses(step, "hôm qua") == .notADate)
        let anyDate = question(.date)
        #expect(accepts(anyDate, "01/01/2030") != nil, "future dates are fine where the field allows them")
    }

    @Test("a CCCD number has 12 digits whose century digit and year agree with the birth date")
    func cccd() {
        let step = question(.cccd) { $0.birthDateQuestion = "ngay_sinh" }
        let born1990 = ["ngay_sinh": AnswerValue.date(CalendarDate(year: 1990, month: 3, day: 2)!)]
        #expect(accepts(step, "001090123456", answers: born1990) == .text("001090123456"), "man born 1990 in Hà Nội")
        #expect(accepts(step, "031 190 123 456", answers: born1990) == .text("031190123456"), "spaces are allowed; woman born 1990")
        #expect(refuses(step, "00109012345") == .cccdLength(digits: 11))
        #expect(refuses(step, "00109012345a") == .cccdNotDigits)
        #expect(refuses(step, "001490123456") == .cccdCenturyInFuture, "digit 4 = 4 means born in the 2100s")
        #expect(refuses(step, "001091123456", answers: born1990) == .cccdBirthDateMismatch(expectedYear: 1991))
        let born2000 = ["ngay_sinh": AnswerValue.date(CalendarDate(year: 2000, month: 1, day: 1)!)]
        #expect(refuses(step, "001000123456", answers: born2000) == .cccdGenderCentury(birthYear: 2000), "0 means born 1900–1999")
        #expect(accepts(step, "001200123456", answers: born2000) != nil, "2 means a man born 2000–2099")
        #expect(accepts(question(.cccd), "999090123456") != nil, "an unknown place code is not refused (FACTS §5.4)")
    }

    @Test("the CCCD tells the birth year and gender")
    func cccdStructure() throws {
        let number = try CCCD.validate("079305001234", today: today).get()
        #expect(number.birthYear == 2005)
        #expect(number.isFemale)
    }

    @Test("phone numbers are Vietnamese mobiles or landlines, stored in national form", arguments: [
        ("0912 345 678", "0912345678"), ("+84 912 345 678", "0912345678"), ("84912345678", "0912345678"),
        ("0321.234.567", "0321234567"), ("024 3825 1234", "02438251234"),
    ])
    func phones(raw: String, stored: String) {
        #expect(accepts(question(.phone), raw) == .text(stored))
    }

    @Test("phone numbers of the wrong shape are refused", arguments: ["0112345678", "091234567", "09123456789", "abc", "0212345678"])
    func badPhones(raw: String) {
        #expect(refuses(question(.phone), raw) == .phoneFormat)
    }

    @Test("whole numbers respect min and max")
    func integers() {
        let step = question(.integer) { $0.minimum = 1; $0.maximum = 10 }
        #expect(accepts(step, " 3 ") == .integer(3))
        #expect(refuses(step, "0") == .integerTooSmall(min: 1))
        #expect(refuses(step, "11") == .integerTooLarge(max: 10))
        #expect(refuses(step, "3,5") == .notAnInteger)
        #expect(refuses(step, "ba") == .notAnInteger)
    }

    @Test("free text is kept in NFC and limited in length")
    func text() {
        let step = question(.text) { $0.maxLength = 10 }
        let decomposed = "Nguye\u{0302}\u{0303}n"
        #expect(accepts(step, decomposed) == .text("Nguyễn"))
        #expect(refuses(step, String(repeating: "a", count: 11)) == .tooLong(max: 10))
    }

    @Test("free text that looks like a password or OTP is refused", arguments: [
        "123456", "123 456", "mật khẩu là abc", "mã OTP 4455", "ma xac thuc", "Password: x",
    ])
    func credentials(raw: String) {
        #expect(refuses(question(.text), raw) == .looksLikeCredential)
    }

    @Test("ordinary text with numbers is not mistaken for a credential", arguments: ["Thôn 5", "số nhà 123", "1234567"])
    func notCredentials(raw: String) {
        #expect(accepts(question(.text), raw) != nil)
    }

    @Test("every refusal has a message in both languages")
    func messages() {
        let failures: [ValidationFailure] = [.empty, .notYesNo, .futureDate, .cccdLength(digits: 3), .phoneFormat, .looksLikeCredential]
        for failure in failures {
            #expect(failure.message(.vi) != failure.message(.en))
            #expect(!failure.message(.vi).isEmpty)
        }
    }
}
