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

    /// How long, in minutes, an unlocked store stays unlocked for the next commands:
    /// `SOTAY_UNLOCKED_MINUTES` for a script, else `sotay settings unlocked-minutes`, else 15.
    static let keepEnvironmentKey = "SOTAY_UNLOCKED_MINUTES"

    /// The store, unlocked if the passphrase is given (or was, in the last minutes: see
    /// `SessionKeyring`); asked at most three times on a terminal.
    static func unlock(_ store: Store, need: Need, render: Render) throws -> Store {
        guard !store.isUnlocked else { return store }
        return try verified(store, need: need, render: render)?.store ?? store
    }

    /// The store opened, with the passphrase that opened it (`nil` when a key kept from an
    /// earlier command did, see `SessionKeyring`); `nil` when skipped. `session: false` asks for
    /// the passphrase itself whatever is kept (changing it needs the old one typed).
    static func verified(_ store: Store, need: Need, render: Render, session: Bool = true) throws -> (store: Store, passphrase: String?)? {
        guard try store.hasPassphrase() else {
            if need == .required { throw StoreError.noPassphrase }
            return nil
        }
        let minutes = session ? keepMinutes(store) : 0
        // A passphrase a script gives is checked, and wins over a kept key: a wrong one fails.
        if let given = ProcessInfo.processInfo.environment[environmentKey], !given.isEmpty {
            return (try opening(store, with: given, render: render, keepingFor: minutes), given)
        }
        if let kept = store.unlockedFromSession(keepingFor: minutes) { return (kept, nil) }
        guard isatty(STDIN_FILENO) == 1 else {
            if need == .required { throw StoreError.locked }
            return nil
        }
        let prompt = need == .required
            ? render.t("Cụm mật khẩu Sổ Tay (để mở dữ liệu người dân): ", "Sổ Tay passphrase (to open residents' data): ")
            : render.t("Cụm mật khẩu Sổ Tay (Enter để bỏ qua, không hiện tên người dân): ", "Sổ Tay passphrase (Enter to skip; names stay hidden): ")
        var lastFailure: any Error = StoreError.wrongPassphrase
        for attempt in 1...3 {
            // Ctrl-D: the volunteer gives up on opening the data, which is not a wrong passphrase.
            guard let typed = readHidden(prompt: prompt) else {
                if need == .optional { return nil }
                throw PassphraseError.cancelled
            }
            if typed.isEmpty {
                if need == .optional { return nil }
                lastFailure = PassphraseError.cancelled
                if attempt < 3 {
                    Output.error("  ✗ " + render.t("Chưa gõ gì. Gõ cụm mật khẩu, hoặc Ctrl-D để thôi.", "Nothing typed. Type the passphrase, or Ctrl-D to give up."))
                }
                continue
            }
            let result: Result<Store, StoreError>
            do { result = .success(try opening(store, with: typed, render: render, keepingFor: minutes)) } catch { result = .failure(error) }
            switch result {
            case .success(let unlocked):
                return (unlocked, typed)
            case .failure(.wrongPassphrase) where attempt < 3:
                Output.error("  ✗ " + StoreError.wrongPassphrase.message(render.language))
            case .failure(.wrongPassphrase):
                lastFailure = StoreError.wrongPassphrase
            case .failure(let error):
                throw error
            }
        }
        throw lastFailure
    }

    /// The store unlocked with `passphrase`. Deriving the key takes a noticeable moment (scrypt,
    /// on purpose): on a terminal, "Đang mở khóa…" says so meanwhile and is wiped once it is done.
    /// On a terminal, the first unlock of a stretch of work also says how long it lasts and how
    /// to end it sooner.
    static func opening(_ store: Store, with passphrase: String, render: Render, keepingFor minutes: Int = 0) throws(StoreError) -> Store {
        let onTerminal = isatty(STDERR_FILENO) == 1
        if onTerminal { FileHandle.standardError.write(Data(render.t("  Đang mở khóa…", "  Unlocking…").utf8)) }
        let unlocked: Store
        do {
            defer { if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
            unlocked = try store.unlocked(passphrase: passphrase, keepingFor: minutes)
        }
        if onTerminal && minutes > 0 && isatty(STDIN_FILENO) == 1 {
            Output.error("  🔓 " + render.t("Sổ Tay mở sẵn dữ liệu người dân thêm \(minutes) phút sau lần dùng cuối; khóa ngay: sotay lock",
                                             "Sổ Tay keeps residents' data open for \(minutes) minutes after its last use; to lock now: sotay lock"))
        }
        return unlocked
    }

    /// See `keepEnvironmentKey`; 0 keeps nothing.
    static func keepMinutes(_ store: Store) -> Int {
        let chosen = ProcessInfo.processInfo.environment[keepEnvironmentKey].flatMap(Int.init)
            ?? (try? store.setting(.unlockedMinutes)).flatMap { $0.flatMap(Int.init) }
            ?? SessionKeyring.defaultMinutes
        return min(max(chosen, 0), SessionKeyring.maximumMinutes)
    }

    /// A new passphrase: `SOTAY_NEW_PASSPHRASE` (or `SOTAY_PASSPHRASE` when setting the first
    /// one), else typed twice at a terminal.
    /// A weak one (see `PassphraseStrength`) is refused with its reason and asked again.
    static func new(render: Render, environmentKeys: [String]) throws -> String {
        for key in environmentKeys {
            guard let given = ProcessInfo.processInfo.environment[key], !given.isEmpty else { continue }
            if let weakness = PassphraseStrength.weakness(of: given) { throw PassphraseError.weak(weakness, variable: key) }
            return given
        }
        guard isatty(STDIN_FILENO) == 1 else { throw PassphraseError.needTerminal }
        Output.line(render.t("Đặt cụm mật khẩu cho Sổ Tay: ít nhất \(PassphraseStrength.minimumWords) từ và \(PassphraseStrength.minimumLength) ký tự, những từ bạn dễ nhớ mà người khác khó đoán. Quên thì không mở lại được dữ liệu người dân trên máy này.",
                             "Choose a passphrase for Sổ Tay: at least \(PassphraseStrength.minimumWords) words and \(PassphraseStrength.minimumLength) characters, words you remember that others would not guess. If it is forgotten, residents' data on this laptop cannot be opened again."))
        // Five tries: a weak one refused with its reason is part of learning what works.
        for _ in 1...5 {
            guard let first = readHidden(prompt: render.t("Cụm mật khẩu mới: ", "New passphrase: ")) else { throw PassphraseError.cancelled }
            if let weakness = PassphraseStrength.weakness(of: first) {
                Output.error("  ✗ " + weakness.message(render.language))
                continue
            }
            guard let second = readHidden(prompt: render.t("Gõ lại để kiểm tra: ", "Type it again: ")) else { throw PassphraseError.cancelled }
            if first == second { return first }
            Output.error("  ✗ " + render.t("Hai lần gõ không giống nhau. Thử lại.", "The two do not match. Try again."))
        }
        throw PassphraseError.notSet
    }

    /// One line typed with the terminal's echo off; `nil` at the end of input.
    static func readHidden(prompt: String) -> String? {
        var saved = termios()
        let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if isTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        // The prompt after the echo is off (which flushes what was typed before it), so that a
        // line typed as soon as the prompt shows is kept; the echo comes back without a flush.
        Output.write(prompt)
        guard isTerminal else { return Swift.readLine(strippingNewline: true) }
        defer { tcsetattr(STDIN_FILENO, TCSADRAIN, &saved) }
        return readTerminalLine()
    }

    /// One line straight from the terminal. Not through stdio: after Ctrl-D its end-of-file
    /// would stick, and every later prompt would read nothing.
    private static func readTerminalLine() -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}

enum PassphraseError: Error, LocalizedMessage {
    case needTerminal
    case notSet
    /// Ctrl-D (or nothing typed) at the prompt.
    case cancelled
    case weak(PassphraseStrength.Weakness, variable: String)

    func message(_ language: Language) -> String {
        switch self {
        case .needTerminal:
            pick(language, vi: "Cần đặt cụm mật khẩu: chạy lệnh trong cửa sổ dòng lệnh để gõ, hoặc đặt biến SOTAY_PASSPHRASE (mật khẩu mới: SOTAY_NEW_PASSPHRASE). Không gõ mật khẩu vào dòng lệnh.",
                 en: "A passphrase is needed: run the command in a terminal to type it, or set SOTAY_PASSPHRASE (a new one: SOTAY_NEW_PASSPHRASE). Never put it on the command line.")
        case .notSet:
            pick(language, vi: "Chưa đặt được cụm mật khẩu; không có gì thay đổi. Chạy lại lệnh khi sẵn sàng.",
                 en: "No passphrase was set; nothing changed. Run the command again when ready.")
        case .cancelled:
            pick(language, vi: "Chưa gõ cụm mật khẩu; dữ liệu người dân chưa được mở, không có gì thay đổi.",
                 en: "No passphrase typed; residents' data was not opened and nothing changed.")
        case .weak(let weakness, let variable):
            "\(variable): " + weakness.message(language)
        }
    }
}
