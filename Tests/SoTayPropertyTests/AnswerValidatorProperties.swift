import Foundation
import PropertyBased
import SoTayCore
import Testing

/// One generated question with what the volunteer typed for it.
struct AnswerCase: Sendable, CustomTestStringConvertible {
    var step: Step
    var input: AnswerInput
    var answers: Answers
    var today: CalendarDate

    var testDescription: String { "\(step.kind) input=\(String(reflecting: input)) answers=\(answers) today=\(today)" }

    static let generator = Generator<AnswerCase, Shrink.None<AnswerCase>>.from { rng in
        let today = CalendarDate(year: Fuzz.int(1990...2100, &rng), month: Fuzz.int(1...12, &rng), day: Fuzz.int(1...28, &rng)) ?? CalendarDate.today()
        let birth = CalendarDate(year: Fuzz.int(1900...2100, &rng), month: Fuzz.int(1...12, &rng), day: Fuzz.int(1...28, &rng))
        let answers: Answers = birth.map { ["ngay_sinh": .date($0)] } ?? [:]
        return AnswerCase(step: step(&rng), input: input(&rng), answers: Fuzz.chance(0.5, &rng) ? answers : [:], today: today)
    }

    static func step(_ rng: inout some RandomNumberGenerator) -> Step {
        let text = LocalizedText(vi: "Câu hỏi", en: "Question")
        switch Fuzz.int(0...9, &rng) {
        case 0: return Step(id: "giay_to", kind: .document(required: Fuzz.chance(0.5, &rng)), text: text)
        case 1: return Step(id: "thong_tin", kind: Fuzz.chance(0.5, &rng) ? .info : .action(.vneid), text: text)
        default:
            var ids: Set<String> = []
            let choices = (0..<Fuzz.int(0...6, &rng)).compactMap { _ -> Choice? in
                // Choice ids as the loader allows them, starting with a letter as the content's do.
                let id = Fuzz.pick(["co", "khong", "co_so_y_te", "tai_nha", "khac", "a1", "vneid"], &rng) + (Fuzz.chance(0.3, &rng) ? "_\(Fuzz.int(0...9, &rng))" : "")
                guard ids.insert(id).inserted else { return nil }
                let label = LocalizedText(vi: Fuzz.vietnamese(&rng, words: 1...3), en: Fuzz.chance(0.5, &rng) ? "Choice \(id)" : nil)
                return Choice(id: id, label: label)
            }
            let minimum = Fuzz.chance(0.5, &rng) ? Fuzz.pick([Int.min, -5, 0, 1, 18, 1000], &rng) : nil
            let maximum = Fuzz.chance(0.5, &rng) ? Fuzz.pick([Int.max, 0, 10, 120, 1000], &rng) : nil
            let question = Question(
                type: Fuzz.pick(QuestionType.allCases, &rng), required: Fuzz.chance(0.5, &rng), choices: choices,
                notFuture: Fuzz.chance(0.5, &rng), minimum: minimum, maximum: maximum, maxLength: Fuzz.pick([1, 6, 20, 200, 4000], &rng),
                birthDateQuestion: Fuzz.chance(0.5, &rng) ? "ngay_sinh" : nil)
            return Step(id: "cau_hoi", kind: .question(question), text: text)
        }
    }

    static func input(_ rng: inout some RandomNumberGenerator) -> AnswerInput {
        switch Fuzz.int(0...9, &rng) {
        case 0: return .bool(Fuzz.chance(0.5, &rng))
        case 1: return .number(Fuzz.pick([Int.min, Int.max, -1, 0, 1, 2, 3, 7, 100, Fuzz.int(-1000...1000, &rng)], &rng))
        case 2: return .list((0..<Fuzz.int(0...5, &rng)).map { _ in Fuzz.chance(0.5, &rng) ? Fuzz.anyText(&rng) : Fuzz.digitText(&rng) })
        case 3: return .text(Fuzz.pick(["có", "Không", "KO", "rồi", "y", "1", "2", "1,2", "1, 1", "co_so_y_te", "vneid khac"], &rng))
        default: return .text(Fuzz.anyText(&rng))
        }
    }
}

/// Whether a failure reads as a sentence in both languages.
private func expectReadable(_ failure: ValidationFailure, _ sourceLocation: SourceLocation = #_sourceLocation) {
    let vi = failure.message(.vi), en = failure.message(.en)
    #expect(!vi.trimmingCharacters(in: .whitespaces).isEmpty && !en.trimmingCharacters(in: .whitespaces).isEmpty, sourceLocation: sourceLocation)
    #expect(vi != en, "\(failure) has no Vietnamese message", sourceLocation: sourceLocation)
}

/// What an accepted value of `question` must look like.
private func expectWellTyped(_ value: AnswerValue, for question: Question, _ item: AnswerCase) {
    switch (question.type, value) {
    case (.text, .text(let text)):
        #expect(text.count <= question.maxLength && !text.isEmpty)
        #expect(text.unicodeScalars.elementsEqual(text.precomposedStringWithCanonicalMapping.unicodeScalars), "stored text is not NFC")
        #expect(!CredentialGuard.looksLikeCredential(text))
    case (.yesNo, .bool):
        break
    case (.singleChoice, .choice(let id)):
        #expect(question.choices.contains { $0.id == id })
    case (.multipleChoice, .choices(let ids)):
        let order = question.choices.map(\.id)
        #expect(!ids.isEmpty && Set(ids).count == ids.count && ids.allSatisfy(order.contains))
        #expect(ids == order.filter(ids.contains), "choices are kept in the question's order")
    case (.date, .date(let date)):
        #expect(CalendarDate(year: date.year, month: date.month, day: date.day) == date)
        if question.notFuture { #expect(date <= item.today) }
    case (.cccd, .text(let digits)):
        #expect(digits.count == 12 && digits.allSatisfy { $0.isASCII && $0.isNumber })
        #expect((try? CCCD.validate(digits, today: item.today).get())?.digits == digits)
    case (.phone, .text(let number)):
        #expect(isPlainPhoneNumber(number), "\(number)")
    case (.integer, .integer(let number)):
        #expect(number >= (question.minimum ?? .min) && number <= (question.maximum ?? .max))
    default:
        Issue.record("a \(question.type) question accepted \(value)")
    }
}

private func isPlainPhoneNumber(_ number: String) -> Bool {
    guard number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
    return (number.count == 10 && ["03", "05", "07", "08", "09"].contains(where: number.hasPrefix)) || (number.count == 11 && number.hasPrefix("02"))
}

/// The form an accepted value is typed back in (an answers file, an edit): it must parse to itself.
private func storedForm(_ value: AnswerValue) -> AnswerInput? {
    switch value {
    case .text(let text), .choice(let text): .text(text)
    case .bool(let value): .bool(value)
    case .choices(let ids): .list(ids)
    case .date(let date): .text(date.vietnamese)
    case .integer(let number): .text(String(number))
    case .skipped: nil
    }
}

@Suite("Answer checks: any text, no crash, an accepted value or a reason in both languages")
struct AnswerValidatorProperties {
    @Test("every answer to every kind of question is either a well-typed value that round-trips or a readable failure")
    func parserIsTotal() async {
        await propertyCheck(count: 4000, input: AnswerCase.generator) { item in
            let parser = AnswerParser(today: item.today)
            switch parser.parse(item.input, for: item.step, answers: item.answers) {
            case .failure(let failure):
                expectReadable(failure)
            case .success(let value):
                switch item.step.kind {
                case .question(let question):
                    expectWellTyped(value, for: question, item)
                case .document:
                    guard case .bool = value else { Issue.record("a document step accepted \(value)"); return }
                case .info, .action:
                    Issue.record("an info or action step accepted \(value)")
                }
                let encoded = try JSONEncoder().encode(value)
                #expect(try JSONDecoder().decode(AnswerValue.self, from: encoded) == value, "stored JSON reads back")
                if let again = storedForm(value) {
                    #expect(parser.parse(again, for: item.step, answers: item.answers) == .success(value), "typed back, \(again) parses to itself")
                }
            }
        }
    }

    @Test("a CCCD built from a birth year and gender is accepted with that year and gender, grouped any way")
    func cccdRoundTrip() async {
        let generator = Generator<(String, Int, Bool, String, CalendarDate), Shrink.None<(String, Int, Bool, String, CalendarDate)>>.from { rng in
            let today = CalendarDate(year: Fuzz.int(2000...2099, &rng), month: Fuzz.int(1...12, &rng), day: 1) ?? CalendarDate.today()
            let year = Fuzz.int(1900...today.year, &rng), female = Fuzz.chance(0.5, &rng)
            let century = (year / 100 - 19) * 2 + (female ? 1 : 0)
            let digits = Fuzz.digits(3, &rng) + String(century) + String(format: "%02d", year % 100) + Fuzz.digits(6, &rng)
            let grouped = digits.enumerated().map { index, digit in
                (index > 0 && index % 3 == 0 && Fuzz.chance(0.5, &rng) ? Fuzz.pick([" ", ".", "-"], &rng) : "") + String(digit)
            }.joined()
            return (digits, year, female, grouped, today)
        }
        await propertyCheck(count: 1500, input: generator) { digits, year, female, typed, today in
            let birth = CalendarDate(year: year, month: 6, day: 1)
            let number = try #require(try? CCCD.validate(typed, today: today, birthDate: birth).get())
            #expect(number.digits == digits && number.birthYear == year && number.isFemale == female)
            // A birth date from another year is refused, naming the year the number holds.
            let other = try #require(CalendarDate(year: year == 1900 ? 1901 : year - 1, month: 6, day: 1))
            guard case .failure(let failure) = CCCD.validate(typed, today: today, birthDate: other) else {
                Issue.record("\(typed) accepted with the birth year \(other.year)")
                return
            }
            #expect(failure == .cccdBirthDateMismatch(expectedYear: year))
        }
    }

    @Test("an accepted CCCD has 12 digits and a place, century, gender and year that agree")
    func cccdAcceptedShape() async {
        await propertyCheck(count: 3000, input: .from { rng in (Fuzz.chance(0.5, &rng) ? Fuzz.digitText(&rng) : Fuzz.anyText(&rng), Fuzz.int(1990...2100, &rng)) }) { typed, year in
            let today = try #require(CalendarDate(year: year, month: 1, day: 1))
            switch CCCD.validate(typed, today: today) {
            case .failure(let failure):
                expectReadable(failure)
            case .success(let number):
                let scalars = Array(number.digits.unicodeScalars)
                #expect(scalars.count == 12 && scalars.allSatisfy { ("0"..."9").contains($0) })
                let century = Int(scalars[3].value) - 48
                #expect(number.birthYear == 1900 + century / 2 * 100 + (Int(number.digits.dropFirst(4).prefix(2)) ?? -1))
                #expect(number.birthYear <= today.year && number.isFemale == (century % 2 == 1))
                #expect(typed.filter { $0.isNumber } == number.digits, "only the typed digits are kept, in order")
            }
        }
    }

    @Test("a phone number is refused or kept in its plain national form, and every way of writing a mobile reads the same")
    func phoneNumbers() async {
        await propertyCheck(count: 2000, input: .from { rng in Fuzz.chance(0.5, &rng) ? Fuzz.digitText(&rng) : Fuzz.anyText(&rng) }) { typed in
            switch PhoneNumber.normalize(typed) {
            case .failure(let failure): expectReadable(failure)
            case .success(let number):
                #expect(isPlainPhoneNumber(number))
                #expect(PhoneNumber.normalize(number) == .success(number), "normalizing twice changes nothing")
            }
        }
        await propertyCheck(count: 1000, input: .from { rng in (Fuzz.pick(["3", "5", "7", "8", "9"], &rng) + Fuzz.digits(8, &rng), Fuzz.int(0...5, &rng)) }) { rest, style in
            let plain = "0" + rest
            let head = String(rest.prefix(2)), tail = String(rest.dropFirst(2))
            let dotted = "\(plain.prefix(4)).\(plain.dropFirst(4).prefix(3)).\(plain.dropFirst(7))"
            let written = [plain, "+84" + rest, "84" + rest, "+84 \(head) \(tail)", "(0\(head)) \(tail)", dotted][style]
            #expect(PhoneNumber.normalize(written) == .success(plain), "\(written)")
        }
    }

    @Test("folding is idempotent on any text, and blind to case, NFC or NFD on Vietnamese")
    func folding() async {
        await propertyCheck(count: 3000, input: .from { rng in Fuzz.anyText(&rng) }) { text in
            let folded = VietnameseFolding.fold(text)
            #expect(VietnameseFolding.fold(folded) == folded, "fold(fold(\(String(reflecting: text)))) ≠ fold: \(String(reflecting: folded))")
            #expect(!folded.unicodeScalars.contains { $0.properties.changesWhenLowercased }, "folded text has upper case: \(String(reflecting: folded))")
        }
        await propertyCheck(count: 1500, input: .from { rng in Fuzz.vietnamese(&rng) }) { text in
            let folded = VietnameseFolding.fold(text)
            for other in [text.decomposedStringWithCanonicalMapping, text.precomposedStringWithCanonicalMapping, text.uppercased(), text.lowercased()] {
                #expect(VietnameseFolding.fold(other) == folded, "\(String(reflecting: other))")
            }
            #expect(folded.unicodeScalars.allSatisfy { $0.isASCII }, "Vietnamese folds to plain letters: \(folded)")
        }
    }
}

@Suite("Credential guard: a VNeID password or OTP is never kept, however it is typed")
struct CredentialGuardProperties {
    /// An OTP as read off a phone: six digits, perhaps grouped, with stray white space around.
    static let loneCodes = Generator<String, Shrink.None<String>>.from { rng in
        let code = Fuzz.digits(6, &rng)
        let grouped = Fuzz.chance(0.3, &rng) ? "\(code.prefix(3)) \(code.dropFirst(3))" : code
        let edges = ["", " ", "  ", "\t", "\n", "\r\n"]
        return Fuzz.pick(edges, &rng) + grouped + Fuzz.pick(edges, &rng)
    }

    /// A sentence naming a credential in any case, with or without marks, NFC or NFD.
    static let namingSentences = Generator<String, Shrink.None<String>>.from { rng in
        let phrase = Fuzz.pick(["mật khẩu", "OTP", "mã xác thực", "mã OTP", "Mật khẩu VNeID", "mã xác nhận"], &rng)
        let typed = phrase.split(separator: " ").map { Fuzz.variant(of: String($0), &rng) }.joined(separator: Fuzz.pick([" ", "  ", "\u{00A0}"], &rng))
        let before = Fuzz.chance(0.6, &rng) ? Fuzz.vietnamese(&rng, words: 1...4) + Fuzz.pick([" ", ": ", ", ", " (", "\n"], &rng) : ""
        let after = Fuzz.chance(0.6, &rng) ? Fuzz.pick([" ", ": ", " là ", ") ", "\t"], &rng) + Fuzz.pick([Fuzz.digits(6, &rng), Fuzz.vietnamese(&rng, words: 1...3)], &rng) : ""
        return before + typed + after
    }

    @Test("a lone 6-digit code is refused as a free-text answer, and the refusal does not repeat it")
    func loneCodesRefused() async {
        let parser = AnswerParser(today: CalendarDate(year: 2026, month: 6, day: 15) ?? .today())
        let step = Step(id: "ghi_chu", kind: .question(Question(type: .text, required: false)), text: LocalizedText(vi: "Ghi chú"))
        await propertyCheck(count: 1500, input: Self.loneCodes) { typed in
            #expect(parser.parse(.text(typed), for: step) == .failure(.looksLikeCredential))
            let digits = typed.filter(\.isNumber)
            for language in Language.allCases {
                #expect(!ValidationFailure.looksLikeCredential.message(language).filter(\.isNumber).contains(digits))
            }
        }
    }

    @Test("text naming a password, an OTP or a verification code is refused in any spelling")
    func namingRefused() async {
        let parser = AnswerParser(today: CalendarDate(year: 2026, month: 6, day: 15) ?? .today())
        let step = Step(id: "ghi_chu", kind: .question(Question(type: .text, required: false, maxLength: 4000)), text: LocalizedText(vi: "Ghi chú"))
        await propertyCheck(count: 2000, input: Self.namingSentences) { typed in
            #expect(parser.parse(.text(typed), for: step) == .failure(.looksLikeCredential), "\(String(reflecting: typed))")
            // The secret is the code that came with the word: the warning never repeats it.
            let code = String(typed.filter { $0.isASCII && $0.isNumber })
            for language in Language.allCases where !code.isEmpty {
                #expect(!ValidationFailure.looksLikeCredential.message(language).contains(code))
            }
        }
    }

    /// One digit as some keyboard, font or copy-paste writes it: ASCII, full-width, Arabic-Indic,
    /// Persian, Devanagari, Bengali, mathematical bold or double-struck.
    static func disguised(digit: Character, _ rng: inout some RandomNumberGenerator) -> String {
        let value = UInt32(digit.asciiValue ?? 48) - 48
        let zero: UInt32 = Fuzz.pick([0x30, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x1D7CE, 0x1D7D8], &rng)
        return Unicode.Scalar(zero + value).map { String(Character($0)) } ?? String(digit)
    }

    /// What can stand between the digits or letters of a disguised code or word: nothing, a
    /// dash, a dot, spaces of all kinds (NBSP, thin, ideographic) and invisible format characters.
    static func separator(_ rng: inout some RandomNumberGenerator) -> String {
        Fuzz.pick(["", "", "-", ".", " ", "  ", "\u{00A0}", "\u{2009}", "\u{3000}", "\u{200B}", "\u{200C}", "\u{2060}", "\u{FEFF}", "\u{00AD}", "–", "_", " - "], &rng)
    }

    /// A 6-digit code disguised: digits of other scripts, mixed with ASCII, split by separators.
    static let disguisedCodes = Generator<String, Shrink.None<String>>.from { rng in
        let code = Fuzz.digits(6, &rng)
        var typed = ""
        for (index, digit) in code.enumerated() {
            if index > 0 && Fuzz.chance(0.4, &rng) { typed += separator(&rng) }
            typed += disguised(digit: digit, &rng)
        }
        return Fuzz.pick(["", " ", "\u{200B}"], &rng) + typed + Fuzz.pick(["", " ", "\n"], &rng)
    }

    /// A word naming a credential, disguised: full-width letters, letters spelled out with
    /// separators between them, short forms with a colon.
    static let disguisedNames = Generator<String, Shrink.None<String>>.from { rng in
        let phrase = Fuzz.pick(["OTP", "otp", "mật khẩu", "mã pin", "mã xác thực", "password", "mk:", "pass:", "MK :", "Pass="], &rng)
        let spellOut = Fuzz.chance(0.5, &rng) && !phrase.contains(":") && !phrase.contains("=")
        let letterSeparator = Fuzz.pick([" ", ".", "-", "\u{200B}", "\u{00A0}", "\u{2009}"], &rng)
        let words = phrase.split(separator: " ").map { word -> String in
            let letters = word.map { letter -> String in
                // Full-width forms exist for ASCII letters only; NFKC folds them back.
                if let ascii = letter.asciiValue, letter.isLetter, Fuzz.chance(0.4, &rng), let wide = Unicode.Scalar(UInt32(ascii) + 0xFEE0) {
                    return String(Character(wide))
                }
                return String(letter)
            }
            return spellOut ? letters.joined(separator: letterSeparator) : letters.joined()
        }
        let typed = words.joined(separator: Fuzz.pick([" ", "\u{00A0}", "  "], &rng))
        let before = Fuzz.chance(0.5, &rng) ? Fuzz.vietnamese(&rng, words: 1...3) + Fuzz.pick([" ", ": ", ", "], &rng) : ""
        let after = Fuzz.chance(0.5, &rng) ? " " + Fuzz.pick([Fuzz.digits(6, &rng), Fuzz.vietnamese(&rng, words: 1...3)], &rng) : ""
        return before + typed + after
    }

    @Test("a code in other digits, mixed or split by separators and invisible characters is still a code")
    func disguisedCodesRefused() async {
        let parser = AnswerParser(today: CalendarDate(year: 2026, month: 6, day: 15) ?? .today())
        let step = Step(id: "ghi_chu", kind: .question(Question(type: .text, required: false)), text: LocalizedText(vi: "Ghi chú"))
        await propertyCheck(count: 2000, input: Self.disguisedCodes) { typed in
            #expect(parser.parse(.text(typed), for: step) == .failure(.looksLikeCredential), "\(String(reflecting: typed))")
            // Warning text may name an OTP, never carry one.
            #expect(CredentialGuard.looksLikeCredential(typed, allowNaming: true), "\(String(reflecting: typed))")
            #expect(CredentialGuard.looksLikeCredential("Cảnh báo mã OTP " + typed, allowNaming: true), "\(String(reflecting: typed))")
        }
    }

    @Test("a credential's name in full-width letters, spelled out letter by letter or shortened is still refused")
    func disguisedNamesRefused() async {
        let parser = AnswerParser(today: CalendarDate(year: 2026, month: 6, day: 15) ?? .today())
        let step = Step(id: "ghi_chu", kind: .question(Question(type: .text, required: false, maxLength: 4000)), text: LocalizedText(vi: "Ghi chú"))
        await propertyCheck(count: 2000, input: Self.disguisedNames) { typed in
            #expect(parser.parse(.text(typed), for: step) == .failure(.looksLikeCredential), "\(String(reflecting: typed))")
        }
    }

    @Test("a scam warning may name the OTP and the password, but digits beside them stay refused")
    func warningsMayNameCredentials() async {
        let warnings = Generator<String, Shrink.None<String>>.from { rng in
            let phrase = Fuzz.pick(["mã OTP", "OTP", "mật khẩu VNeID", "mã xác thực"], &rng)
            return Fuzz.pick(["Cảnh báo: không đọc ", "Không đưa ", "Dặn người dân giữ kín "], &rng) + phrase + Fuzz.pick(["", " cho người lạ", " qua điện thoại"], &rng)
        }
        await propertyCheck(count: 500, input: warnings) { text in
            #expect(!CredentialGuard.looksLikeCredential(text, allowNaming: true), "\(String(reflecting: text))")
            #expect(CredentialGuard.looksLikeCredential(text), "\(String(reflecting: text))")
            #expect(CredentialGuard.looksLikeCredential(text + " 48 21 93", allowNaming: true))
        }
    }

    @Test("other numbers and ordinary notes are kept: the guard refuses credentials, not digits")
    func ordinaryTextKept() async {
        let parser = AnswerParser(today: CalendarDate(year: 2026, month: 6, day: 15) ?? .today())
        let step = Step(id: "ghi_chu", kind: .question(Question(type: .text, required: false, maxLength: 4000)), text: LocalizedText(vi: "Ghi chú"))
        let notes = Generator<String, Shrink.None<String>>.from { rng in
            Fuzz.chance(0.5, &rng) ? Fuzz.digits(Fuzz.pick([1, 2, 3, 4, 5, 7, 8, 9, 10, 12], &rng), &rng) : Fuzz.vietnamese(&rng)
        }
        await propertyCheck(count: 1500, input: notes) { typed in
            #expect(parser.parse(.text(typed), for: step) == .success(.text(typed.precomposedStringWithCanonicalMapping)))
        }
    }
}
