import Foundation
import SoTayStore
import SoTayWire

/// Watches for the commune hub while `sotay` is open, and syncs as soon as it is reachable,
/// so that the volunteer does not have to remember. Runs on its own task: a probe never
/// blocks typing, and it prints nothing; the home menu reads `snapshot`.
public final class HubProbe: Sendable {
    public struct Snapshot: Sendable {
        /// nil until the first probe, or when the laptop is not enrolled.
        public var reachable: Bool?
        public var lastChecked: Date?
        public var syncing = false
        public var lastReport: SyncReport?
        public var lastError: SyncError?
        public var enrolled = true
        /// When the hub's decisions were last pulled (by a sync or a pull alone).
        public var lastPulledAt: Date?
    }

    /// What a probe that found the hub does next.
    public enum Action: Sendable, Hashable {
        /// Something waits to be sent, or nothing came down for a long while: a full sync.
        case sync
        /// Only the hub's decisions: one cheap `/v1/changes` request.
        case pull
        case nothing
    }

    /// The decision of one probe that reached the hub; no I/O.
    public static func action(pending: Int, lastSyncAt: Date?, lastPulledAt: Date?, now: Date,
                              staleAfter: TimeInterval = 15 * 60, pullEvery: TimeInterval = 120) -> Action {
        let stale = lastSyncAt.map { now.timeIntervalSince($0) > staleAfter } ?? true
        if pending > 0 || stale { return .sync }
        let pulledRecently = lastPulledAt.map { now.timeIntervalSince($0) < pullEvery } ?? false
        return pulledRecently ? .nothing : .pull
    }

    private let store: Store
    private let schedule: ProbeSchedule
    private let state = Locked(Snapshot())
    private let task = Locked<Task<Void, Never>?>(nil)
    private let stopped = Locked(false)

    private let pullEvery: TimeInterval

    /// - Parameter pullEvery: at most this long between two pulls of the hub's decisions while
    ///   it is reachable (the reachable probe interval must not be longer).
    public init(store: Store, schedule: ProbeSchedule = ProbeSchedule(), pullEvery: TimeInterval = 120) {
        self.store = store
        self.schedule = schedule
        self.pullEvery = pullEvery
    }

    public var snapshot: Snapshot { state.value }

    /// Whether its syncs can send dossiers (the store it was given is unlocked).
    public var opensResidentsData: Bool { store.isUnlocked }

    public func start() {
        let store = store
        let state = state
        let stopped = stopped
        let initial = schedule
        let pullEvery = pullEvery
        task.mutate { current in
            guard current == nil else { return }
            current = Task.detached(priority: .utility) {
                var schedule = initial
                while !stopped.value {
                    let seconds = await Self.probeOnce(store: store, state: state, schedule: &schedule, pullEvery: pullEvery)
                    try? await Task.sleep(for: .seconds(seconds))
                }
            }
        }
    }

    /// Stops probing after the current probe. The task is not cancelled: cancelling a
    /// URLSession request in flight can deadlock FoundationNetworking on Linux (the cancel
    /// handler waits on the session's queue while that queue resumes the task). A sync cut
    /// short by the process exiting is safe: the outbox keeps what the hub did not confirm.
    public func stop() {
        stopped.mutate { $0 = true }
        task.mutate { $0 = nil }
    }

    /// One probe: is the hub there? If so and something waits (or nothing came down for a
    /// while), sync. Returns the seconds until the next probe.
    private static func probeOnce(store: Store, state: Locked<Snapshot>, schedule: inout ProbeSchedule, pullEvery: TimeInterval) async -> Int {
        guard let engine = try? SyncEngine.enrolled(store: store) else {
            state.mutate { $0.enrolled = false; $0.reachable = nil }
            return 60
        }
        let probe = HubClient(address: engine.client.address, token: nil, timeout: 5)
        let reachable: Bool
        do {
            _ = try await probe.health()
            reachable = true
        } catch {
            reachable = false
            state.mutate { $0.lastError = error }
        }
        state.mutate {
            $0.enrolled = true
            $0.reachable = reachable
            $0.lastChecked = Date()
        }
        guard reachable else { return schedule.next(reachable: false) }
        let summary = try? store.syncSummary(announcements: 0)
        let action = Self.action(pending: summary?.pending ?? 0, lastSyncAt: summary?.link?.lastSyncAt,
                                 lastPulledAt: state.value.lastPulledAt, now: Date(), pullEvery: pullEvery)
        guard action != .nothing else { return min(schedule.next(reachable: true), Int(pullEvery.rounded(.up))) }
        // A `sotay sync` in another window (or a timer's) holds the folder: let it finish.
        guard let lock = try? SyncLock.acquire(folder: store.directory) else { return schedule.next(reachable: true) }
        defer { withExtendedLifetime(lock) {} }
        state.mutate { $0.syncing = true }
        do {
            let report = action == .sync ? try await engine.run() : try await engine.pull()
            state.mutate { $0.lastReport = report; $0.lastError = nil; $0.syncing = false; $0.lastPulledAt = Date() }
        } catch {
            state.mutate { $0.lastError = error; $0.syncing = false }
            return schedule.next(reachable: false)
        }
        // Never longer than the pull interval, so decisions arrive within it.
        return min(schedule.next(reachable: true), max(1, Int(pullEvery.rounded(.up))))
    }
}

/// A value behind a lock, shared between the probe's task and the terminal's thread.
final class Locked<Value>: @unchecked Sendable {
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
