import ArgumentParser
import SoTayCore

/// `sotay draft`: a word where a command was expected. Said before parsing, in the volunteer's
/// language, with the command they probably meant and what it does, instead of the parser's
/// "Unexpected argument" in English.
struct UnknownCommand: LocalizedMessage {
    var word: String
    var path: [String]
    var suggestions: [(name: String, abstract: String)]

    static func find(in arguments: [String]) -> UnknownCommand? {
        let walk = CommandWalk(arguments)
        guard let word = walk.stray, word != "help" else { return nil }
        let subcommands = walk.command.configuration.subcommands
        let suggested = Spelling.suggestions(for: word, among: subcommands.map { $0._commandName }).prefix(3).compactMap { name in
            subcommands.first { $0._commandName == name }.map { (name: name, abstract: $0.configuration.abstract) }
        }
        return UnknownCommand(word: word, path: walk.path, suggestions: Array(suggested))
    }

    func message(_ language: Language) -> String {
        let prefix = path.joined(separator: " ")
        var lines = [pick(language, vi: "Không có lệnh '\(word)'.", en: "There is no command '\(word)'.")]
        if let first = suggestions.first {
            lines[0] += pick(language, vi: " Có phải ý bạn là: \(prefix) \(first.name)?", en: " Did you mean: \(prefix) \(first.name)?")
            for suggestion in suggestions {
                lines.append("  \(prefix) \(suggestion.name) — \(suggestion.abstract)")
            }
        }
        lines.append(pick(language, vi: "Xem các lệnh: \(prefix) --help", en: "See the commands: \(prefix) --help"))
        return lines.joined(separator: "\n")
    }
}

/// The parser's own messages for a wrong command line, said in Vietnamese, with the usage of the
/// command that was being typed (`sotay guide --help`, not only `sotay --help`).
enum ParserMistake {
    /// `detail` (argument-parser's English) in `language`, as one line with where to look.
    static func message(_ detail: String, arguments: [String], language: Language) -> String {
        let usage = CommandWalk(arguments).path.joined(separator: " ") + " --help"
        guard language == .vi else { return "Wrong command: \(detail) See usage: \(usage)" }
        return "Lệnh chưa đúng: \(vietnamese(detail)) Xem cách dùng: \(usage)"
    }

    /// The few shapes argument-parser's messages take; anything else is kept as it is.
    static func vietnamese(_ detail: String) -> String {
        let patterns: [(Regex<(Substring, Substring)>, (Substring) -> String)] = [
            (/^Missing expected argument '(.+)'$/, { "thiếu \($0)." }),
            (/^Unknown option '(.+)'$/, { "không có tùy chọn \($0)." }),
            (/^Unexpected argument '(.+)'$/, { "thừa \"\($0)\"." }),
            (/^Missing value for '(.+)'$/, { "thiếu giá trị sau \($0)." }),
        ]
        let trimmed = detail.trimmingCharacters(in: .whitespacesAndNewlines)
        for (pattern, say) in patterns {
            if let match = trimmed.wholeMatch(of: pattern) { return say(match.1) }
        }
        if let match = trimmed.firstMatch(of: /^The value '(.*)' is invalid for '(.+?)'/) {
            return "giá trị \"\(match.1)\" không dùng được cho \(match.2)."
        }
        if let match = trimmed.firstMatch(of: /^Unexpected arguments? (.+)$/) {
            return "thừa \(match.1)."
        }
        return trimmed
    }
}

/// How far the words of a command line go down the command tree: the commands named, from
/// `sotay` down (`sotay drafts show`), and the first word that should have been a command.
struct CommandWalk {
    private(set) var path = ["sotay"]
    private(set) var command: any ParsableCommand.Type = SoTay.self
    /// A word where one of `command`'s subcommands was expected (`draft`); past the last
    /// command level the words are the command's own arguments, never stray.
    private(set) var stray: String?

    /// Options that take a value, at any level: the value is not a command word.
    static let valueOptions: Set<String> = ["--lang", "--data-dir"]

    init(_ arguments: [String]) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" { return }
            if argument.hasPrefix("-") {
                if Self.valueOptions.contains(argument) { index += 1 }
                continue
            }
            let subcommands = command.configuration.subcommands
            guard let next = subcommands.first(where: { $0._commandName == argument || $0.configuration.aliases.contains(argument) }) else {
                if !subcommands.isEmpty { stray = argument }
                return
            }
            command = next
            path.append(next._commandName)
        }
    }
}
