/// When to try again after a failure that may pass (a dropped link, a busy hub). Pure: it
/// returns decisions and is tested by the sequence it returns.
///
/// Exponential backoff with jitter: the n-th wait is drawn between half and all of
/// `base × 2ⁿ`, capped, so that laptops that lost the same Wi-Fi do not all come back at once.
public struct RetryPolicy: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        case retry(afterMilliseconds: Int)
        case giveUp
    }

    public var baseMilliseconds: Int
    public var capMilliseconds: Int
    public var maxAttempts: Int
    public private(set) var failures = 0

    public init(baseMilliseconds: Int = 500, capMilliseconds: Int = 30_000, maxAttempts: Int = 5) {
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = capMilliseconds
        self.maxAttempts = maxAttempts
    }

    /// After a failure: wait and retry, or give up. `jitter` is a number in 0..<1.
    public mutating func failed(jitter: Double) -> Action {
        failures += 1
        guard failures < maxAttempts else { return .giveUp }
        let exponent = min(failures - 1, 30)
        let ceiling = min(capMilliseconds, baseMilliseconds.multipliedReportingOverflow(by: 1 << exponent).overflow ? capMilliseconds : baseMilliseconds << exponent)
        let clamped = min(max(jitter, 0), 0.999_999)
        return .retry(afterMilliseconds: ceiling / 2 + Int(Double(ceiling - ceiling / 2) * clamped))
    }

    /// After a success: the next failure starts from the shortest wait again.
    public mutating func succeeded() {
        failures = 0
    }
}

/// How often the background probe asks whether the hub is there: soon after a change of
/// state, then less and less often while nothing changes, never more than `cap` apart.
public struct ProbeSchedule: Sendable, Hashable {
    public var firstSeconds: Int
    public var capSeconds: Int
    public var reachableSeconds: Int
    public private(set) var misses = 0

    public init(firstSeconds: Int = 5, capSeconds: Int = 120, reachableSeconds: Int = 60) {
        self.firstSeconds = firstSeconds
        self.capSeconds = capSeconds
        self.reachableSeconds = reachableSeconds
    }

    /// Seconds until the next probe, after this one found the hub `reachable` or not.
    public mutating func next(reachable: Bool) -> Int {
        if reachable {
            misses = 0
            return reachableSeconds
        }
        misses += 1
        return min(capSeconds, firstSeconds << min(misses - 1, 16))
    }
}
