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
        (year, month, day) = ReportMonth.civil(fromDays: days)
        hour = rest / 3_600
        minute = rest % 3_600 / 60
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
