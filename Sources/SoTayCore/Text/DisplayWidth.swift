/// How many terminal columns a text takes: one per grapheme, two for East Asian wide ones,
/// none for a lone combining mark. Vietnamese in NFC is one column a letter, tone marks included.
public enum DisplayWidth {
    public static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    public static func of(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return 0 }
        if scalar.value < 0x20 || (0x7f..<0xa0).contains(scalar.value) { return 0 }
        return isWide(scalar.value) || scalar.properties.isEmojiPresentation ? 2 : 1
    }

    /// The main wide blocks of UAX #11: Hangul Jamo, CJK, Hangul syllables, full-width forms.
    private static func isWide(_ value: UInt32) -> Bool {
        (0x1100...0x115f).contains(value) || (0x2e80...0xa4cf).contains(value) || (0xac00...0xd7a3).contains(value)
            || (0xf900...0xfaff).contains(value) || (0xfe30...0xfe4f).contains(value) || (0xff00...0xff60).contains(value)
            || (0xffe0...0xffe6).contains(value) || (0x20000...0x3fffd).contains(value)
    }

    /// The text padded with spaces to `width` columns (left-aligned), or (right-aligned) before it.
    public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - of(text)))
        return right ? fill + text : text + fill
    }

    /// The text cut to at most `width` columns, with "…" when something was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        var result = "", used = 0
        for character in text {
            let next = of(character)
            if used + next > width - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…"
    }

    /// Words into lines of at most `width` columns; a word longer than a line is cut.
    public static func wrap(_ text: String, to width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            let word = String(word)
            if line.isEmpty {
                line = of(word) > width ? truncate(word, to: width) : word
            } else if of(line) + 1 + of(word) <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = of(word) > width ? truncate(word, to: width) : word
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
