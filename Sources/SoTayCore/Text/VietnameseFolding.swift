import Foundation

/// Vietnamese text folding: the one function every comparison of typed Vietnamese goes through.
///
/// Residents and volunteers type with, without, or with half the tone marks, and with either
/// spelling of i/y ("kí" and "ký"). Folding makes those the same key:
/// lower-case, tones and vowel marks removed, đ → d, punctuation to spaces, spaces collapsed,
/// and a final "y" after consonants only ("ký", "lý", "quý") spelled "i".
public enum VietnameseFolding {
    /// The folded form of `text`, for matching and search.
    public static func fold(_ text: String) -> String {
        words(text).joined(separator: " ")
    }

    /// The folded words of `text`, in order.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            guard !current.isEmpty else { return }
            words.append(normalizeFinalY(String(current)))
            current = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A:  // A–Z
                current.append(Unicode.Scalar(UInt8(scalar.value + 0x20)))
            case 0x61...0x7A, 0x30...0x39:  // a–z, 0–9
                current.append(scalar)
            case 0x0300...0x036F:  // combining marks (text typed decomposed): tones, breve, circumflex, horn
                continue
            case 0x0110, 0x0111:  // Đ đ
                current.append("d")
            default:
                if let base = baseLetters[scalar] {
                    current.append(base)  // a Latin letter with marks: its base letter
                } else if scalar == "." && isDigitRun(current) {
                    current.append(scalar)  // keep procedure codes such as 1.001193 whole
                } else if scalar.value >= 0x80 && scalar.properties.isAlphabetic {
                    // The lower case of a letter outside the table can be in it (Å, the ångström
                    // sign, lowers to å): fold that too, or folding twice would change the text.
                    for lower in scalar.properties.lowercaseMapping.unicodeScalars where !(0x0300...0x036F).contains(lower.value) {
                        current.append(baseLetters[lower] ?? lower)
                    }
                } else {
                    flush()
                }
            }
        }
        flush()
        // Every final dot: "1.." dropping one would fold to "1.", and that again to "1".
        return words.map { word in
            guard word.hasSuffix(".") else { return word }
            var trimmed = Substring(word)
            while trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }
    }

    /// Each precomposed Latin letter (Vietnamese ones included) to its lower-case base letter:
    /// the canonical decomposition without its combining marks, worked out once. Folding then
    /// looks a letter up instead of normalizing every string, which on Linux goes through
    /// Foundation and cost most of the start-up of `sotay procedures`.
    private static let baseLetters: [Unicode.Scalar: Unicode.Scalar] = {
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        for value in Array(0x00C0...0x024F) + Array(0x1E00...0x1EFF) {
            guard let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic else { continue }
            let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
                .filter { !(0x0300...0x036F).contains($0.value) }
            guard base.count == 1, let letter = base.first else { continue }
            let lower = letter.properties.lowercaseMapping.unicodeScalars
            table[scalar] = lower.count == 1 ? lower.first : letter
        }
        return table
    }()

    private static func isDigitRun(_ scalars: String.UnicodeScalarView) -> Bool {
        !scalars.isEmpty && scalars.allSatisfy { ("0"..."9").contains($0) || $0 == "." }
    }

    private static let consonants = Set("bcdghklmnpqrstvx".unicodeScalars)

    /// "ky" → "ki", "quy" → "qui"; "tuy", "day", "yen" stay as they are.
    private static func normalizeFinalY(_ word: String) -> String {
        guard word.count >= 2, word.hasSuffix("y") else { return word }
        var onset = word.dropLast().unicodeScalars[...]
        if onset.hasSuffix("qu".unicodeScalars) { onset = onset.dropLast(2) }
        guard onset.allSatisfy({ consonants.contains($0) }) else { return word }
        return String(word.dropLast()) + "i"
    }
}

extension Substring.UnicodeScalarView {
    fileprivate func hasSuffix(_ suffix: String.UnicodeScalarView) -> Bool {
        Array(self.suffix(suffix.count)) == Array(suffix)
    }
}
