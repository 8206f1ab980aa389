import Foundation

/// A calendar month in Vietnam's time (UTC+7, no daylight saving), whatever the machine's zone:
/// an activity at 23:30 on the 31st in Hà Nội belongs to that month even on a laptop set to UTC.
public struct ReportMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// Vietnam's offset from UTC. Fixed: Vietnam has kept UTC+7 without daylight saving since 1975.
    public static let offset = 7 * 3600

    public init?(year: Int, month: Int) {
        guard (2000...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Reads `YYYY-MM` exactly (also `MM/YYYY`, the way Vietnamese reports write it).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts: [Substring]
        let yearFirst: Bool
        if trimmed.contains("-") {
            parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
            yearFirst = true
        } else {
            parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
            yearFirst = false
        }
        guard parts.count == 2 else { return nil }
        let (yearText, monthText) = yearFirst ? (parts[0], parts[1]) : (parts[1], parts[0])
        guard yearText.count == 4, (1...2).contains(monthText.count),
              yearText.allSatisfy(\.isASCII), monthText.allSatisfy(\.isASCII),
              let year = Int(yearText), let month = Int(monthText)
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The month an instant falls in, in Vietnam.
    public init(containing instant: Date) {
        let days = Int(((instant.timeIntervalSince1970 + Double(Self.offset)) / 86_400).rounded(.down))
        let civil = Self.civil(fromDays: days)
        year = civil.year
        month = civil.month
    }

    /// The first instant of the month and the first instant of the next, in Vietnam.
    public var interval: (start: Date, end: Date) {
        (Self.start(year: year, month: month), Self.start(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1))
    }

    public func contains(_ instant: Date) -> Bool {
        let (start, end) = interval
        return instant >= start && instant < end
    }

    /// `2026-11`.
    public var description: String {
        "\(year)-" + (month < 10 ? "0\(month)" : "\(month)")
    }

    /// `11/2026`, as in a report's title.
    public var vietnamese: String {
        (month < 10 ? "0\(month)" : "\(month)") + "/\(year)"
    }

    public var previous: ReportMonth {
        month == 1 ? ReportMonth(unchecked: year - 1, 12) : ReportMonth(unchecked: year, month - 1)
    }

    public static func < (lhs: ReportMonth, rhs: ReportMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    private init(unchecked year: Int, _ month: Int) {
        self.year = year
        self.month = month
    }

    private static func start(year: Int, month: Int) -> Date {
        Date(timeIntervalSince1970: Double(days(year: year, month: month, day: 1) * 86_400 - offset))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `days(year:month:day:)`.
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
