/// How many bytes the next PATCH carries. Pure: decisions only, tested by their sequence.
///
/// A village link is unknown until it is used. Start small, so that a weak link still
/// finishes a chunk; double after each chunk that went through, so a good link is not wasted
/// on round trips; halve after a failure. Never grow beyond about `targetSeconds` of what the
/// link was measured to carry, so one chunk does not hold the line for minutes. With the hub
/// keeping the bytes of a cut PATCH, the size decides how long a request runs, not what a cut costs.
public struct AdaptiveChunk: Sendable, Hashable {
    public static let minimum = 16 << 10
    public static let start = 64 << 10
    public static let maximum = 4 << 20

    public private(set) var size: Int
    /// Bytes per second, smoothed over the chunks so far; `nil` before the first.
    public private(set) var rate: Double?
    public var targetSeconds: Double

    public init(size: Int = AdaptiveChunk.start, targetSeconds: Double = 8) {
        self.size = min(max(size, Self.minimum), Self.maximum)
        self.targetSeconds = targetSeconds
    }

    /// A chunk of `bytes` went through in `seconds`.
    public mutating func succeeded(bytes: Int, seconds: Double) {
        if bytes > 0 && seconds > 0 {
            let measured = Double(bytes) / seconds
            rate = rate.map { 0.7 * $0 + 0.3 * measured } ?? measured
        }
        var next = size * 2
        if let rate { next = min(next, max(Self.minimum, Int(rate * targetSeconds))) }
        size = min(max(next, Self.minimum), Self.maximum)
    }

    /// A chunk failed (the connection dropped, the hub did not answer).
    public mutating func failed() {
        size = max(Self.minimum, size / 2)
    }
}
