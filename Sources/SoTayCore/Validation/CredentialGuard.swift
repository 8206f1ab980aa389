import Foundation

/// Catches a VNeID password or OTP typed where it must never be kept.
///
/// Text is first read as a person reads it: compatibility-normalised (NFKC: full-width `１２３`,
/// mathematical `𝟏`, `ＯＴＰ`), every decimal digit of any script as its ASCII digit (`٣` → 3),
/// format characters such as zero-width spaces dropped, separators between digits removed
/// (`123-456`, `12 34 56`, `123.456`) and single letters spelled out joined again (`O T P`,
/// `m.ậ.t k.h.ẩ.u`). Only then is it matched, so a disguise reads as what it is.
public enum CredentialGuard {
    /// Phrases naming a credential, as folded words. A phrase also matches written as one word
    /// ("matkhau"), which is what spelled-out single letters join into.
    private static let phrases: [[String]] = [
        ["mat", "khau"], ["otp"], ["ma", "xac", "thuc"], ["password"], ["ma", "xac", "nhan"], ["passcode"],
        ["ma", "pin"], ["pin", "code"], ["ma", "bao", "mat"], ["passwd"],
    ]

    /// Short forms that name a credential only when a value follows them: `mk: …`, `pass=…`.
    private static let labels: Set<String> = ["mk", "pass", "pw", "pwd"]

    /// Whether free text looks like a credential: a lone 6-digit code, or words that name one.
    ///
    /// `allowNaming` is for text that warns about credentials (a scam warning's notes, a training
    /// or communication topic): the words may be written there, but a code never, so text naming a
    /// credential is still refused when it carries a run of four or more digits.
    public static func looksLikeCredential(_ text: String, allowNaming: Bool = false) -> Bool {
        let plain = compactDigits(canonical(text))
        if isLoneCode(plain) { return true }
        guard namesCredential(plain) else { return false }
        return !allowNaming || longestDigitRun(plain) >= 4
    }

    /// Whether free text carries an identity or phone number: a run of 9 or more digits, with or
    /// without separators between them (CCCD 12, old CMND 9, phone 10). The activity log is not
    /// the place for them: it holds counts, and it goes to the hub unsealed.
    public static func containsPersonalNumber(_ text: String) -> Bool {
        longestDigitRun(compactDigits(canonical(text))) >= 9
    }

    // MARK: - Reading text as a person reads it

    /// NFKC, every decimal digit as ASCII, format characters (Cf) dropped, every space as " ".
    static func canonical(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            let properties = scalar.properties
            switch properties.generalCategory {
            case .format:
                continue
            case .spaceSeparator, .lineSeparator, .paragraphSeparator:
                scalars.append(" ")
            case .decimalNumber where !scalar.isASCII:
                if let value = properties.numericValue, value >= 0, value <= 9, let digit = Unicode.Scalar(48 + UInt32(value)) {
                    scalars.append(digit)
                } else {
                    scalars.append(scalar)
                }
            default:
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// What may stand between the digits of one number as typed or read aloud.
    private static func isDigitSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace || scalar.properties.generalCategory == .dashPunctuation { return true }
        return "._·•".unicodeScalars.contains(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    /// Removes every short run of separators (three at most, as in `123 - 456`) that stands
    /// between two digits: `12 34-56` → `123456`. Commas are not separators: `thôn 1, 2, 3`
    /// are three numbers.
    static func compactDigits(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isDigitSeparator(scalar), let last = out.last, isDigit(last) {
                var end = index
                while end < scalars.count, isDigitSeparator(scalars[end]) { end += 1 }
                if end < scalars.count, end - index <= 3, isDigit(scalars[end]) {
                    index = end
                    continue
                }
            }
            out.append(scalar)
            index += 1
        }
        return String(out)
    }

    /// The whole text, trimmed, is a six-digit code.
    private static func isLoneCode(_ text: String) -> Bool {
        let trimmed = text.unicodeScalars.filter { !$0.properties.isWhitespace }
        return trimmed.count == 6 && trimmed.allSatisfy(isDigit)
    }

    private static func longestDigitRun(_ text: String) -> Int {
        var longest = 0
        var run = 0
        for scalar in text.unicodeScalars {
            run = isDigit(scalar) ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }

    /// The folded words, with each run of single letters joined into one word (`o t p` → `otp`).
    /// `spelled` marks a word joined from two or more single letters.
    static func words(_ text: String) -> [(word: String, spelled: Bool)] {
        var joined: [(word: String, spelled: Bool)] = []
        var letters = ""
        func flush() {
            if !letters.isEmpty { joined.append((letters, letters.count > 1)) }
            letters = ""
        }
        for word in VietnameseFolding.words(text) {
            if word.count == 1, word.unicodeScalars.allSatisfy({ !isDigit($0) }) {
                letters += word
            } else {
                flush()
                joined.append((word, false))
            }
        }
        flush()
        return joined
    }

    private static func namesCredential(_ text: String) -> Bool {
        let tokens = words(text)
        let words = tokens.map { $0.word }
        for phrase in phrases {
            let single = phrase.joined()
            // Letters spelled out run into a neighbouring one-letter word ("ở O T P"): look inside.
            if tokens.contains(where: { $0.word == single || ($0.spelled && $0.word.contains(single)) }) { return true }
            guard phrase.count > 1, words.count >= phrase.count else { continue }
            for start in 0...(words.count - phrase.count) where Array(words[start..<start + phrase.count]) == phrase {
                return true
            }
        }
        return hasLabelledValue(text)
    }

    /// `mk: …`, `Pass = …`: a short form of a credential's name followed by `:` or `=`.
    private static func hasLabelledValue(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where scalar == ":" || scalar == "=" {
            var end = index
            while end > 0, scalars[end - 1].properties.isWhitespace { end -= 1 }
            var start = end
            while start > 0, scalars[start - 1].properties.isAlphabetic { start -= 1 }
            guard start < end else { continue }
            if start > 0, scalars[start - 1].properties.isAlphabetic || isDigit(scalars[start - 1]) { continue }
            var word = String.UnicodeScalarView()
            word.append(contentsOf: scalars[start..<end])
            if labels.contains(VietnameseFolding.fold(String(word))) { return true }
        }
        return false
    }
}
