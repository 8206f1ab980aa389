import Foundation

/// The limits an activity log entry must keep, in one place for `sotay log`, the home menu and
/// the end of a guided walk: a typo (2000 households in a morning) is refused the same way
/// wherever it is typed.
public enum ActivityRules {
    /// Households one `log visit --count` may record.
    public static let households = 1...200
    /// People at one training session.
    public static let trainingParticipants = 1...10_000
    /// People reached by one communication or warned at once.
    public static let peopleReached = 1...100_000
    /// The resident's satisfaction score.
    public static let satisfaction = 1...5
    /// How far past "now" a logged time may be (clocks differ a little); later is the future.
    public static let futureTolerance: TimeInterval = 10 * 60

    /// Whether `instant` is work already done, seen at `now`.
    public static func isPast(_ instant: Date, now: Date) -> Bool {
        instant <= now.addingTimeInterval(futureTolerance)
    }
}
