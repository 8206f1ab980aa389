import Foundation

/// Counts failures per client address in a sliding window; too many, and the address waits.
actor RateLimiter {
    private let limit: Int
    private let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Seconds the address must wait before trying again, or nil when it may go ahead.
    func retryAfter(_ address: String, now: Date = Date()) -> Int? {
        let recent = prune(address, now: now)
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }

    /// Counts an attempt before it is checked, in one step: nil when it may go ahead (and is now
    /// counted), else the seconds to wait. Checking first and counting after the check, with
    /// awaits between, let 500 concurrent guesses all through; here the eleventh waits.
    func attempt(_ address: String, now: Date = Date()) -> Int? {
        if let wait = retryAfter(address, now: now) { return wait }
        recordFailure(address, now: now)
        return nil
    }

    /// Takes back an attempt counted by `attempt` that turned out not to be a guess (it
    /// succeeded, or its body could not be read at all).
    func refund(_ address: String) {
        guard var recent = failures[address], !recent.isEmpty else { return }
        recent.removeLast()
        failures[address] = recent.isEmpty ? nil : recent
    }

    func recordFailure(_ address: String, now: Date = Date()) {
        var recent = prune(address, now: now)
        recent.append(now)
        failures[address] = recent
        if failures.count > 10_000 { failures = failures.filter { !$0.value.isEmpty } }
    }

    private func prune(_ address: String, now: Date) -> [Date] {
        let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[address] = recent.isEmpty ? nil : recent
        return recent
    }
}
