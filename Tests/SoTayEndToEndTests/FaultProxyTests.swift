import Foundation
import NIOCore
import NIOPosix
import SoTayTestSupport
import Testing

@Suite("Fault proxy: a bad link between a client and a server, on loopback")
struct FaultProxyTests {
    @Test("With no faults, bytes cross unchanged in both directions")
    func passesBytesUnchanged() async throws {
        let greeting = payload(50_000, seed: 2)
        try await withLink(greeting: greeting) { link in
            let client = try await link.connect()
            let sent = payload(200_000, seed: 1)
            try await client.send(sent)

            let arrived = await eventually { link.sink.connections.first?.bytes.count == sent.count }
            #expect(arrived, "the server got \(link.sink.connections.first?.bytes.count ?? 0) of \(sent.count) bytes")
            let sentIntact = link.sink.connections.first?.bytes == sent
            #expect(sentIntact, "the server got different bytes from those sent")
            let greeted = await eventually { client.log.bytes.count == greeting.count }
            #expect(greeted, "the client got \(client.log.bytes.count) of \(greeting.count) bytes")
            let greetingIntact = client.log.bytes == greeting
            #expect(greetingIntact, "the client got different bytes from those the server sent")
            #expect(link.proxy.stats == FaultProxy.Stats(upstreamBytes: sent.count, downstreamBytes: greeting.count, connections: 1, cuts: 0))
        }
    }

    @Test("A cut after 1000 bytes delivers exactly those bytes, then closes both ends")
    func cutsAfterUpstreamBytes() async throws {
        try await withLink(faults: .init(cutAfterUpstreamBytes: 1000)) { link in
            let client = try await link.connect()
            let sent = payload(5000, seed: 3)
            try await client.send(sent)

            let clientClosed = await eventually { client.log.closed }
            #expect(clientClosed, "the client's connection stayed open")
            let serverClosed = await eventually { link.sink.connections.first?.closed == true }
            #expect(serverClosed, "the server's connection stayed open")
            let received = link.sink.connections.first?.bytes ?? []
            #expect(received.count == 1000)
            let intact = received == Array(sent.prefix(1000))
            #expect(intact, "the server got different bytes from the first 1000 sent")
            #expect(link.proxy.stats.cuts == 1)
            #expect(link.proxy.stats.upstreamBytes >= 1000)
        }
    }

    @Test("A 200 kB/s cap makes 100 kB take at least 0.4 s to arrive")
    func capsBandwidth() async throws {
        try await withLink(faults: .init(bytesPerSecond: 200_000)) { link in
            let client = try await link.connect()
            let sent = payload(100_000, seed: 4)
            let clock = ContinuousClock()
            let start = clock.now
            try await client.send(sent)

            let arrived = await eventually { link.sink.connections.first?.bytes.count == sent.count }
            let elapsed = start.duration(to: clock.now)
            #expect(arrived, "the server got \(link.sink.connections.first?.bytes.count ?? 0) of \(sent.count) bytes")
            #expect(elapsed >= .milliseconds(400), "100 kB arrived in \(elapsed)")
        }
    }

    @Test("A stalled link holds data without closing, and delivers all of it on resume")
    func stallsAndResumes() async throws {
        try await withLink { link in
            link.proxy.stall()
            let client = try await link.connect()
            let sent = payload(10_000, seed: 5)
            try await client.send(sent)

            try await Task.sleep(for: .milliseconds(300))
            let held = link.sink.connections.allSatisfy { $0.bytes.isEmpty }
            #expect(held, "bytes crossed a stalled link")
            #expect(!client.log.closed)
            link.proxy.resume()
            let arrived = await eventually { link.sink.connections.first?.bytes.count == sent.count }
            #expect(arrived, "the server got \(link.sink.connections.first?.bytes.count ?? 0) of \(sent.count) bytes")
            let intact = link.sink.connections.first?.bytes == sent
            #expect(intact, "the server got different bytes from those sent")
            #expect(!client.log.closed)
        }
    }

    @Test("With resets on, a new connection is closed and nothing reaches the server")
    func resetsNewConnections() async throws {
        try await withLink { link in
            link.proxy.resetNewConnections(true)
            // The reset can beat NIO's own connect to the punch, failing the connect itself.
            if let client = try? await link.connect() {
                try? await client.send(payload(1000, seed: 6))
                let closed = await eventually { client.log.closed }
                #expect(closed, "the client's connection stayed open")
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(link.sink.connections.isEmpty)
            #expect(link.proxy.stats.connections == 1)
        }
    }

    @Test("When the server is down, the client's connection is closed")
    func closesWhenServerIsDown() async throws {
        try await withLink { link in
            await link.sink.close()
            let client = try await link.connect()

            let closed = await eventually { client.log.closed }
            #expect(closed, "the client's connection stayed open")
            #expect(link.proxy.stats.connections == 1)
        }
    }
}

// MARK: - A server, a proxy in front of it, and clients

/// Runs `body` with a sink behind a fresh proxy, closing everything even when the test fails.
private func withLink(faults: FaultProxy.Faults = .init(), greeting: [UInt8] = [], _ body: (Link) async throws -> Void) async throws {
    let sink = try await ByteSink(greeting: greeting)
    let proxy: FaultProxy
    do {
        proxy = try FaultProxy(targetPort: sink.port, faults: faults)
    } catch {
        await sink.close()
        throw error
    }
    let link = Link(sink: sink, proxy: proxy)
    do {
        try await body(link)
    } catch {
        await link.close()
        throw error
    }
    await link.close()
}

/// A sink behind a proxy, and the clients a test opened through it.
private final class Link: Sendable {
    let sink: ByteSink
    let proxy: FaultProxy
    private let clients = Locked<[TestClient]>([])

    init(sink: ByteSink, proxy: FaultProxy) {
        self.sink = sink
        self.proxy = proxy
    }

    func connect() async throws -> TestClient {
        let client = try await TestClient.connect(port: proxy.port)
        clients.mutate { $0.append(client) }
        return client
    }

    func close() async {
        for client in clients.value { await client.close() }
        try? await proxy.shutdown()
        await sink.close()
    }
}

/// What one end of a test connection saw.
private struct PeerLog: Sendable {
    var bytes: [UInt8] = []
    var closed = false
}

/// A TCP server standing in for the hub: keeps what each connection sent, and greets each one.
private final class ByteSink: Sendable {
    private struct Accepted: Sendable {
        let log: Locked<PeerLog>
        let channel: any Channel
    }

    let port: Int
    private let listener: any Channel
    private let accepted: Locked<[Accepted]>

    init(greeting: [UInt8] = []) async throws {
        let accepted = Locked<[Accepted]>([])
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let log = Locked(PeerLog())
                    try channel.pipeline.syncOperations.addHandler(Recorder(log: log, greeting: greeting))
                    accepted.mutate { $0.append(Accepted(log: log, channel: channel)) }
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = listener.localAddress?.port else {
            try? await listener.close()
            throw ChannelError.unknownLocalAddress
        }
        self.listener = listener
        self.accepted = accepted
        self.port = port
    }

    /// Each accepted connection, in the order accepted.
    var connections: [PeerLog] { accepted.value.map(\.log.value) }

    func close() async {
        try? await listener.close()
        for connection in accepted.value { try? await connection.channel.close() }
    }
}

/// A client connected to the proxy, as the sync client would be.
private final class TestClient: Sendable {
    private let channel: any Channel
    private let record: Locked<PeerLog>

    private init(channel: any Channel, record: Locked<PeerLog>) {
        self.channel = channel
        self.record = record
    }

    static func connect(port: Int) async throws -> TestClient {
        let record = Locked(PeerLog())
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Recorder(log: record))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return TestClient(channel: channel, record: record)
    }

    var log: PeerLog { record.value }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    func close() async {
        try? await channel.close()
    }
}

/// Writes `greeting` when the connection opens, then records what arrives and when it closes.
private final class Recorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let log: Locked<PeerLog>
    private let greeting: [UInt8]

    init(log: Locked<PeerLog>, greeting: [UInt8] = []) {
        self.log = log
        self.greeting = greeting
    }

    func channelActive(context: ChannelHandlerContext) {
        if !greeting.isEmpty { context.channel.writeAndFlush(ByteBuffer(bytes: greeting), promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        log.mutate { $0.bytes += buffer.readableBytesView }
    }

    func channelInactive(context: ChannelHandlerContext) {
        log.mutate { $0.closed = true }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A value behind a lock, shared by the test and the event loops.
private final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) {
        stored = value
    }

    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func mutate(_ change: (inout Value) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&stored)
    }
}

/// Bytes that differ from run to run of the generator but not between runs of the test.
private func payload(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &random) }
}

/// Polls `condition` until it holds or `limit` passes: the network work happens on other threads.
private func eventually(within limit: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while !condition() {
        guard clock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return true
}
