import Foundation
import NIOCore
import NIOPosix

/// A TCP proxy on loopback that puts a bad rural link between a client and the hub: capped
/// bandwidth, latency, connections cut part-way, stalls and resets. Tests use it to show that the
/// sync client survives the links volunteers really have, without a real bad network.
public final class FaultProxy: Sendable {
    /// What the link does to the bytes crossing it. The default is a perfect link.
    public struct Faults: Sendable, Equatable {
        /// Bytes per second in each direction, shared by all connections going that way.
        public var bytesPerSecond: Int?
        /// One-way delay added to every buffer, in both directions.
        public var latency: Duration
        /// Cuts a connection once this many client-to-server bytes went through it.
        public var cutAfterUpstreamBytes: Int?
        /// Like `cutAfterUpstreamBytes`, with each connection drawing its own limit from the seeded generator.
        public var cutRandomly: ClosedRange<Int>?
        /// Cuts with a TCP reset, as a dropped mobile link often looks, instead of a FIN.
        public var resetOnCut: Bool
        /// The link itself drops after every this many client-to-server bytes, whichever
        /// connections carried them: every connection open then is cut. A client that opens a
        /// new connection per request meets the cuts as often as one that keeps a connection.
        public var cutLinkEveryUpstreamBytes: Int?
        /// A new connection carries its first bytes only after a TCP handshake would have
        /// finished (one round trip), as on a real link; the proxy itself accepts at once.
        public var handshakeRoundTrip: Bool

        public init(
            bytesPerSecond: Int? = nil, latency: Duration = .zero, cutAfterUpstreamBytes: Int? = nil,
            cutRandomly: ClosedRange<Int>? = nil, resetOnCut: Bool = false, cutLinkEveryUpstreamBytes: Int? = nil,
            handshakeRoundTrip: Bool = false
        ) {
            self.bytesPerSecond = bytesPerSecond
            self.latency = latency
            self.cutAfterUpstreamBytes = cutAfterUpstreamBytes
            self.cutRandomly = cutRandomly
            self.resetOnCut = resetOnCut
            self.cutLinkEveryUpstreamBytes = cutLinkEveryUpstreamBytes
            self.handshakeRoundTrip = handshakeRoundTrip
        }
    }

    /// What crossed the proxy so far.
    public struct Stats: Sendable, Equatable {
        /// Bytes read from clients: what they pushed onto the link, including bytes a cut then lost.
        public var upstreamBytes = 0
        /// Bytes read from the server.
        public var downstreamBytes = 0
        /// Connections accepted, reset ones included.
        public var connections = 0
        /// Connections cut by a fault or by `cutAll`.
        public var cuts = 0

        public init(upstreamBytes: Int = 0, downstreamBytes: Int = 0, connections: Int = 0, cuts: Int = 0) {
            self.upstreamBytes = upstreamBytes
            self.downstreamBytes = downstreamBytes
            self.connections = connections
            self.cuts = cuts
        }
    }

    /// Slices small enough that a capped link delivers steadily rather than in bursts.
    static let sliceSize = 16 * 1024
    /// How much may wait for one direction before the proxy stops reading it, so memory stays
    /// bounded however slow the link is set.
    static let highWater = 64 * 1024

    /// The loopback port clients connect to.
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let listener: any Channel
    private let state: ProxyState

    /// Starts listening on 127.0.0.1 on a port the system picks, forwarding to the target.
    public init(targetHost: String = "127.0.0.1", targetPort: Int, faults: Faults = Faults(), seed: UInt64 = 1) throws {
        let state = ProxyState(faults: faults, seed: seed)
        let target = Target(host: targetHost, port: targetPort)
        // One thread: every connection shares a loop, so per-connection state needs no lock.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listener: any Channel
        do {
            listener = try ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.autoRead, value: false)
                .childChannelOption(.maxMessagesPerRead, value: 1)
                .childChannelInitializer { client in
                    client.eventLoop.makeCompletedFuture {
                        try ProxyConnection.accept(client, state: state, target: target)
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        guard let port = listener.localAddress?.port else {
            try? group.syncShutdownGracefully()
            throw ChannelError.unknownLocalAddress
        }
        self.port = port
        self.group = group
        self.listener = listener
        self.state = state
    }

    deinit {
        guard state.markShutDown() != nil else { return }
        listener.close(promise: nil)
        group.shutdownGracefully { _ in }
    }

    public var faults: Faults { state.withState { $0.faults } }
    public var stats: Stats { state.withState { $0.stats } }

    /// Applies to data read from now on, on open connections too.
    public func setFaults(_ faults: Faults) {
        state.withState { $0.faults = faults }
    }

    /// Stops forwarding and reading on every connection, new ones included, without closing any:
    /// the link is up but nothing moves, as when a mobile cell is congested.
    public func stall() {
        state.withState { $0.stalled = true }
    }

    /// Releases what a stall held and forwards again.
    public func resume() {
        state.withState { $0.stalled = false }
        forEachConnection { $0.resume() }
    }

    /// While on, answers every new connection with an immediate reset and never connects upstream.
    public func resetNewConnections(_ on: Bool) {
        state.withState { $0.resetNewConnections = on }
    }

    /// Closes every open connection now, with a FIN or a reset.
    public func cutAll(reset: Bool = false) {
        forEachConnection { $0.close(reset: reset, isCut: true) }
    }

    /// Stops listening, closes every connection, then stops the proxy's thread.
    public func shutdown() async throws {
        guard let connections = state.markShutDown() else { return }
        try? await listener.close()
        for bound in connections {
            bound.eventLoop.execute { bound.value.close(reset: false, isCut: false) }
        }
        try await group.shutdownGracefully()
    }

    /// `shutdown()` for a `defer` in synchronous code: blocks until the proxy's thread stopped.
    public func syncShutdown() throws {
        guard let connections = state.markShutDown() else { return }
        try? listener.close().wait()
        for bound in connections {
            bound.eventLoop.execute { bound.value.close(reset: false, isCut: false) }
        }
        try group.syncShutdownGracefully()
    }

    private func forEachConnection(_ body: @escaping @Sendable (ProxyConnection) -> Void) {
        let connections = state.withState { $0.isShutDown ? [] : Array($0.connections.values) }
        for bound in connections {
            bound.eventLoop.execute { body(bound.value) }
        }
    }
}

/// Where the proxy forwards to.
struct Target: Sendable {
    let host: String
    let port: Int
}

/// The two ends of a proxied connection; data is named by the side it was read from.
enum Side: Hashable {
    case client, server

    var peer: Side { self == .client ? .server : .client }
}

/// Settings, counters and the shared pacers, used by the caller's thread and the event loop.
final class ProxyState: @unchecked Sendable {
    struct State {
        var faults: FaultProxy.Faults
        var random: SplitMix64
        var stats = FaultProxy.Stats()
        var stalled = false
        var resetNewConnections = false
        var isShutDown = false
        var nextID = 0
        var connections: [Int: NIOLoopBound<ProxyConnection>] = [:]
        /// When each direction's link is free again: one pacer per direction, shared by all connections.
        var linkFree: [Side: NIODeadline] = [:]
        /// Client-to-server bytes the link carried since it last dropped.
        var sinceLinkCut = 0

        mutating func count(_ bytes: Int, from side: Side) {
            if side == .client { stats.upstreamBytes += bytes } else { stats.downstreamBytes += bytes }
        }

        /// When `bytes` read now from `side` reach its peer: after the link has carried what came
        /// before and these bytes too, then the latency.
        mutating func deliveryTime(of bytes: Int, from side: Side, now: NIODeadline) -> NIODeadline {
            let latency = TimeAmount(faults.latency)
            guard let rate = faults.bytesPerSecond, rate > 0 else { return now + latency }
            let start = max(now, linkFree[side] ?? now)
            let sent = start + .nanoseconds(Int64(bytes) * 1_000_000_000 / Int64(rate))
            linkFree[side] = sent
            return sent + latency
        }

        /// The upstream bytes after which this connection is cut, drawing its random limit the first time.
        mutating func cutLimit(drawn: inout Int?) -> Int? {
            if let range = faults.cutRandomly, drawn == nil { drawn = Int.random(in: range, using: &random) }
            let randomLimit = faults.cutRandomly == nil ? nil : drawn
            return [faults.cutAfterUpstreamBytes, randomLimit].compactMap { $0 }.min()
        }
    }

    private let lock = NSLock()
    private var state: State

    init(faults: FaultProxy.Faults, seed: UInt64) {
        state = State(faults: faults, random: SplitMix64(seed: seed))
    }

    @discardableResult
    func withState<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// The open connections the first time it is called, nil after: shutdown runs once.
    func markShutDown() -> [NIOLoopBound<ProxyConnection>]? {
        withState { state in
            guard !state.isShutDown else { return nil }
            state.isShutDown = true
            return Array(state.connections.values)
        }
    }
}

/// Bytes read from one side, waiting in order for their time on the link.
final class Lane {
    struct Slot {
        enum Item {
            case bytes(ByteBuffer)
            /// Close both ends once everything before has been written.
            case close(reset: Bool, isCut: Bool)
        }

        var item: Item
        /// Set when the slot enters the link, which a stall or a missing upstream postpones.
        var due: NIODeadline?

        var size: Int {
            switch item {
            case .bytes(let buffer): buffer.readableBytes
            case .close: 0
            }
        }
    }

    var slots = CircularBuffer<Slot>()
    var queuedBytes = 0
    var timer: Scheduled<Void>?
    var lastWrite: EventLoopFuture<Void>?

    func append(_ buffer: ByteBuffer) {
        var rest = buffer
        while rest.readableBytes > 0, let slice = rest.readSlice(length: min(FaultProxy.sliceSize, rest.readableBytes)) {
            slots.append(Slot(item: .bytes(slice)))
            queuedBytes += slice.readableBytes
        }
    }

    func discard() {
        slots.removeAll()
        queuedBytes = 0
        timer?.cancel()
        timer = nil
    }
}

/// One client connection and its upstream, confined to their shared event loop.
final class ProxyConnection {
    private let id: Int
    private let state: ProxyState
    private let client: any Channel
    private var server: (any Channel)?
    private let fromClient = Lane()
    private let fromServer = Lane()
    private var clientGone = false
    private var serverGone = false
    private var isClosed = false
    private var cutting = false
    private var forwardedUpstream = 0
    private var randomLimit: Int?
    private let openedAt = NIODeadline.now()

    private init(id: Int, state: ProxyState, client: any Channel) {
        self.id = id
        self.state = state
        self.client = client
    }

    /// Sets up a newly accepted client channel; runs on its event loop.
    static func accept(_ client: any Channel, state: ProxyState, target: Target) throws {
        let (id, reset) = state.withState { state in
            state.stats.connections += 1
            state.nextID += 1
            return (state.nextID, state.resetNewConnections)
        }
        guard !reset else {
            try client.pipeline.syncOperations.addHandler(ResetOnActive())
            return
        }
        let connection = ProxyConnection(id: id, state: state, client: client)
        try client.pipeline.syncOperations.addHandler(Relay(connection, side: .client))
        state.withState { $0.connections[id] = NIOLoopBound(connection, eventLoop: client.eventLoop) }
        connection.connect(to: target)
    }

    /// Connects upstream on the client's own loop; if that fails the client is closed, which is
    /// how a client behind the proxy sees the hub down.
    private func connect(to target: Target) {
        let bound = NIOLoopBound(self, eventLoop: client.eventLoop)
        ClientBootstrap(group: client.eventLoop)
            .channelOption(.autoRead, value: false)
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Relay(bound.value, side: .server))
                }
            }
            .connect(host: target.host, port: target.port)
            .assumeIsolated()
            .whenFailure { [self] _ in
                serverGone = true
                close(reset: false, isCut: false)
                unregisterIfDone()
            }
    }

    private func channel(_ side: Side) -> (any Channel)? { side == .client ? client : server }
    private func lane(from side: Side) -> Lane { side == .client ? fromClient : fromServer }

    func active(_ side: Side, channel: any Channel) {
        if side == .server {
            guard !isClosed else { return channel.close(promise: nil) }
            server = channel
            pump(from: .client)
        }
        readMore(from: side)
    }

    func received(_ buffer: ByteBuffer, from side: Side) {
        let (limit, linkRemaining, reset) = state.withState { state -> (Int?, Int?, Bool) in
            state.count(buffer.readableBytes, from: side)
            guard side == .client else { return (nil, nil, false) }
            return (state.cutLimit(drawn: &randomLimit), state.faults.cutLinkEveryUpstreamBytes.map { $0 - state.sinceLinkCut },
                    state.faults.resetOnCut)
        }
        guard !isClosed, !(side == .client && cutting) else { return }
        var forwarded = buffer
        // The bytes this connection may still carry before a cut: its own limit, or the link's.
        let allowed = [limit.map { $0 - forwardedUpstream }, linkRemaining].compactMap { $0 }.min()
        var linkDrops = false
        if let allowed, buffer.readableBytes >= allowed {
            // Only the bytes up to the limit cross; the rest is lost with the link.
            forwarded = buffer.getSlice(at: buffer.readerIndex, length: max(0, allowed)) ?? ByteBuffer()
            cutting = true
            linkDrops = allowed == linkRemaining
        }
        let lane = self.lane(from: side)
        lane.append(forwarded)
        if side == .client {
            forwardedUpstream += forwarded.readableBytes
            let carried = forwarded.readableBytes
            state.withState { $0.sinceLinkCut = linkDrops ? 0 : $0.sinceLinkCut + carried }
        }
        if side == .client, cutting { lane.slots.append(Lane.Slot(item: .close(reset: reset, isCut: true))) }
        if linkDrops {
            // The link went down: every other open connection loses it at the same moment.
            let others = state.withState { state in state.connections.filter { $0.key != id }.map(\.value) }
            for other in others { other.value.cutByLink(reset: reset) }
        }
        pump(from: side)
    }

    /// The link dropped under this connection: what it already read still crosses, then it is cut.
    func cutByLink(reset: Bool) {
        guard !isClosed, !cutting else { return }
        cutting = true
        fromClient.slots.append(Lane.Slot(item: .close(reset: reset, isCut: true)))
        pump(from: .client)
    }

    func writable(_ side: Side) {
        pump(from: side.peer)
    }

    /// A side closed: what it sent still crosses on schedule, then the other side is closed too.
    /// What was on its way to it is dropped, as it has nowhere to go.
    func inactive(_ side: Side) {
        if side == .client { clientGone = true } else { serverGone = true }
        if !isClosed {
            lane(from: side.peer).discard()
            lane(from: side).slots.append(Lane.Slot(item: .close(reset: false, isCut: false)))
            pump(from: side)
        }
        unregisterIfDone()
    }

    func resume() {
        pump(from: .client)
        pump(from: .server)
    }

    /// Closes both ends, once `flushed` (the last write) completed if given.
    func close(reset: Bool, isCut: Bool, after flushed: EventLoopFuture<Void>? = nil) {
        guard !isClosed else { return }
        isClosed = true
        fromClient.discard()
        fromServer.discard()
        if isCut { state.withState { $0.stats.cuts += 1 } }
        let channels = [client, server].compactMap { $0 }
        let closeAll = { for channel in channels { Self.close(channel, reset: reset) } }
        if let flushed { flushed.assumeIsolated().whenComplete { _ in closeAll() } } else { closeAll() }
    }

    /// SO_LINGER 0 makes the kernel answer close() with a reset instead of a FIN.
    static func close(_ channel: any Channel, reset: Bool) {
        if reset, let socket = channel as? any SocketOptionProvider {
            _ = socket.setSoLinger(NIOLinger(l_onoff: 1, l_linger: 0))
        }
        channel.close(promise: nil)
    }

    /// Writes what is due from `side` to its peer, and sets a timer for the next slot.
    private func pump(from side: Side) {
        defer { readMore(from: side) }
        let lane = self.lane(from: side)
        guard !isClosed, let peer = channel(side.peer) else { return }
        let now = NIODeadline.now()
        let running = state.withState { state in
            guard !state.stalled else { return false }
            // Nothing reaches the server before the handshake would have: a round trip, then the way there.
            let opened = side == .client && state.faults.handshakeRoundTrip ? openedAt + TimeAmount(state.faults.latency) * 3 : nil
            for index in lane.slots.indices where lane.slots[index].due == nil {
                let due = state.deliveryTime(of: lane.slots[index].size, from: side, now: now)
                lane.slots[index].due = opened.map { max(due, $0) } ?? due
            }
            return true
        }
        guard running else { return }
        while !isClosed, let slot = lane.slots.first, let due = slot.due {
            guard due <= now else { return wake(lane, at: due, side: side) }
            switch slot.item {
            case .bytes(let buffer):
                // A peer that does not read must not make the proxy buffer without limit.
                guard peer.isWritable else { return }
                lane.slots.removeFirst()
                lane.queuedBytes -= buffer.readableBytes
                lane.lastWrite = peer.writeAndFlush(buffer)
            case .close(let reset, let isCut):
                lane.slots.removeFirst()
                return close(reset: reset, isCut: isCut, after: lane.lastWrite)
            }
        }
    }

    private func wake(_ lane: Lane, at due: NIODeadline, side: Side) {
        guard lane.timer == nil else { return }
        lane.timer = client.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            lane.timer = nil
            pump(from: side)
        }
    }

    /// Reads more from `side` unless stalled, cut, or too much already waits for its peer.
    func readMore(from side: Side) {
        guard !isClosed, !(side == .client && cutting), lane(from: side).queuedBytes < FaultProxy.highWater,
              let source = channel(side), !state.withState({ $0.stalled })
        else { return }
        source.read()
    }

    private func unregisterIfDone() {
        guard clientGone, serverGone else { return }
        state.withState { $0.connections[id] = nil }
    }
}

/// Passes one channel's events to its connection.
final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let connection: ProxyConnection
    private let side: Side

    init(_ connection: ProxyConnection, side: Side) {
        self.connection = connection
        self.side = side
    }

    func channelActive(context: ChannelHandlerContext) { connection.active(side, channel: context.channel) }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { connection.received(unwrapInboundIn(data), from: side) }
    func channelReadComplete(context: ChannelHandlerContext) { connection.readMore(from: side) }
    func channelWritabilityChanged(context: ChannelHandlerContext) { connection.writable(side) }
    func channelInactive(context: ChannelHandlerContext) { connection.inactive(side) }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}

/// Answers a connection with a reset as soon as it is accepted, as a refusing host would.
final class ResetOnActive: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        ProxyConnection.close(context.channel, reset: true)
    }
}

/// SplitMix64: tiny, seedable and the same on every platform, so a failing run can be replayed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
