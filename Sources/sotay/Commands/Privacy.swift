import ArgumentParser
import Foundation
import SoTayCore
import SoTayStore

extension GlobalOptions {
    /// The store, unlocked as far as `need` asks (see `Passphrase.unlock`).
    func openStore(unlock need: Passphrase.Need) throws -> Store {
        try Passphrase.unlock(openStore(), need: need, render: Render(language: language))
    }
}

/// Sets the first passphrase on a store that has none (`sotay init`, or an upgrade from a version
/// that kept residents' data in clear: that data is sealed now).
enum PassphraseSetup {
    static func ensure(_ store: Store, render: Render) throws -> Store {
        guard try !store.hasPassphrase() else { return store }
        let passphrase = try Passphrase.new(render: render, environmentKeys: [Passphrase.newEnvironmentKey, Passphrase.environmentKey])
        let unlocked = try store.setPassphrase(passphrase, derivation: .new(logN: costFromEnvironment()))
        Output.line(render.t("✓ Đã đặt cụm mật khẩu. Thông tin người dân và ảnh giấy tờ trên máy này được mã hóa; Sổ Tay hỏi mật khẩu khi cần mở.",
                             "✓ Passphrase set. Residents' data and photos on this laptop are encrypted; Sổ Tay asks for the passphrase when it needs to open them."))
        return unlocked
    }

    /// scrypt's cost as log2 N: `SOTAY_KDF_LOGN` for a very old laptop (never below 14),
    /// otherwise the standard 17.
    static func costFromEnvironment() -> Int {
        ProcessInfo.processInfo.environment["SOTAY_KDF_LOGN"].flatMap(Int.init) ?? KeyDerivation.standardLogN
    }
}

struct PassphraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passphrase",
        abstract: "Cụm mật khẩu bảo vệ dữ liệu người dân: đổi mật khẩu.",
        subcommands: [Change.self])

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Đổi cụm mật khẩu (dữ liệu không phải mã hóa lại). Trong script: SOTAY_PASSPHRASE (cũ) và SOTAY_NEW_PASSPHRASE (mới).")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let render = Render(language: global.language)
            let store = try global.openStore()
            guard try store.hasPassphrase() else {
                _ = try PassphraseSetup.ensure(store, render: render)
                return
            }
            // The old one first: checked before a new one is asked for.
            guard let old = try Passphrase.verified(store, need: .required, render: render, session: false)?.passphrase else { throw StoreError.locked }
            let new = try Passphrase.new(render: render, environmentKeys: [Passphrase.newEnvironmentKey])
            try store.changePassphrase(from: old, to: new, derivation: .new(logN: PassphraseSetup.costFromEnvironment()))
            Output.line(render.t("✓ Đã đổi cụm mật khẩu. Từ nay dùng mật khẩu mới; mật khẩu cũ không mở được nữa.",
                                 "✓ Passphrase changed. Use the new one from now on; the old one no longer opens anything."))
        }
    }
}

struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Khóa dữ liệu người dân ngay: lệnh sau sẽ hỏi lại cụm mật khẩu (không thì Sổ Tay tự khóa sau unlocked-minutes phút không dùng).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let render = Render(language: global.language)
        let store = try global.openStore()
        if store.forgetSession() {
            Output.line(render.t("🔒 Đã khóa. Lần sau Sổ Tay hỏi cụm mật khẩu.", "🔒 Locked. Sổ Tay asks for the passphrase next time."))
        } else {
            Output.line(render.t("🔒 Dữ liệu người dân đang khóa sẵn; không có gì phải làm.", "🔒 Residents' data is already locked; nothing to do."))
        }
    }
}

struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Xóa thông tin cá nhân của hồ sơ xã đã giải quyết xong quá thời hạn lưu giữ (mặc định 30 ngày; sotay settings retention-days). Số liệu báo cáo giữ nguyên. Sổ Tay cũng tự làm việc này sau mỗi lần đồng bộ.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .customLong("dry-run"), help: "Chỉ cho biết sẽ xóa gì, không xóa.")
    var dryRun = false

    func run() throws {
        let render = Render(language: global.language)
        let store = try global.openStore()
        let days = try store.retentionDays()
        let report = try store.purge(dryRun: dryRun)
        Output.line(PurgeLines.describe(report, days: days, render: render))
        if dryRun && !report.dossiers.isEmpty {
            Output.line(render.t("Chưa xóa gì. Để xóa: sotay purge", "Nothing was erased. To erase: sotay purge"))
        }
    }
}

enum PurgeLines {
    static func describe(_ report: PurgeReport, days: Int, render: Render) -> String {
        guard !report.dossiers.isEmpty else {
            return render.t("Không có hồ sơ nào đã xong quá \(days) ngày còn thông tin cá nhân trên máy.",
                            "No dossier closed more than \(days) days ago still has personal data on this laptop.")
        }
        let ids = report.dossiers.map { String($0.prefix(8)) }.joined(separator: ", ")
        let size = String(format: "%.1f MB", Double(report.blobBytes) / 1_000_000)
        if report.dryRun {
            return render.t("Sẽ xóa thông tin cá nhân của \(report.dossiers.count) hồ sơ (xã đã xong quá \(days) ngày): \(ids) — \(report.answers) câu trả lời, tên và số điện thoại của \(report.residents) người dân, \(report.blobs) ảnh (\(size)).",
                            "Would erase the personal data of \(report.dossiers.count) dossier(s) closed more than \(days) days ago: \(ids) — \(report.answers) answers, the name and phone of \(report.residents) resident(s), \(report.blobs) photo(s) (\(size)).")
        }
        return render.t("✓ Đã xóa thông tin cá nhân của \(report.dossiers.count) hồ sơ (xã đã xong quá \(days) ngày): \(ids) — \(report.answers) câu trả lời, tên và số điện thoại của \(report.residents) người dân, \(report.blobs) ảnh (\(size)). Số liệu báo cáo giữ nguyên.",
                        "✓ Erased the personal data of \(report.dossiers.count) dossier(s) closed more than \(days) days ago: \(ids) — \(report.answers) answers, the name and phone of \(report.residents) resident(s), \(report.blobs) photo(s) (\(size)). Report figures are unchanged.")
    }
}

struct ConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Lời đề nghị đồng ý lưu thông tin cá nhân, để đọc cho người dân (và phiên bản của nó).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let workspace = try Workspace(global)
        guard let consent = workspace.pack.consent else { throw ConsentError.noText }
        Output.line(Consent.text(consent, render: workspace.render))
    }
}

/// Asking the resident's consent, from the pack's text.
enum Consent {
    static func text(_ consent: ConsentText, render: Render) -> String {
        var lines = [render.text(consent.title) + render.t(" (phiên bản \(consent.version))", " (version \(consent.version))")]
        lines += consent.body.map { "  " + render.text($0) }
        return lines.joined(separator: "\n")
    }

    /// Reads the text and asks; `nil` when the resident says no (or input ends).
    static func ask(pack: ContentPack, profile: VolunteerProfile, reader: LineReader, render: Render) throws -> ConsentGiven? {
        guard let consent = pack.consent else { throw ConsentError.noText }
        Output.line("")
        Output.line(text(consent, render: render))
        let yesNo = AnswerParser(today: CalendarDate.today())
        while true {
            guard let line = reader.read(prompt: render.t("Người dân có đồng ý không? (có/không) ", "Does the resident agree? (yes/no) "),
                                         completions: render.language == .vi ? ["có", "không"] : ["yes", "no"])
            else { return nil }
            switch yesNo.parseYesNo(.text(line)) {
            case .success(.bool(true)): return ConsentGiven(textVersion: consent.version, volunteer: profile.name)
            case .success: return nil
            case .failure: Output.line("  ✗ " + render.t("Gõ \"có\" hoặc \"không\".", "Type \"yes\" or \"no\"."))
            }
        }
    }
}

enum ConsentError: Error, LocalizedMessage {
    case noText
    case needed(version: String)

    func message(_ language: Language) -> String {
        switch self {
        case .noText:
            pick(language, vi: "Gói nội dung không có lời đề nghị đồng ý (consent.yaml), nên Sổ Tay không lưu thông tin cá nhân. Báo cán bộ kỹ thuật của xã.",
                 en: "The content pack has no consent text (consent.yaml), so Sổ Tay saves no personal data. Tell the commune's IT person.")
        case .needed(let version):
            pick(language, vi: "Cần sự đồng ý của người dân trước khi lưu thông tin: đọc cho họ nghe \"sotay consent\", nếu họ đồng ý thì thêm --consent \(version) vào lệnh. Không có gì được lưu.",
                 en: "The resident's consent is needed before anything is saved: read them \"sotay consent\", and if they agree add --consent \(version) to the command. Nothing was saved.")
        }
    }
}
