import Foundation

/// A real `sotay-hub serve` on a loopback port, with a temp data folder, driven as the
/// commune's IT person would: started, stopped with SIGTERM, restarted on the same port.
public final class HubProcess: @unchecked Sendable {
    public let data: URL
    public let logFile: URL
    public private(set) var port: Int
    private var process: Process?
    /// More `serve` options (timeouts, limits), given at every start.
    public let serveArguments: [String]
    /// More environment for `serve` (SOTAY_CONTENT: the procedure library the console reads).
    public let environment: [String: String]

    /// Starts a hub on a port of its own (see `LoopbackPorts`).
    public init(data: URL? = nil, serveArguments: [String] = [], environment: [String: String] = [:]) throws {
        self.serveArguments = serveArguments
        self.environment = environment
        self.data = data ?? FileManager.default.temporaryDirectory.appending(path: "sotay-hub-e2e-\(UUID().uuidString)")
        logFile = self.data.deletingLastPathComponent().appending(path: self.data.lastPathComponent + ".log")
        port = LoopbackPorts.reserve()
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        try start()
    }

    public var url: String { "http://127.0.0.1:\(port)" }
    public var isRunning: Bool { process?.isRunning ?? false }
    /// The running server's process id (for reading its memory from /proc).
    public var pid: Int32? { process.flatMap { $0.isRunning ? $0.processIdentifier : nil } }

    /// Starts (again) on the same port.
    public func start(timeout: TimeInterval = 30) throws {
        let process = Process()
        process.executableURL = Sotay.hubBinary
        process.arguments = ["serve", "--data", data.path, "--listen", "127.0.0.1:\(port)"] + serveArguments
        process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": data.path].merging(environment) { $1 }
        let stdout = Pipe()
        process.standardOutput = stdout
        let log = try FileHandle(forWritingTo: logFile)
        try log.seekToEnd()
        process.standardError = log
        try process.run()
        self.process = process
        // The first line on standard output names the address it listens on.
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while !text.contains("\n") {
            guard Date() < deadline, process.isRunning else { throw HubFailed(log: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "") }
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { Thread.sleep(forTimeInterval: 0.02) }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
              let bound = Int(text[range].split(separator: ":").last ?? "")
        else { throw HubFailed(log: text) }
        port = bound
    }

    /// SIGTERM, as systemd stops it; waits for the graceful shutdown.
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Kills the hub at once (SIGKILL), as a power cut or a crash would: no request in flight
    /// is finished, nothing is flushed.
    public func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs an admin command on the same data folder (while the server runs, as it may).
    @discardableResult
    public func admin(_ arguments: [String]) throws -> Sotay.Result {
        let runner = try Sotay(fixtureContent: false)
        defer { runner.cleanUp() }
        return try runner.run(arguments + ["--data", data.path], executable: Sotay.hubBinary)
    }

    /// `admin` decoded as JSON, for commands given `--json`.
    public func adminJSON(_ arguments: [String]) throws -> Any {
        let result = try admin(arguments)
        guard result.status == 0 else { throw CommandFailed(arguments: arguments, result: result) }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// Adds a volunteer and returns a fresh enrolment code for them; with `database`, on that
    /// PostgreSQL database (a province hub), in `commune`.
    public func enrolmentCode(name: String = "Nguyễn Văn An", village: String = "Thôn Đông", commune: String = "Xã Gia Lộc",
                              database: String? = nil) throws -> String {
        let on = database.map { ["--database", $0] } ?? []
        let added = try admin(["volunteers", "add", name, "--village", village, "--commune", commune] + on)
        guard added.status == 0, let number = added.stdout.firstMatch(of: /số (\d+)/)?.1 else { throw CommandFailed(arguments: ["volunteers", "add"], result: added) }
        let issued = try admin(["enroll-code", String(number)] + on)
        guard let code = issued.stdout.firstMatch(of: /([2-9A-Z]{4}-[2-9A-Z]{4})/)?.1 else { throw CommandFailed(arguments: ["enroll-code"], result: issued) }
        return String(code)
    }

    /// Requests the hub has answered so far, from its access log.
    public func requestCount() -> Int {
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains("path=/v1/") }.count
    }

    /// Dossier requests the hub has answered so far (`PUT /v1/dossiers/…`, one revision each, and
    /// `POST /v1/dossiers`, a batch), from its access log.
    public func dossierRequests() -> (puts: Int, batches: Int) {
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        var puts = 0, batches = 0
        for line in log.split(separator: "\n") {
            if line.contains("method=PUT") && line.contains("path=/v1/dossiers/") { puts += 1 }
            if line.contains("method=POST") && (line.contains("path=/v1/dossiers ") || line.hasSuffix("path=/v1/dossiers")) { batches += 1 }
        }
        return (puts, batches)
    }

    public func cleanUp() {
        stop()
        try? FileManager.default.removeItem(at: data)
        try? FileManager.default.removeItem(at: logFile)
    }

    public struct HubFailed: Error, CustomStringConvertible {
        public let log: String
        public init(log: String) { self.log = log }
        public var description: String { "the hub did not start:\n\(log)" }
    }
}

/// Ports for hubs that the tests stop and start again on the same port.
///
/// A port the system picks (`:0`) comes from the ephemeral range, and once the hub stops, the
/// next `:0` bind anywhere in the test run (a proxy, another hub) may take it, so the restart
/// fails with "address in use". Hubs get ports below that range instead (Linux's default
/// starts at 32768), each handed out once per run and checked free before use.
public enum LoopbackPorts {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handedOut: Set<Int> = []

    public static func reserve() -> Int {
        lock.lock()
        defer { lock.unlock() }
        while true {
            let port = Int.random(in: 20_000..<32_000)
            guard !handedOut.contains(port), isFree(port) else { continue }
            handedOut.insert(port)
            return port
        }
    }

    private static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
