import Foundation
import GRDB
import SoTayCore

/// Dates as GRDB writes them (`yyyy-MM-dd HH:mm:ss.SSS`, UTC), read by arithmetic.
///
/// GRDB reads a date text through a Gregorian `Calendar`: with ten thousand drafts, two to five
/// dates each, that was half of reading a listing's rows. The same text gives the same `Date`
/// (the tests compare the two over many dates); any other form of date goes to GRDB as before.
enum StoreDate {
    static func decode(_ value: DatabaseValue) -> Date? {
        if case .string(let text) = value.storage, let date = parse(text) { return date }
        return Date.fromDatabaseValue(value)
    }

    /// `yyyy-MM-dd HH:mm:ss` (or with `T`), then optionally `.` and 1–3 digits (GRDB writes
    /// milliseconds); nil otherwise, and for a date before 1600.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                  bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
                  bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                  let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
                  let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
            else { return nil }
            var nanoseconds = 0
            if bytes.count > 19 {
                let digits = bytes.count - 20
                guard bytes[19] == UInt8(ascii: "."), (1...3).contains(digits), let fraction = number(bytes, 20, digits) else { return nil }
                nanoseconds = fraction
                for _ in digits..<9 { nanoseconds *= 10 }
            }
            // Before the Gregorian reform Foundation counts Julian days: GRDB reads those.
            guard year >= 1600 else { return nil }
            // Foundation's Gregorian calendar's own steps (`date(from:inTimeZone:)`, UTC), in its
            // order: from the Julian day at noon, back to midnight, then the time of day.
            let julianDay = ReportMonth.days(year: year, month: month, day: day) + 2_440_588
            var secondsInDay = Double(hour) * 3600.0
            secondsInDay += Double(minute) * 60.0
            secondsInDay += Double(second)
            secondsInDay += Double(nanoseconds) / Double(1_000_000_000)
            let midnight = (Double(julianDay) - 2_451_910.5) * 86400 - 43200
            return Date(timeIntervalSinceReferenceDate: midnight + secondsInDay)
        }
    }

    /// The text GRDB would store for `date` (`yyyy-MM-dd HH:mm:ss.SSS`, UTC), without its
    /// `DateFormatter`: Foundation's formatter wakes ICU's calendar and locale data, megabytes of
    /// every `sotay sync`'s memory. As ICU does it: the milliseconds since 1970, to the nearest.
    static func text(_ date: Date) -> String {
        let udate = (date.timeIntervalSinceReferenceDate + 978_307_200.0) * 1000.0
        guard udate.isFinite, abs(udate) < 1e15 else { return String.fromDatabaseValue(date.databaseValue) ?? "" }
        let millis = Int64(udate.rounded(.toNearestOrAwayFromZero))
        let (seconds, milli) = floorDivision(millis, 1000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = ReportMonth.civil(fromDays: Int(days))
        guard (0...9999).contains(year) else { return String.fromDatabaseValue(date.databaseValue) ?? "" }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(23)
        func append(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        append(year, 4); bytes.append(UInt8(ascii: "-")); append(month, 2); bytes.append(UInt8(ascii: "-")); append(day, 2)
        bytes.append(UInt8(ascii: " "))
        append(Int(secondOfDay / 3600), 2); bytes.append(UInt8(ascii: ":")); append(Int(secondOfDay / 60 % 60), 2)
        bytes.append(UInt8(ascii: ":")); append(Int(secondOfDay % 60), 2)
        bytes.append(UInt8(ascii: ".")); append(Int(milli), 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
        return (quotient, value - quotient * divisor)
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

/// The store's records write their dates with `StoreDate.text` and read them with
/// `StoreDate.decode`: the same texts and dates as GRDB's own, without Foundation's
/// `DateFormatter` and `Calendar`.
public protocol StoreDated: FetchableRecord, EncodableRecord {}

extension StoreDated {
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .custom { StoreDate.decode($0) }
    }

    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { StoreDate.text($0) }
    }
}
