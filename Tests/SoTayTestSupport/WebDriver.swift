import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's headless Chromium driven through `chromedriver` with the W3C WebDriver protocol over
/// plain HTTP: no Selenium, no npm, nothing but the two Debian packages
/// (`scripts/install-test-deps.sh` installs `chromium` and `chromium-driver`).
public final class WebDriver: @unchecked Sendable {
    public static let chromium = "/usr/bin/chromium"
    public static let chromedriver = "/usr/bin/chromedriver"
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    private let process: Process
    private let port: Int
    private var session = ""
    private let log: URL

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts chromedriver and a headless Chromium session with a window of `width`×`height`.
    public init(width: Int = 1366, height: Int = 768) async throws {
        for tool in [Self.chromium, Self.chromedriver] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw Failure(description: "\(tool) is missing: run scripts/install-test-deps.sh (as root it installs chromium and chromium-driver)")
        }
        port = LoopbackPorts.reserve()
        log = FileManager.default.temporaryDirectory.appending(path: "chromedriver-\(UUID().uuidString).log")
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromedriver)
        process.arguments = ["--port=\(port)", "--log-path=\(log.path)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        do {
            try await startSession(width: width, height: height)
        } catch {
            // Not left running when the session cannot start.
            await quit()
            throw error
        }
    }

    private func startSession(width: Int, height: Int) async throws {
        let deadline = Date().addingTimeInterval(20)
        while true {
            if let status = try? await call("GET", "/status", nil) as? [String: Any], status["ready"] as? Bool == true { break }
            guard Date() < deadline, process.isRunning else { throw Failure(description: "chromedriver did not start; see \(log.path)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": Self.chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                         "--window-size=\(width),\(height)", "--lang=vi", "--no-first-run", "--disable-extensions"],
            ] as [String: Any],
        ] as [String: Any]]]
        let created = try await call("POST", "/session", capabilities) as? [String: Any]
        guard let id = created?["sessionId"] as? String else { throw Failure(description: "no WebDriver session: \(String(describing: created))") }
        session = id
    }

    /// Ends the session and chromedriver (and with it Chromium).
    /// chromedriver was once found still running, orphaned, after a `make test`: it is killed if
    /// SIGTERM has not ended it within 5 seconds.
    public func quit() async {
        if !session.isEmpty { _ = try? await call("DELETE", "/session/\(session)", nil) }
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: log)
    }

    public func open(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
    }

    public func currentURL() async throws -> String {
        try await command("GET", "/url", nil) as? String ?? ""
    }

    /// The element matching a CSS selector; fails when there is none.
    public func find(_ selector: String) async throws -> String {
        let value = try await command("POST", "/element", ["using": "css selector", "value": selector]) as? [String: Any]
        guard let id = value?[Self.elementKey] as? String else { throw Failure(description: "no element matches \(selector)") }
        return id
    }

    public func click(_ selector: String) async throws {
        _ = try await command("POST", "/element/\(try await find(selector))/click", [:])
    }

    public func type(_ selector: String, _ text: String) async throws {
        _ = try await command("POST", "/element/\(try await find(selector))/value", ["text": text])
    }

    /// Runs JavaScript in the page and returns what it returns.
    public func script(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": source, "args": arguments])
    }

    /// Runs JavaScript that calls its last argument when done.
    public func asyncScript(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/async", ["script": source, "args": arguments])
    }

    /// Waits until the JavaScript `condition` is true in a fully loaded page (a click that
    /// navigates returns before the next page has arrived).
    public func waitFor(_ condition: String, timeout: TimeInterval = 15) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let met = try? await script("return document.readyState === 'complete' && Boolean(\(condition))") as? Bool
            if met == true { return }
            guard Date() < deadline else { throw Failure(description: "waited \(Int(timeout)) s for \(condition) on \((try? await currentURL()) ?? "?")") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    public func resize(width: Int, height: Int) async throws {
        _ = try await command("POST", "/window/rect", ["width": width, "height": height])
    }

    /// The browser's cookies for the current page, HttpOnly ones included.
    public func cookies() async throws -> [[String: Any]] {
        try await command("GET", "/cookie", nil) as? [[String: Any]] ?? []
    }

    /// A PNG of the viewport.
    public func screenshot() async throws -> Data {
        guard let text = try await command("GET", "/screenshot", nil) as? String, let data = Data(base64Encoded: text) else {
            throw Failure(description: "no screenshot")
        }
        return data
    }

    /// The page printed to PDF (A4), as the browser's print does it with the print stylesheet.
    public func printPDF() async throws -> Data {
        let value = try await command("POST", "/print", ["page": ["width": 21.0, "height": 29.7], "background": false])
        guard let text = value as? String, let data = Data(base64Encoded: text) else { throw Failure(description: "no PDF") }
        return data
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        try await call(method, "/session/\(session)" + path, body)
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let port = port
        // chromedriver writes `Content-Length:252` with no space, which URLSession on Linux
        // refuses ("Failed writing header"): a plain HTTP/1.1 exchange instead, on a thread of
        // its own so that a slow command never blocks one of the test's cooperative threads.
        let (status, data) = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int, Data), any Error>) in
            Thread {
                do { continuation.resume(returning: try Self.exchange(port: port, method: method, path: path, body: payload)) } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        let value = object?["value"]
        if status >= 400 {
            let message = (value as? [String: Any])?["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure(description: "WebDriver \(method) \(path): \(status) \(message)")
        }
        return value is NSNull ? nil : value
    }

    /// One request on a fresh loopback connection; the status and the body.
    static func exchange(port: Int, method: String, path: String, body: Data?) throws -> (Int, Data) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "no socket") }
        defer { close(descriptor) }
        var time = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &remote) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to chromedriver on port \(port)") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body { head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.count)\r\n" } else if method != "GET" {
            head += "Content-Length: 0\r\n"
        }
        let request = Array((head + "\r\n").utf8) + Array(body ?? Data())
        var sent = 0
        while sent < request.count {
            let wrote = request[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard wrote > 0 else { throw Failure(description: "chromedriver closed the connection") }
            sent += wrote
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var length: Int?
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: received) {
                headerEnd = end + 4
                let lines = String(decoding: received[0..<end], as: UTF8.self).split(separator: "\r\n")
                for line in lines.dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" { length = Int(parts[1].trimmingCharacters(in: .whitespaces)) }
                }
            }
            if let headerEnd, let length, received.count >= headerEnd + length { break }
        }
        guard let headerEnd else { throw Failure(description: "no answer from chromedriver to \(method) \(path)") }
        let statusLine = String(decoding: received.prefix(while: { $0 != 13 }), as: UTF8.self).split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "a garbled answer from chromedriver") }
        let end = length.map { min(received.count, headerEnd + $0) } ?? received.count
        return (status, Data(received[headerEnd..<end]))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] && Array(haystack[index..<index + needle.count]) == needle {
            return index
        }
        return nil
    }
}

/// PNG files made here, so that a test has a real picture a browser can draw (uncompressed
/// deflate blocks: no zlib needed).
public enum SamplePNG {
    /// A `width`×`height` RGB picture: a pale page with dark lines, like a photographed paper.
    public static func paper(width: Int = 360, height: Int = 240) -> Data {
        var raw: [UInt8] = []
        raw.reserveCapacity((width * 3 + 1) * height)
        for y in 0..<height {
            raw.append(0)
            for x in 0..<width {
                let line = (y / 12) % 2 == 0 && x > 20 && x < width - 20 && y % 12 < 3
                let frame = x < 6 || y < 6 || x >= width - 6 || y >= height - 6
                if frame { raw += [0x0a, 0x4a, 0x94] } else if line { raw += [0x30, 0x30, 0x38] } else { raw += [0xf6, 0xf1, UInt8(0xe0 + (x + y) % 16)] }
            }
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        while offset < raw.count {
            let count = min(65535, raw.count - offset)
            zlib.append(offset + count >= raw.count ? 1 : 0)
            zlib += [UInt8(count & 0xff), UInt8(count >> 8), UInt8(~count & 0xff), UInt8((~count >> 8) & 0xff)]
            zlib += raw[offset..<offset + count]
            offset += count
        }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        zlib += bigEndian((b << 16) | a)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return Data(png)
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
