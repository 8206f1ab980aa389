import ArgumentParser
import Foundation
import SoTayCore

/// Runs the command and maps every outcome to one clear line and an exit code:
/// 0 done, 1 a failure the volunteer can act on, 2 a mistake in the command line.
@main
enum Main {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let language = Language(code: languageArgument(arguments) ?? ProcessInfo.processInfo.environment["SOTAY_LANG"])
        if let mistake = UnknownCommand.find(in: arguments) {
            Output.error(mistake.message(language))
            exit(2)
        }
        do {
            var command = try SoTay.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any LocalizedMessage {
            Output.error(error.message(language))
            exit(1)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = SoTay.exitCode(for: error)
            if code == .success {
                Output.line(SoTay.fullMessage(for: error))
                exit(0)
            }
            if code == .validationFailure {
                Output.error(ParserMistake.message(SoTay.message(for: error), arguments: arguments, language: language))
                exit(2)
            }
            Output.error(language == .vi ? "Lỗi: \(SoTay.message(for: error))" : "Error: \(SoTay.message(for: error))")
            exit(1)
        }
    }

    /// `--lang` read before parsing, so that even a parsing error is said in the right language.
    private static func languageArgument(_ arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument.hasPrefix("--lang=") { return String(argument.dropFirst("--lang=".count)) }
            if argument == "--lang", index + 1 < arguments.count { return arguments[index + 1] }
        }
        return nil
    }
}

struct SoTay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotay",
        abstract: "Sổ Tay — sổ tay của Tổ công nghệ số cộng đồng: hướng dẫn thủ tục, hồ sơ nháp, không cần mạng.",
        discussion: "Chạy \"sotay\" không kèm gì để mở thực đơn chính.",
        version: "sotay \(SoTayVersion.current)",
        subcommands: [Home.self, Init.self, Procedures.self, Show.self, GuideCommand.self, Drafts.self, Attach.self, Detach.self, Enroll.self, SyncCommand.self,
                      Log.self, ReportCommand.self, StatusCommand.self, SettingsCommand.self, ContentCommand.self,
                      ConsentCommand.self, PassphraseCommand.self, LockCommand.self, PurgeCommand.self, RelayCommand.self],
        defaultSubcommand: Home.self
    )
}
