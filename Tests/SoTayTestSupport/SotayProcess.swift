import Foundation

/// Runs the built `sotay` binary as a volunteer's terminal would, with a temp data folder.
public struct Sotay: Sendable {
    public let home: URL
    public var environment: [String: String]

    /// The folder holding the built products (where `sotay` is).
    public static let productsDirectory: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../.build/debug").standardizedFileURL,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appending(path: "sotay").path) } ?? candidates[2]
    }()

    public static var binary: URL { productsDirectory.appending(path: "sotay") }
    public static var hubBinary: URL { productsDirectory.appending(path: "sotay-hub") }
    /// The small, stable test library (one procedure of every question type).
    /// The volunteer's passphrase in every test (`SOTAY_PASSPHRASE`).
    public static let passphrase = "cây bàng đầu ngõ"

    /// The version of the consent text, as `guide --consent` takes it (both packs share it).
    public static let consentVersion: String = {
        let file = fixtureContent.appending(path: "consent.yaml")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("version:") } ?? ""
        return line.dropFirst("version:".count).trimmingCharacters(in: CharacterSet(charactersIn: " \""))
    }()

    public static let fixtureContent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../SoTayCLITests/Fixtures/content").standardizedFileURL

    /// A fresh data folder; `fixtureContent` uses the small test library instead of the bundled one.
    public init(fixtureContent: Bool = true) throws {
        home = FileManager.default.temporaryDirectory.appending(path: "sotay-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        // The passphrase as a script gives it, at Sổ Tay's lowest scrypt cost: hundreds of
        // commands each unlock the store, on a debug build. Nothing kept unlocked between
        // commands (the kernel keyring is the user's, shared by every test): each command shows
        // what the passphrase, or its absence, does; `SessionUnlockTests` turn it on.
        environment = ["PATH": "/usr/bin:/bin", "SOTAY_HOME": home.path, "HOME": home.path, "LANG": "C.UTF-8",
                       "SOTAY_PASSPHRASE": Self.passphrase, "SOTAY_KDF_LOGN": "14", "SOTAY_UNLOCKED_MINUTES": "0"]
        if fixtureContent { environment["SOTAY_CONTENT"] = Self.fixtureContent.path }
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs to the end with `input` piped in.
    @discardableResult
    public func run(_ arguments: [String], input: String = "", executable: URL = Sotay.binary, directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs and decodes standard output as JSON.
    public func json(_ arguments: [String]) throws -> Any {
        let result = try run(arguments)
        guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    public func initProfile() throws {
        let result = try run(["init", "--name", "Nguyễn Văn An", "--village", "Thôn Đông", "--commune", "Xã Gia Lộc", "--province", "Hải Phòng"])
        guard result.status == 0 else { throw CommandFailed(arguments: ["init"], result: result) }
    }

    public func cleanUp() {
        try? FileManager.default.removeItem(at: home)
    }
}

/// A command that should have succeeded and did not.
public struct CommandFailed: Error, CustomStringConvertible {
    public let arguments: [String]
    public let result: Sotay.Result
    public init(arguments: [String], result: Sotay.Result) {
        self.arguments = arguments
        self.result = result
    }

    public var description: String { "\(arguments) exited \(result.status): \(result.stderr)\(result.stdout)" }
}

/// A `sotay` process driven one line at a time, reading its prompts as they come.
public final class InteractiveSotay {
    public let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private var buffer = Data()

    public init(_ sotay: Sotay, _ arguments: [String]) throws {
        process.executableURL = Sotay.binary
        process.arguments = arguments
        process.environment = sotay.environment
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until the output shows `count` prompts in all (a prompt is a line starting "> ").
    public func waitForPrompt(number count: Int, timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while prompts < count {
            guard Date() < deadline else { throw TimeoutError(output: output) }
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { Thread.sleep(forTimeInterval: 0.01) }
            buffer.append(chunk)
        }
    }

    public var output: String { String(decoding: buffer, as: UTF8.self) }
    private var prompts: Int { output.components(separatedBy: "\n> ").count - 1 + (output.hasPrefix("> ") ? 1 : 0) }

    public func send(_ line: String) {
        stdin.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    public func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public struct TimeoutError: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "no prompt in time; output so far:\n\(output)" }
    }
}

/// `sotay` in a pseudo-terminal, typed at as a person does: what needs a real terminal (the
/// hidden passphrase prompt, readline, Ctrl-C and Ctrl-D) is driven through python3's `pty`.
extension Sotay {
    /// Wait for `expect` in the output, then type `send` ("\u{4}" is Ctrl-D, "\u{3}" Ctrl-C).
    public struct Keys: Sendable {
        public var expect: String
        public var send: String
        public init(_ expect: String, _ send: String) {
            self.expect = expect
            self.send = send
        }
    }

    public struct TerminalResult: Sendable, CustomStringConvertible {
        /// What the terminal showed, with carriage returns and escape sequences removed.
        public var output: String
        /// The exit code, or minus the signal that ended it; `nil` if it had to be killed.
        public var status: Int32?
        /// The text that never appeared, when the session got stuck.
        public var timedOut: String?
        public var description: String { "status \(status.map(String.init) ?? "none"), stuck at \(timedOut ?? "nothing"):\n\(output)" }
    }

    static let ptyDriver = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "../SoTayCLITests/Fixtures/pty-drive.py").standardizedFileURL

    public func terminal(_ arguments: [String], _ keys: [Keys], timeout: Double = 30) throws -> TerminalResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.ptyDriver.path, String(timeout), Sotay.binary.path] + arguments
        var environment = self.environment
        environment["TERM"] = "dumb"
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let script = keys.map { ["expect": $0.expect, "send": $0.send] }
        stdin.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: script))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let raw = object["output"] as? String ?? ""
        let cleaned = raw.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\r", with: "")
        return TerminalResult(output: cleaned, status: (object["status"] as? Int).map(Int32.init), timedOut: object["timedOut"] as? String)
    }
}
