import Foundation
import SoTayStore

/// `sotay sync --wait`: waits for the hub (probing with backoff), then syncs; gives up at the
/// deadline. For scripts and the systemd timer.
public enum HubWait {
    public static func syncWhenReachable(store: Store, address: HubAddress?, timeout: Duration, schedule: ProbeSchedule,
                                         waiting: @Sendable (Int) -> Void = { _ in },
                                         progress: @escaping @Sendable (SyncEvent) -> Void) async throws(SyncError) -> SyncReport {
        let deadline = ContinuousClock.now + timeout
        var schedule = schedule
        var lastError: SyncError = .unreachable(host: "")
        while true {
            let engine = try SyncEngine.enrolled(store: store, address: address)
            do {
                _ = try await HubClient(address: engine.client.address, token: nil, timeout: 5).health()
                return try await engine.run(progress: progress)
            } catch {
                guard error.isTransient else { throw error }
                lastError = error
            }
            let seconds = schedule.next(reachable: false)
            let now = ContinuousClock.now
            guard now < deadline else { throw lastError }
            let wait = min(Duration.seconds(seconds), deadline - now)
            waiting(Int(wait.components.seconds))
            try? await Task.sleep(for: wait)
            if ContinuousClock.now >= deadline {
                // One last try at the deadline, so a hub that just came up is not missed.
                let engine = try SyncEngine.enrolled(store: store, address: address)
                return try await engine.run(progress: progress)
            }
        }
    }
}
