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
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F:  // combining marks: tones, breve, circumflex, horn
                continue
            case 0x0110, 0x0111:  // Đ đ
                current.append("d")
            default:
                if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                    for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                        current.append(lower)
                    }
                } else if scalar == "." && isDigitRun(current) {
                    current.append(scalar)  // keep procedure codes such as 1.001193 whole
                } else {
                    flush()
                }
            }
        }
        flush()
        return words.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
    }

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
