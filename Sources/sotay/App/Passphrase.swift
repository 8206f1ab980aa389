import Foundation
import SoTayCore
import SoTayStore
#if canImport(Glibc)
import Glibc
#endif

/// Asking for the passphrase: never on the command line (it would stay in the shell's history),
/// only typed at a prompt that does not echo, or from `SOTAY_PASSPHRASE` for scripts.
enum Passphrase {
    /// How much a command needs residents' personal data.
    enum Need {
        /// It cannot work without it (guide, attach, mark ready).
        case required
        /// It shows more with it (names in the drafts list, dossiers in a sync).
        case optional
    }

    static let environmentKey = "SOTAY_PASSPHRASE"
    static let newEnvironmentKey = "SOTAY_NEW_PASSPHRASE"

    /// The store, unlocked if the passphrase is given; asked at most three times on a terminal.
    static func unlock(_ store: Store, need: Need, render: Render) throws -> Store {
        guard !store.isUnlocked else { return store }
        return try verified(store, need: need, render: render)?.store ?? store
    }

    /// The passphrase that opens `store`, with the store opened by it; `nil` when skipped.
    static func verified(_ store: Store, need: Need, render: Render) throws -> (store: Store, passphrase: String)? {
        guard try store.hasPassphrase() else {
            if need == .required { throw StoreError.noPassphrase }
            return nil
        }
        if let given = ProcessInfo.processInfo.environment[environmentKey], !given.isEmpty {
            return (try store.unlocked(passphrase: given), given)
        }
        guard isatty(STDIN_FILENO) == 1 else {
            if need == .required { throw StoreError.locked }
            return nil
        }
        let prompt = need == .required
            ? render.t("Cụm mật khẩu Sổ Tay (để mở dữ liệu người dân): ", "Sổ Tay passphrase (to open residents' data): ")
            : render.t("Cụm mật khẩu Sổ Tay (Enter để bỏ qua, không hiện tên người dân): ", "Sổ Tay passphrase (Enter to skip; names stay hidden): ")
        for attempt in 1...3 {
            guard let typed = readHidden(prompt: prompt) else { break }
            if typed.isEmpty && need == .optional { return nil }
            let result: Result<Store, StoreError>
            do { result = .success(try store.unlocked(passphrase: typed)) } catch { result = .failure(error) }
            switch result {
            case .success(let unlocked):
                return (unlocked, typed)
            case .failure(.wrongPassphrase) where attempt < 3:
                Output.error("  ✗ " + StoreError.wrongPassphrase.message(render.language))
            case .failure(let error):
                throw error
            }
        }
        throw StoreError.wrongPassphrase
    }

    /// A new passphrase: `SOTAY_NEW_PASSPHRASE` (or `SOTAY_PASSPHRASE` when setting the first
    /// one), else typed twice at a terminal.
    static func new(render: Render, environmentKeys: [String]) throws -> String {
        for key in environmentKeys {
            if let given = ProcessInfo.processInfo.environment[key], !given.isEmpty { return given }
        }
        guard isatty(STDIN_FILENO) == 1 else { throw PassphraseError.needTerminal }
        Output.line(render.t("Đặt cụm mật khẩu cho Sổ Tay: ít nhất \(Store.minimumPassphraseLength) ký tự, nên là vài từ dễ nhớ. Quên thì không mở lại được dữ liệu người dân trên máy này.",
                             "Choose a passphrase for Sổ Tay: at least \(Store.minimumPassphraseLength) characters, a few words you remember. If it is forgotten, residents' data on this laptop cannot be opened again."))
        for _ in 1...3 {
            guard let first = readHidden(prompt: render.t("Cụm mật khẩu mới: ", "New passphrase: ")) else { break }
            guard first.count >= Store.minimumPassphraseLength else {
                Output.error("  ✗ " + StoreError.passphraseTooShort(minimum: Store.minimumPassphraseLength).message(render.language))
                continue
            }
            guard let second = readHidden(prompt: render.t("Gõ lại để kiểm tra: ", "Type it again: ")) else { break }
            if first == second { return first }
            Output.error("  ✗ " + render.t("Hai lần gõ không giống nhau. Thử lại.", "The two do not match. Try again."))
        }
        throw PassphraseError.notSet
    }

    /// One line typed with the terminal's echo off; `nil` at the end of input.
    static func readHidden(prompt: String) -> String? {
        Output.write(prompt)
        var saved = termios()
        let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if isTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer { if isTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) } }
        return Swift.readLine(strippingNewline: true)
    }
}

enum PassphraseError: Error, LocalizedMessage {
    case needTerminal
    case notSet

    func message(_ language: Language) -> String {
        switch self {
        case .needTerminal:
            pick(language, vi: "Cần đặt cụm mật khẩu: chạy lệnh trong cửa sổ dòng lệnh để gõ, hoặc đặt biến SOTAY_PASSPHRASE (mật khẩu mới: SOTAY_NEW_PASSPHRASE). Không gõ mật khẩu vào dòng lệnh.",
                 en: "A passphrase is needed: run the command in a terminal to type it, or set SOTAY_PASSPHRASE (a new one: SOTAY_NEW_PASSPHRASE). Never put it on the command line.")
        case .notSet:
            pick(language, vi: "Chưa đặt được cụm mật khẩu; không có gì thay đổi. Chạy lại lệnh khi sẵn sàng.",
                 en: "No passphrase was set; nothing changed. Run the command again when ready.")
        }
    }
}
