/// The language Sổ Tay speaks to the volunteer. Vietnamese first; English with `--lang en`.
public enum Language: String, Sendable, CaseIterable, Codable {
    case vi
    case en

    /// Picks the language from a `--lang` value or `SOTAY_LANG`, falling back to Vietnamese.
    public init(code: String?) {
        let trimmed = code?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
        self = trimmed.hasPrefix("en") ? .en : .vi
    }

    /// Whether `code` names a language Sổ Tay speaks: vi or en, with or without a region (en_US).
    public static func isSupported(code: String) -> Bool {
        let base = code.lowercased().trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).first
        return base.map { allCases.map(\.rawValue).contains(String($0)) } ?? false
    }
}

/// A text in Vietnamese with an optional English version.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var vi: String
    public var en: String?

    public init(vi: String, en: String? = nil) {
        self.vi = vi
        self.en = en
    }

    /// The text in `language`, or the Vietnamese one when there is no translation.
    public func text(_ language: Language) -> String {
        switch language {
        case .vi: vi
        case .en: en ?? vi
        }
    }
}

/// Something that can say what went wrong, in the volunteer's language.
public protocol LocalizedMessage {
    func message(_ language: Language) -> String
}

extension LocalizedMessage {
    /// Picks between the two versions of a message.
    @inlinable
    public func pick(_ language: Language, vi: @autoclosure () -> String, en: @autoclosure () -> String) -> String {
        language == .vi ? vi() : en()
    }
}
