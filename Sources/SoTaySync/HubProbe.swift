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
    }

    private let store: Store
    private let schedule: ProbeSchedule
    private let state = Locked(Snapshot())
    private let task = Locked<Task<Void, Never>?>(nil)
    private let stopped = Locked(false)

    public init(store: Store, schedule: ProbeSchedule = ProbeSchedule()) {
        self.store = store
        self.schedule = schedule
    }

    public var snapshot: Snapshot { state.value }

    public func start() {
        let store = store
        let state = state
        let stopped = stopped
        let initial = schedule
        task.mutate { current in
            guard current == nil else { return }
            current = Task.detached(priority: .utility) {
                var schedule = initial
                while !stopped.value {
                    let seconds = await Self.probeOnce(store: store, state: state, schedule: &schedule)
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
    private static func probeOnce(store: Store, state: Locked<Snapshot>, schedule: inout ProbeSchedule) async -> Int {
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
        let stale = summary?.link?.lastSyncAt.map { Date().timeIntervalSince($0) > 15 * 60 } ?? true
        if (summary?.pending ?? 0) > 0 || stale {
            // A `sotay sync` in another window (or a timer's) holds the folder: let it finish.
            guard let lock = try? SyncLock.acquire(folder: store.directory) else { return schedule.next(reachable: true) }
            defer { withExtendedLifetime(lock) {} }
            state.mutate { $0.syncing = true }
            do {
                let report = try await engine.run()
                state.mutate { $0.lastReport = report; $0.lastError = nil; $0.syncing = false }
            } catch {
                state.mutate { $0.lastError = error; $0.syncing = false }
                return schedule.next(reachable: false)
            }
        }
        return schedule.next(reachable: true)
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
