import Foundation
import NIOCore
import NIOPosix

/// A tiny HTTP/1.1 server on 127.0.0.1 that writes down every request it gets (method, path,
/// headers) and answers each with a fixed reply: a captive portal's redirect, its login page.
/// Each connection gets one reply and is closed.
public final class RecordingHTTPServer: Sendable {
    /// One request as it arrived.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        /// Header names lowercased.
        public var headers: [String: String]
    }

    /// The reply: status line, headers, body.
    public struct Reply: Sendable {
        public var status: Int
        public var reason: String
        public var headers: [String: String]
        public var body: String

        public init(status: Int, reason: String, headers: [String: String] = [:], body: String = "") {
            self.status = status
            self.reason = reason
            self.headers = headers
            self.body = body
        }

        /// A redirect to `location`, as a captive portal answers.
        public static func redirect(_ status: Int = 302, to location: String) -> Reply {
            Reply(status: status, reason: status == 307 ? "Temporary Redirect" : "Found", headers: ["Location": location])
        }

        /// A login page answering 200, as the redirect's target does.
        public static let loginPage = Reply(status: 200, reason: "OK", headers: ["Content-Type": "text/html"], body: "<html>Đăng nhập Wi-Fi</html>")
    }

    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let listener: any Channel
    private let log: RequestLog

    /// Answers every request with `reply`. With `keepAlive`, a connection serves request after
    /// request (unless the request says `Connection: close`); `cutAfterHeadOf` closes the
    /// connection right after the head of that request (counted from 1 over the server), as a
    /// link that drops mid-request.
    public init(reply: Reply, keepAlive: Bool = false, cutAfterHeadOf: Int? = nil) throws {
        let log = RequestLog()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let behaviour = Behaviour(reply: reply, keepAlive: keepAlive, cutAfterHeadOf: cutAfterHeadOf)
        do {
            listener = try ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RecordingHandler(behaviour: behaviour, log: log))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        self.port = listener.localAddress?.port ?? 0
        self.group = group
        self.log = log
    }

    public var url: String { "http://127.0.0.1:\(port)" }
    /// Every request received so far (its head; the body may not have come).
    public var requests: [Request] { log.all }
    /// Requests whose head came but whose body did not within two seconds, on a connection the
    /// server did not cut: a client stalled on a body it never sends.
    public var bodiesNeverSent: Int { log.stalls }

    public func shutdown() {
        try? listener.close().wait()
        try? group.syncShutdownGracefully()
    }
}

private struct Behaviour: Sendable {
    let reply: RecordingHTTPServer.Reply
    let keepAlive: Bool
    let cutAfterHeadOf: Int?
}

/// Reads request heads and bodies (by Content-Length), records them, replies.
private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let behaviour: Behaviour
    let log: RequestLog
    var received = Data()
    /// The body length still awaited for the current request, once its head is in.
    var awaiting: (length: Int, close: Bool)?
    var stallCheck: Scheduled<Void>?

    init(behaviour: Behaviour, log: RequestLog) {
        self.behaviour = behaviour
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        while context.channel.isActive {
            if case let (length, close)? = awaiting {
                guard received.count >= length else { return }
                stallCheck?.cancel()
                received.removeFirst(length)
                awaiting = nil
                answer(context: context, close: close || !behaviour.keepAlive)
                continue
            }
            guard let end = received.range(of: Data("\r\n\r\n".utf8)) else { return }
            let lines = String(decoding: received[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            received.removeSubrange(..<end.upperBound)
            let start = lines.first?.split(separator: " ") ?? []
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let request = RecordingHTTPServer.Request(method: start.first.map(String.init) ?? "", path: start.dropFirst().first.map(String.init) ?? "",
                                                      headers: headers)
            let number = log.append(request)
            if number == behaviour.cutAfterHeadOf {
                context.close(promise: nil)
                return
            }
            let length = headers["content-length"].flatMap(Int.init) ?? 0
            awaiting = (length, headers["connection"]?.lowercased() == "close")
            if length > received.count {
                let log = log
                let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                stallCheck = context.eventLoop.scheduleTask(in: .seconds(2)) {
                    guard handler.value.awaiting != nil else { return }
                    log.stalled()
                    bound.value.close(promise: nil)
                }
            }
        }
    }

    private func answer(context: ChannelHandlerContext, close: Bool) {
        let reply = behaviour.reply
        var head = "HTTP/1.1 \(reply.status) \(reply.reason)\r\nContent-Length: \(reply.body.utf8.count)\r\n"
        if close { head += "Connection: close\r\n" }
        for (name, value) in reply.headers { head += "\(name): \(value)\r\n" }
        let bytes = context.channel.allocator.buffer(string: head + "\r\n" + reply.body)
        if close {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in bound.value.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stallCheck?.cancel()
    }
}

/// The requests a server got, shared between its event loop and the test.
private final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [RecordingHTTPServer.Request] = []
    private var stallCount = 0

    var all: [RecordingHTTPServer.Request] { lock.withLock { requests } }
    var stalls: Int { lock.withLock { stallCount } }

    /// Returns the request's number, from 1.
    func append(_ request: RecordingHTTPServer.Request) -> Int {
        lock.withLock {
            requests.append(request)
            return requests.count
        }
    }

    func stalled() {
        lock.withLock { stallCount += 1 }
    }
}
