@preconcurrency import CReadline
import Foundation

/// Reads the volunteer's answers: GNU readline on a terminal (editing, history, Tab completion),
/// plain lines otherwise, so that sessions can be scripted with piped input.
final class LineReader {
    let isInteractive: Bool

    init() {
        isInteractive = isatty(STDIN_FILENO) == 1
        if isInteractive { Completion.install() }
    }

    /// One line, without its newline; `nil` at the end of input (Ctrl-D, or the pipe closed).
    func read(prompt: String, completions: [String] = []) -> String? {
        if isInteractive {
            Completion.candidates = completions
            guard let raw = readline(prompt) else { return nil }
            defer { free(raw) }
            let line = String(cString: raw)
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { add_history(raw) }
            return line
        }
        Output.write(prompt)
        guard let line = Swift.readLine(strippingNewline: true) else {
            Output.write("\n")
            return nil
        }
        // Echo the scripted answer, so that a transcript reads like the session it was.
        Output.write(line + "\n")
        return line
    }
}

/// Tab completion through readline's C callbacks; the candidates are set before each prompt.
enum Completion {
    nonisolated(unsafe) static var candidates: [String] = []
    /// At a document step, text that starts like a path completes as file names.
    nonisolated(unsafe) static var filePaths = false
    nonisolated(unsafe) private static var matches: [String] = []

    static func install() {
        // Complete the whole line, not the last word: procedure names have spaces.
        rl_completer_word_break_characters = UnsafePointer(strdup("\t\n"))
        rl_completion_entry_function = { text, state in
            if Completion.filePaths, let text, Attaching.looksLikePath(String(cString: text), typing: true) {
                rl_filename_completion_desired = 1
                return rl_filename_completion_function(text, state)
            }
            if state == 0 {
                let typed = Folding.fold(text.map { String(cString: $0) } ?? "")
                Completion.matches = Completion.candidates.filter { Folding.fold($0).hasPrefix(typed) }
            }
            let index = Int(state)
            guard index < Completion.matches.count else { return nil }
            return strdup(Completion.matches[index])
        }
    }
}

/// Writes to standard output without buffering surprises when the output is a pipe.
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func line(_ text: String = "") {
        write(text + "\n")
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
