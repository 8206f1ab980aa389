import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging

/// The baseline of benchmark 1: how OpenRosa-style clients send a submission. Each dossier is
/// one multipart POST carrying its photos; when the connection drops, the whole POST starts
/// over at once. Plain blocking sockets, so a cut is seen the moment the reset arrives (through
/// URLSession, libcurl noticed some cuts only at the request timeout, which measured the timeout
/// rather than the method, and its wait loop took CPU from the run beside it).
struct NaiveUploader {
    struct Outcome {
        var finished: Int
        var restarts: Int
        var seconds: Double
    }

    let port: Int

    func upload(_ bodies: [Data], giveUpAfter limit: Double) -> Outcome {
        signal(SIGPIPE, SIG_IGN)
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        var outcome = Outcome(finished: 0, restarts: 0, seconds: 0)
        for body in bodies {
            while true {
                guard elapsed() < limit else {
                    outcome.seconds = elapsed()
                    return outcome
                }
                if post(body) {
                    outcome.finished += 1
                    break
                }
                outcome.restarts += 1
            }
        }
        outcome.seconds = elapsed()
        return outcome
    }

    /// One POST on a new connection; true when the server answered 201.
    private func post(_ body: Data) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        let head = "POST /dossiers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=\(Multipart.boundary)\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        for part in [Data(head.utf8), body] {
            let written = part.withUnsafeBytes { buffer -> Bool in
                guard let base = buffer.baseAddress else { return buffer.isEmpty }
                var offset = 0
                while offset < buffer.count {
                    let count = send(socket, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                    if count <= 0 { return false }
                    offset += count
                }
                return true
            }
            guard written else { return false }
        }
        var reply = [UInt8](repeating: 0, count: 512)
        let count = recv(socket, &reply, reply.count, 0)
        guard count > 0 else { return false }
        return String(decoding: reply[0..<count], as: UTF8.self).hasPrefix("HTTP/1.1 201")
    }
}

/// The server the naive uploader talks to: takes a POST whole and answers 201 once every byte
/// is in. It stores nothing; the figure is about the link.
enum MultipartSink {
    struct NotStarted: Error {}

    /// Starts serving on a loopback port and returns the port. It runs until the suite exits.
    static func start() async throws -> Int {
        let router = Router()
        router.post("dossiers") { request, _ -> Response in
            for try await _ in request.body {}
            return Response(status: .created)
        }
        var logger = Logger(label: "sotay-bench.sink")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        Task { try await app.runService(gracefulShutdownSignals: []) }
        for await port in ports where port > 0 { return port }
        throw NotStarted()
    }
}
