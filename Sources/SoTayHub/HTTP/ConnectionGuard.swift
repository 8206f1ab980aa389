import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import SoTayWire

/// What one connection may cost the hub: how long it may take to send its headers and its body,
/// how long it may sit idle between requests, and how many one address may hold open.
///
/// Without these, a connection that sends nothing (or half a header, or a body that never comes)
/// held a descriptor for minutes, and ~1,100 of them from one address made the hub answer nobody.
public struct ConnectionLimits: Sendable, Equatable {
    /// From the connection's opening to the end of its first request's headers.
    public var headerTimeout: Duration
    /// Longest pause while a request body is being sent (a body that stops moving is dropped).
    public var bodyTimeout: Duration
    /// Between a response and the next request's headers on a kept-alive connection.
    public var idleTimeout: Duration
    /// Connections one client address may hold open at once; more are closed at once.
    public var perAddress: Int

    public init(headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(60), perAddress: Int = 64) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.perAddress = perAddress
    }
}

/// Open connections per client address, shared by every connection of one server.
final class ConnectionCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [String: Int] = [:]

    /// Counts the connection in, or `false` when the address already holds `limit`.
    func admit(_ address: String, limit: Int) -> Bool {
        lock.withLock {
            let count = open[address, default: 0]
            guard count < limit else { return false }
            open[address] = count + 1
            return true
        }
    }

    func release(_ address: String) {
        lock.withLock {
            let count = open[address, default: 1] - 1
            open[address] = count > 0 ? count : nil
        }
    }
}

/// Sits in each connection's pipeline after HTTP parsing: enforces `ConnectionLimits`, and
/// stamps the protocol and security headers on every response head, including the bare 400
/// the HTTP parser's error path writes before any route (and its middleware) runs.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let counter: ConnectionCounter
    private let logger: Logger
    private var address: String?
    private var timer: Scheduled<Void>?
    private var requestComplete = true
    private var responseComplete = true

    init(limits: ConnectionLimits, counter: ConnectionCounter, logger: Logger) {
        self.limits = limits
        self.counter = counter
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let key = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard counter.admit(key, limit: limits.perAddress) else {
            logger.notice("connection refused: too many open from one address", metadata: ["limit": "\(limits.perAddress)"])
            context.close(promise: nil)
            return
        }
        address = key
        arm(context, limits.headerTimeout, "no request headers in time")
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestComplete = false
            responseComplete = false
            arm(context, limits.bodyTimeout, "request body stalled")
        case .body:
            if !requestComplete { arm(context, limits.bodyTimeout, "request body stalled") }
        case .end:
            requestComplete = true
            if responseComplete { arm(context, limits.idleTimeout, "idle") } else { disarm() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var part = unwrapOutboundIn(data)
        switch part {
        case .head(var response):
            if response.headerFields[HTTPField.Name(WireProtocol.header)!] == nil {
                ProtocolMiddleware.stamp(&response.headerFields)
            }
            part = .head(response)
        case .end:
            responseComplete = true
            // The request may still be arriving (a refusal sent early): its body timer runs on.
            if requestComplete { arm(context, limits.idleTimeout, "idle") }
        case .body:
            break
        }
        context.write(wrapOutboundOut(part), promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ after: Duration, _ reason: String) {
        timer?.cancel()
        let logger = self.logger
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(after)) {
            logger.info("connection closed", metadata: ["reason": "\(reason)"])
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }

    private func finish() {
        disarm()
        if let address {
            counter.release(address)
            self.address = nil
        }
    }
}
