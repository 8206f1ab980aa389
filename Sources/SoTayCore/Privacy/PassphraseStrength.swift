import Foundation

/// Whether a new passphrase is strong enough to protect residents' data, and if not, why.
///
/// A village volunteer chooses it once, often with a resident waiting, and a stolen laptop
/// gives an attacker unlimited offline guesses (slowed only by scrypt). The rules are the ones a
/// person can follow on the spot: a few words, or a long line; never a single repeated
/// character, a number, or one of the passwords everybody uses.
public enum PassphraseStrength {
    /// Fewer characters than this is always too short.
    public static let minimumLength = 12
    /// Fewer words than this needs `longEnough` characters instead.
    public static let minimumWords = 3
    /// A passphrase this long passes with fewer words ("mộtcâurấtdàikhôngcódấucách…").
    public static let longEnough = 20

    /// Why a passphrase is refused; each reason says what to type instead.
    public enum Weakness: Error, Sendable, Hashable, LocalizedMessage {
        case empty
        case oneCharacter
        case onlyDigits
        case common
        case tooShort(minimum: Int)
        case tooFewWords(minimum: Int, orLength: Int)

        public func message(_ language: Language) -> String {
            let example = pick(language, vi: " Ví dụ: \"cây bàng đầu ngõ nhà tôi\".", en: " For example: \"the banyan tree by our lane\".")
            let reason = switch self {
            case .empty:
                pick(language, vi: "Chưa gõ gì.", en: "Nothing was typed.")
            case .oneCharacter:
                pick(language, vi: "Cụm mật khẩu chỉ lặp lại một ký tự, ai cũng đoán được.", en: "The passphrase repeats one character; anyone could guess it.")
            case .onlyDigits:
                pick(language, vi: "Cụm mật khẩu chỉ có chữ số (như ngày sinh, số điện thoại), dễ bị dò ra.",
                     en: "The passphrase is only digits (like a birthday or a phone number), which is easy to find by trying.")
            case .common:
                pick(language, vi: "Đây là một trong những mật khẩu phổ biến nhất, kẻ gian thử đầu tiên.",
                     en: "This is one of the most common passwords, the first ones a thief tries.")
            case .tooShort(let minimum):
                pick(language, vi: "Cụm mật khẩu quá ngắn: cần ít nhất \(minimum) ký tự.", en: "The passphrase is too short: at least \(minimum) characters.")
            case .tooFewWords(let minimum, let length):
                pick(language, vi: "Cần ít nhất \(minimum) từ (cách nhau dấu cách), hoặc dài từ \(length) ký tự trở lên.",
                     en: "Use at least \(minimum) words (separated by spaces), or \(length) characters or more.")
            }
            return reason + (self == .empty ? "" : pick(language, vi: " Chọn vài từ dễ nhớ mà người khác khó đoán.", en: " Choose a few words you remember that others would not guess.")) + example
        }
    }

    /// The first reason `passphrase` is weak, or `nil` when it is strong enough.
    public static func weakness(of passphrase: String, commonPasswords: Set<String> = Self.commonPasswords) -> Weakness? {
        let trimmed = passphrase.trimmingCharacters(in: .whitespacesAndNewlines)
        let visible = trimmed.filter { !$0.isWhitespace }
        guard let first = visible.first else { return .empty }
        if visible.allSatisfy({ $0 == first }) { return .oneCharacter }
        let meaningful = visible.filter { $0.isLetter || $0.isNumber }
        if !meaningful.isEmpty && meaningful.allSatisfy(\.isNumber) { return .onlyDigits }
        if commonPasswords.contains(compactKey(trimmed)) { return .common }
        if trimmed.count < minimumLength { return .tooShort(minimum: minimumLength) }
        let words = trimmed.split(whereSeparator: \.isWhitespace)
        if words.count < minimumWords && trimmed.count < longEnough { return .tooFewWords(minimum: minimumWords, orLength: longEnough) }
        return nil
    }

    /// The key a passphrase is compared on: folded (no tone marks or capitals), without spaces or
    /// punctuation, so "Mật khẩu 123" and "matkhau123" are the same password.
    public static func compactKey(_ text: String) -> String {
        VietnameseFolding.words(text).joined()
    }

    /// The shipped list (`Data/common-passwords.txt`), as compact keys.
    public static let commonPasswords: Set<String> = parseList(BundledDataFiles.files.first { $0.path == "common-passwords.txt" }?.text ?? "")

    /// One entry a line; blank lines and lines starting with `#` are skipped.
    public static func parseList(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map(compactKey))
    }
}
