import Foundation
import Testing

/// Runs the built `sotay` binary as a volunteer's terminal would, with a temp data folder.
struct Sotay {
    let home: URL
    var environment: [String: String]

    /// The folder holding the built products (where `sotay` is).
    static let productsDirectory: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../.build/debug").standardizedFileURL,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appending(path: "sotay").path) } ?? candidates[2]
    }()

    static var binary: URL { productsDirectory.appending(path: "sotay") }
    static let fixtureContent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/content")

    /// A fresh data folder; `fixtureContent` uses the small test library instead of the bundled one.
    init(fixtureContent: Bool = true) throws {
        home = FileManager.default.temporaryDirectory.appending(path: "sotay-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        environment = ["PATH": "/usr/bin:/bin", "SOTAY_HOME": home.path, "HOME": home.path, "LANG": "C.UTF-8"]
        if fixtureContent { environment["SOTAY_CONTENT"] = Self.fixtureContent.path }
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs to the end with `input` piped in.
    @discardableResult
    func run(_ arguments: [String], input: String = "", executable: URL = Sotay.binary, directory: URL? = nil) throws -> Result {
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
    func json(_ arguments: [String]) throws -> Any {
        let result = try run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func initProfile() throws {
        let result = try run(["init", "--name", "Nguyễn Văn An", "--village", "Thôn Đông", "--commune", "Xã Gia Lộc", "--province", "Hải Phòng"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: home)
    }
}

/// A `sotay` process driven one line at a time, reading its prompts as they come.
final class InteractiveSotay {
    let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private var buffer = Data()

    init(_ sotay: Sotay, _ arguments: [String]) throws {
        process.executableURL = Sotay.binary
        process.arguments = arguments
        process.environment = sotay.environment
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until the output shows `count` prompts in all (a prompt is a line starting "> ").
    func waitForPrompt(number count: Int, timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while prompts < count {
            guard Date() < deadline else { throw TimeoutError(output: output) }
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { Thread.sleep(forTimeInterval: 0.01) }
            buffer.append(chunk)
        }
    }

    var output: String { String(decoding: buffer, as: UTF8.self) }
    private var prompts: Int { output.components(separatedBy: "\n> ").count - 1 + (output.hasPrefix("> ") ? 1 : 0) }

    func send(_ line: String) {
        stdin.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    struct TimeoutError: Error, CustomStringConvertible {
        let output: String
        var description: String { "no prompt in time; output so far:\n\(output)" }
    }
}
