import ArgumentParser
import Foundation
import SoTayCore
import SoTayHub

/// Maps every outcome to one clear line and an exit code: 0 done, 1 a failure, 2 a usage mistake.
@main
enum HubMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let language = Language(code: languageArgument(arguments) ?? ProcessInfo.processInfo.environment["SOTAY_LANG"])
        do {
            var command = try SoTayHubCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any LocalizedMessage {
            printError(error.message(language))
            exit(1)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = SoTayHubCommand.exitCode(for: error)
            if code == .success {
                print(SoTayHubCommand.fullMessage(for: error))
                exit(0)
            }
            if code == .validationFailure {
                let detail = SoTayHubCommand.message(for: error)
                printError(language == .vi ? "Lệnh chưa đúng: \(detail) Xem cách dùng: sotay-hub --help" : "Wrong command: \(detail) See usage: sotay-hub --help")
                exit(2)
            }
            printError(language == .vi ? "Lỗi: \(SoTayHubCommand.message(for: error))" : "Error: \(SoTayHubCommand.message(for: error))")
            exit(1)
        }
    }

    private static func languageArgument(_ arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument.hasPrefix("--lang=") { return String(argument.dropFirst("--lang=".count)) }
            if argument == "--lang", index + 1 < arguments.count { return arguments[index + 1] }
        }
        return nil
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

struct SoTayHubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sotay-hub",
        abstract: "Máy chủ đồng bộ của xã cho Sổ Tay: nhận hồ sơ và nhật ký từ máy tình nguyện viên, gửi lại trạng thái.",
        subcommands: [Serve.self, Volunteers.self, EnrollCode.self, Devices.self, Dossiers.self, Announce.self, HubReport.self, Blobs.self, Key.self,
                      Officers.self, Admins.self, Province.self, Audit.self, Communes.self, ContentPacks.self,
                      RelayHub.self, Receipts.self]
    )
}

/// Options every hub command takes.
struct HubOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Thư mục dữ liệu của máy chủ (mặc định $SOTAY_HUB_DATA hoặc ./sotay-hub-data).", valueName: "thư-mục"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("Ngôn ngữ: vi (mặc định) hoặc en.", valueName: "vi|en"))
    var lang: String?

    @Option(name: .customLong("key-file"),
            help: ArgumentHelp("Tệp khóa dữ liệu, mã hóa dữ liệu cá nhân (mặc định $SOTAY_HUB_KEY_FILE hoặc hub-data.key trong thư mục dữ liệu; nên để ở chỗ khác).",
                               valueName: "tệp"))
    var keyFile: String?

    @Option(name: .customLong("database"),
            help: ArgumentHelp("Cơ sở dữ liệu PostgreSQL (postgres://…, mặc định $SOTAY_HUB_DATABASE); không có: SQLite trong --data.", valueName: "url"))
    var database: String?

    /// `--database`, else `$SOTAY_HUB_DATABASE`; nil: the SQLite store in the data folder.
    var databaseURL: String? {
        if let database, !database.isEmpty { return database }
        if let database = ProcessInfo.processInfo.environment["SOTAY_HUB_DATABASE"], !database.isEmpty { return database }
        return nil
    }

    var language: Language { Language(code: lang ?? ProcessInfo.processInfo.environment["SOTAY_LANG"]) }

    var dataDirectory: URL {
        if let data, !data.isEmpty { return URL(fileURLWithPath: data) }
        if let data = ProcessInfo.processInfo.environment["SOTAY_HUB_DATA"], !data.isEmpty { return URL(fileURLWithPath: data) }
        return URL(fileURLWithPath: "sotay-hub-data")
    }

    /// The data key's file: `--key-file`, else `$SOTAY_HUB_KEY_FILE`, else the store's default.
    var keyFileURL: URL? {
        if let keyFile, !keyFile.isEmpty { return URL(fileURLWithPath: keyFile) }
        if let keyFile = ProcessInfo.processInfo.environment["SOTAY_HUB_KEY_FILE"], !keyFile.isEmpty { return URL(fileURLWithPath: keyFile) }
        return nil
    }

    /// The SQLite store, for what only it has (`serve` without `--database`, `key check`'s
    /// SQLite half). Every admin command runs on both stores through `withRepository`; one that
    /// came here with `--database` would otherwise read a SQLite file beside the database.
    func openStore() throws -> HubStore {
        if databaseURL != nil {
            throw ValidationError(t("lệnh này chưa chạy trên PostgreSQL (--database, $SOTAY_HUB_DATABASE).",
                                    "this command does not run on PostgreSQL yet (--database, $SOTAY_HUB_DATABASE)."))
        }
        return try HubStore.open(directory: dataDirectory, keyFile: keyFileURL)
    }

    func t(_ vi: String, _ en: String) -> String {
        language == .vi ? vi : en
    }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Dates as the commune reads them: Vietnam's time, day first.
func vietnamTime(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .vietnam
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
    return String(format: "%02d:%02d %02d/%02d/%04d", parts.hour ?? 0, parts.minute ?? 0, parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
}
