/// A one-time enrolment code as the volunteer types it after hearing it read aloud: `bbb4 9eyf`,
/// `BBB4-9EYF` and `bbb49eyf` are the same code. The hub compares codes the same way.
public enum EnrolmentCode {
    /// Symbols in a code (the hub makes `XXXX-XXXX`).
    public static let length = 8

    /// The code in its canonical form `XXXX-XXXX`, from the words typed (one or several);
    /// `nil` when it does not have the right number of letters and digits.
    public static func normalized(_ words: [String]) -> String? {
        let symbols = words.joined().uppercased().filter { $0.isLetter || $0.isNumber }
        guard symbols.count == length, symbols.allSatisfy(\.isASCII) else { return nil }
        return String(symbols.prefix(4)) + "-" + String(symbols.suffix(4))
    }
}
