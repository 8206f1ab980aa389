import Foundation

/// Counts failed attempts (wrong enrolment codes, unknown tokens) per client address; too many
/// in the window, and the address waits. In process memory for one hub (`RateLimiter`), in the
/// database when several `serve` processes share one (`PostgresFailureLimiter`): a guesser
/// spreading attempts over the processes behind a load balancer gets no more tries.
public protocol FailureLimiting: Sendable {
    /// Seconds the address must wait before trying again, or nil when it may go ahead.
    func waitBeforeTrying(_ address: String) async throws -> Int?
    /// Counts an attempt before it is checked, in one step: nil when it may go ahead (and is now
    /// counted), else the seconds to wait.
    func countAttempt(_ address: String) async throws -> Int?
    /// Takes back an attempt counted by `countAttempt` that turned out not to be a guess.
    func takeBackAttempt(_ address: String) async throws
    func countFailure(_ address: String) async throws
}

extension RateLimiter: FailureLimiting {
    func waitBeforeTrying(_ address: String) -> Int? { retryAfter(address, now: Date()) }
    func countAttempt(_ address: String) -> Int? { attempt(address, now: Date()) }
    func takeBackAttempt(_ address: String) { refund(address) }
    func countFailure(_ address: String) { recordFailure(address, now: Date()) }
}
