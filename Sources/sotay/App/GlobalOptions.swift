import ArgumentParser
import Foundation
import SoTayContent
import SoTayCore
import SoTayStore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Ngôn ngữ: vi (mặc định) hoặc en.", valueName: "vi|en"))
    var lang: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Thư mục dữ liệu (mặc định $SOTAY_HOME hoặc ~/.local/share/sotay).", valueName: "thư-mục"))
    var dataDir: String?

    /// `--lang fr` is refused rather than quietly read as Vietnamese.
    func validate() throws {
        guard let lang else { return }
        guard Language.isSupported(code: lang) else {
            throw ValidationError("--lang: chỉ có vi (tiếng Việt) hoặc en (tiếng Anh), không có \"\(lang)\".")
        }
    }

    var language: Language {
        Language(code: lang ?? ProcessInfo.processInfo.environment["SOTAY_LANG"])
    }

    /// `--data-dir`, then `SOTAY_HOME`, then `$XDG_DATA_HOME/sotay`, then `~/.local/share/sotay`.
    var dataDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let dataDir, !dataDir.isEmpty { return URL(fileURLWithPath: dataDir) }
        if let home = environment["SOTAY_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appending(path: "sotay") }
        return FileManager.default.homeDirectoryForCurrentUser.appending(path: ".local/share/sotay")
    }

    func openStore() throws -> Store {
        try Store.open(directory: dataDirectory)
    }

    /// The procedure library: the folder named by `SOTAY_CONTENT` (for commune staff trying
    /// their edits), else the signed pack taken from the hub, else the bundled one.
    func loadContent() throws -> ContentPack {
        if let folder = ProcessInfo.processInfo.environment["SOTAY_CONTENT"], !folder.isEmpty { return try ContentPack.configured() }
        return try InstalledContent.load(dataDirectory: dataDirectory, language: language)
    }

    /// What listing and searching the library need, of the library `loadContent()` would use:
    /// kept in the data folder after the first command, so it costs no YAML parsing.
    /// A `SOTAY_CONTENT` folder, being edited, is loaded and checked every time.
    func libraryListing() throws -> LibraryListing {
        if let folder = ProcessInfo.processInfo.environment["SOTAY_CONTENT"], !folder.isEmpty { return LibraryListing(try ContentPack.configured()) }
        return try InstalledContent.listing(dataDirectory: dataDirectory, language: language)
    }

    /// The procedures a listing names, by id, from the library `loadContent()` would use. With
    /// the bundled library or `SOTAY_CONTENT` only their own files are read; with a signed pack
    /// taken from the hub (whose files are checked as a whole) the pack is loaded.
    func listedProcedures(_ ids: some Sequence<String>) -> [String: Procedure] {
        let environment = ProcessInfo.processInfo.environment
        let folderSet = !(environment["SOTAY_CONTENT"] ?? "").isEmpty
        guard !folderSet, InstalledContent.hasTakenPack(dataDirectory: dataDirectory),
              let pack = try? InstalledContent.load(dataDirectory: dataDirectory, language: language)
        else { return ContentPack.configuredProcedures(ids, environment: environment) }
        let wanted = Set(ids)
        return Dictionary(pack.procedures.filter { wanted.contains($0.id) }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Errors of the command itself, said in the volunteer's language.
enum CLIError: Error, LocalizedMessage {
    case unknownProcedure(String, suggestions: [String])
    case noProfile
    case answersFileUnreadable(String)
    case answersFileNotObject(String)
    case answersUnknownKeys([String])
    case answersInvalid([(id: String, reason: ValidationFailure)])
    case missingAnswers(draft: String, steps: [(id: String, text: String)])
    case inputEnded
    case notReady(draft: String, steps: [(id: String, text: String)])
    case invalidProfileField(String, ValidationFailure)
    case ambiguousResident(String, [ResidentCard])
    case unknownResident(String)

    func message(_ language: Language) -> String {
        switch self {
        case .unknownProcedure(let id, let suggestions):
            let hint = suggestions.isEmpty ? "" : pick(language, vi: " Có phải: \(suggestions.joined(separator: ", "))?", en: " Did you mean: \(suggestions.joined(separator: ", "))?")
            return pick(language, vi: "Không có thủ tục mã \"\(id)\". Tìm bằng: sotay procedures \"từ khóa\".", en: "There is no procedure \"\(id)\". Search with: sotay procedures \"words\".") + hint
        case .noProfile:
            return pick(language, vi: "Chưa có thông tin tình nguyện viên. Chạy trước: sotay init --name \"Họ tên\" --village \"Thôn\" --commune \"Xã\" --province \"Tỉnh\"",
                        en: "No volunteer profile yet. First run: sotay init --name \"Name\" --village \"Village\" --commune \"Commune\" --province \"Province\"")
        case .answersFileUnreadable(let path):
            return pick(language, vi: "Không đọc được tệp câu trả lời \(path). Kiểm tra đường dẫn.", en: "Cannot read the answers file \(path). Check the path.")
        case .answersFileNotObject(let path):
            return pick(language, vi: "Tệp \(path) phải là một đối tượng JSON dạng {\"mã câu hỏi\": câu trả lời}. Không có gì được lưu.",
                        en: "\(path) must be a JSON object {\"question id\": answer}. Nothing was saved.")
        case .answersUnknownKeys(let keys):
            return pick(language, vi: "Tệp câu trả lời có mã câu hỏi không có trong thủ tục: \(keys.joined(separator: ", ")). Xem các mã bằng: sotay show MÃ --json. Không có gì được lưu.",
                        en: "The answers file names questions this procedure does not have: \(keys.joined(separator: ", ")). See the ids with: sotay show ID --json. Nothing was saved.")
        case .answersInvalid(let problems):
            let lines = problems.map { "  \($0.id): \($0.reason.message(language))" }.joined(separator: "\n")
            return pick(language, vi: "Tệp câu trả lời có câu trả lời không hợp lệ; không có gì được lưu:\n", en: "The answers file has invalid answers; nothing was saved:\n") + lines
        case .missingAnswers(let draft, let steps):
            let lines = steps.map { "  \($0.id): \($0.text)" }.joined(separator: "\n")
            return pick(language, vi: "Hồ sơ nháp \(draft) đã lưu nhưng còn thiếu câu trả lời bắt buộc:\n", en: "Draft \(draft) was saved but required answers are missing:\n") + lines
                + pick(language, vi: "\nTiếp tục bằng: sotay drafts resume \(draft)", en: "\nContinue with: sotay drafts resume \(draft)")
        case .notReady(let draft, let steps):
            let lines = steps.map { "  \($0.id): \($0.text)" }.joined(separator: "\n")
            return pick(language, vi: "Hồ sơ \(draft) chưa thể gửi: còn câu hỏi bắt buộc chưa trả lời:\n", en: "Draft \(draft) cannot be sent yet: required questions are unanswered:\n") + lines
                + pick(language, vi: "\nTrả lời nốt bằng: sotay drafts resume \(draft)", en: "\nAnswer them with: sotay drafts resume \(draft)")
        case .inputEnded:
            return pick(language, vi: "Hết dữ liệu vào trước khi trả lời xong.", en: "Input ended before the questions were answered.")
        case .invalidProfileField(let field, let reason):
            return "\(field): \(reason.message(language))"
        case .ambiguousResident(let query, let cards):
            let lines = cards.map { "  \($0.id) · \($0.name ?? "?")" + ($0.phone.map { " · \($0)" } ?? "") }.joined(separator: "\n")
            return pick(language, vi: "Có \(cards.count) người dân khớp với \"\(query)\":\n", en: "\(cards.count) residents match \"\(query)\":\n") + lines
                + pick(language, vi: "\nGõ lại với mã của người cần: --resident MÃ", en: "\nRun it again with the right one's id: --resident ID")
        case .unknownResident(let query):
            return pick(language, vi: "Không có người dân nào trên máy khớp với \"\(query)\" (mã, số điện thoại hoặc họ tên). Bỏ --resident để bắt đầu với người dân mới.",
                        en: "No resident on this laptop matches \"\(query)\" (id, phone or name). Leave out --resident to start with a new resident.")
        }
    }
}
