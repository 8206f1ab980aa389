import Foundation
import PropertyBased

/// Building blocks for hostile inputs, drawn from the property checker's seeded generator so that
/// a failure's printed `.fixedSeed(…)` replays the exact input.
enum Fuzz {
    static func int(_ range: ClosedRange<Int>, _ rng: inout some RandomNumberGenerator) -> Int {
        Int.random(in: range, using: &rng)
    }

    static func chance(_ probability: Double, _ rng: inout some RandomNumberGenerator) -> Bool {
        Double.random(in: 0..<1, using: &rng) < probability
    }

    static func pick<T>(_ items: [T], _ rng: inout some RandomNumberGenerator) -> T {
        items[Int.random(in: 0..<items.count, using: &rng)]
    }

    static func digits(_ count: Int, _ rng: inout some RandomNumberGenerator) -> String {
        String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
    }

    /// Blocks of Unicode where text goes wrong: controls, combining marks, Vietnamese letters,
    /// other scripts and their digits, zero-width and bidi marks, letterlike singletons (K, Å),
    /// fullwidth forms, private use, emoji and the astral planes. Surrogates cannot be scalars.
    private static let blocks: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0x20...0x7E, 0x00...0x1F, 0x7F...0xFF, 0x100...0x24F, 0x300...0x36F,
        0x1EA0...0x1EF9, 0x1EA0...0x1EF9, 0x370...0x4FF, 0x590...0x6FF, 0x660...0x669, 0x900...0x97F,
        0xE00...0xE7F, 0x1E00...0x1EFF, 0x2000...0x206F, 0x2100...0x214F, 0x3000...0x303F,
        0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xE000...0xF8FF, 0xFE00...0xFE0F, 0xFEFF...0xFEFF,
        0xFF00...0xFFEF, 0xFFF9...0xFFFF, 0x1F300...0x1FAFF, 0x10000...0x10FFFF,
    ]

    static func scalar(_ rng: inout some RandomNumberGenerator) -> Unicode.Scalar {
        let value = UInt32.random(in: pick(blocks, &rng), using: &rng)
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// Any valid Unicode text, up to `maxLength` scalars.
    static func unicode(_ rng: inout some RandomNumberGenerator, maxLength: Int = 40) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<int(0...maxLength, &rng) { scalars.append(scalar(&rng)) }
        return String(scalars)
    }

    static let whitespace: [String] = [" ", " ", "\t", "\n", "\r\n", "\u{00A0}", "\u{2003}", "\u{200B}", "\u{3000}", "\u{FEFF}", "\u{2028}"]

    static let vietnameseWords = [
        "Nguyễn", "Thị", "Lan", "Trần", "Văn", "Bình", "Đông", "xã", "phường", "khai", "sinh", "Quý", "kỹ", "lý",
        "yến", "thủ", "tục", "giấy", "tờ", "căn", "cước", "ở", "Ưu", "được", "Hà", "Tĩnh", "đăng", "ký", "tạm",
        "trú", "hộ", "tịch", "người", "dân", "điện", "thoại", "số", "ngày", "tháng", "năm", "chứng", "thực", "bản", "sao",
    ]

    /// One way a person, a keyboard or a copy-paste writes a Vietnamese word.
    static func variant(of word: String, _ rng: inout some RandomNumberGenerator) -> String {
        switch int(0...6, &rng) {
        case 0: return word.decomposedStringWithCanonicalMapping
        case 1: return word.uppercased()
        case 2: return word.lowercased()
        case 3: return withoutMarks(word)
        case 4: return String(word.map { chance(0.5, &rng) ? Character($0.uppercased()) : $0 })
        case 5: return word.uppercased().decomposedStringWithCanonicalMapping
        default: return word
        }
    }

    /// The word typed without tone or vowel marks ("mật khẩu" as "mat khau").
    static func withoutMarks(_ text: String) -> String {
        let scalars = text.decomposedStringWithCanonicalMapping.unicodeScalars.filter { !(0x300...0x36F).contains($0.value) }
        return String(String.UnicodeScalarView(scalars)).replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
    }

    static func vietnamese(_ rng: inout some RandomNumberGenerator, words: ClosedRange<Int> = 1...6) -> String {
        (0..<int(words, &rng)).map { _ in variant(of: pick(vietnameseWords, &rng), &rng) }
            .joined(separator: pick([" ", " ", "  ", ", ", "\t", "-"], &rng))
    }

    /// Digits as people type them and as attackers send them: any length, grouped, signed, in
    /// other scripts, and the integer edges.
    static func digitText(_ rng: inout some RandomNumberGenerator) -> String {
        switch int(0...9, &rng) {
        case 0: return pick([String(Int.min), String(Int.max), "-" + String(Int.max), "9223372036854775808", "-9223372036854775809", "0", "-0", "+0", "00"], &rng)
        case 1: return "１２３４５６"  // fullwidth
        case 2: return "١٢٣٤٥٦"  // Arabic-Indic
        case 3:
            let digits = digits(int(0...24, &rng), &rng)
            return String(digits.enumerated().flatMap { index, digit in
                index > 0 && chance(0.2, &rng) ? [Character(pick([" ", ".", "-", "\t", "/"], &rng)), digit] : [digit]
            })
        case 4: return pick(["+", "-", "+84", "84", "(+84)", "0"], &rng) + digits(int(0...13, &rng), &rng)
        default: return digits(int(0...20, &rng), &rng)
        }
    }

    static func dateText(_ rng: inout some RandomNumberGenerator) -> String {
        let day = int(-1...40, &rng), month = int(-1...14, &rng)
        let year = pick([int(1...9999, &rng), int(1890...2110, &rng), 0, 10000, -1, Int.max], &rng)
        let separator = pick(["/", "-", ".", " ", "//"], &rng)
        func padded(_ number: Int, _ width: Int) -> String {
            chance(0.5, &rng) ? String(number) : String(repeating: "0", count: max(0, width - String(number).count)) + String(number)
        }
        if chance(0.3, &rng) { return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))" }
        return [padded(day, 2), padded(month, 2), padded(year, 4)].joined(separator: separator)
    }

    /// Text of every flavour the properties need, padded with odd white space now and then.
    static func anyText(_ rng: inout some RandomNumberGenerator) -> String {
        let core: String
        switch int(0...5, &rng) {
        case 0: core = unicode(&rng)
        case 1: core = vietnamese(&rng)
        case 2: core = digitText(&rng)
        case 3: core = dateText(&rng)
        case 4: core = (0..<int(0...4, &rng)).map { _ in pick(whitespace, &rng) }.joined()
        default: core = pick(vietnameseWords, &rng) + pick(whitespace, &rng) + unicode(&rng, maxLength: 6) + digitText(&rng)
        }
        guard chance(0.3, &rng) else { return core }
        return pick(whitespace, &rng) + core + pick(whitespace, &rng)
    }
}

extension Generator where ShrinkSequence == Shrink.None<ResultValue> {
    /// A generator from a plain function of the seeded random source.
    static func from(_ make: @escaping @Sendable (inout any SeededRandomNumberGenerator) -> ResultValue) -> Self {
        Generator(run: { rng in make(&rng) })
    }
}
