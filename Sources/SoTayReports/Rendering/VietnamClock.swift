import Foundation
import SoTayCore

/// A wall-clock reading in Vietnam, from a fixed +7 h offset: the report must not depend on the
/// machine's time zone, and Vietnam has no daylight saving.
struct VietnamClock {
    let year: Int
    let month: Int
    let day: Int
    let hour: Int
    let minute: Int

    init(_ instant: Date) {
        let raw = instant.timeIntervalSince1970
        // Clamped so that a corrupt date cannot trap; real reports are far inside the range.
        let seconds = Int((raw.isFinite ? min(max(raw, -1e13), 1e13) : 0).rounded(.down)) + ReportMonth.offset
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        (year, month, day) = Self.civil(fromDays: days)
        hour = rest / 3_600
        minute = rest % 3_600 / 60
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `dd/mm/yyyy`.
    var dayMonthYear: String { Self.twoDigits(day) + "/" + Self.twoDigits(month) + "/" + String(year) }

    /// `HH:MM`.
    var hourMinute: String { Self.twoDigits(hour) + ":" + Self.twoDigits(minute) }

    /// "ngày 05 tháng 01 năm 2027": Nghị định 30/2020 pads days below 10 and months below 3
    /// (so "tháng 1" cannot be turned into "tháng 11"), and writes other months as they are.
    var officialDate: String {
        "ngày \(Self.twoDigits(day)) tháng \(month < 3 ? Self.twoDigits(month) : String(month)) năm \(year)"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
