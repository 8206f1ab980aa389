import Foundation
import GRDB
import Testing
@testable import SoTayStore

@Suite("Dates read from the store by arithmetic are the dates GRDB reads")
struct StoreDateTests {
    @Test("every date GRDB writes, from 1970 to 2100 at milliseconds, reads back as GRDB reads it, to the bit")
    func sameAsGRDB() throws {
        var random = SystemRandomNumberGenerator()
        var dates: [Date] = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.5) /* 2000-02-29 */,
                             Date(timeIntervalSince1970: 4_102_444_799.999), Date(timeIntervalSince1970: 1_796_000_000.001)]
        for _ in 0..<20_000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &random)))
        }
        for date in dates {
            let stored = date.databaseValue
            let text = try #require(String.fromDatabaseValue(stored))
            let ours = StoreDate.decode(stored)
            let grdb = Date.fromDatabaseValue(stored)
            #expect(StoreDate.parse(text) != nil, "\(text)")
            #expect(ours == grdb, "\(text): \(ours.map { $0.timeIntervalSinceReferenceDate.bitPattern } ?? 0) against \(grdb.map { $0.timeIntervalSinceReferenceDate.bitPattern } ?? 0)")
        }
    }

    @Test("other forms of date text go to GRDB, and what is not a date is nil", arguments: [
        "2026-12-07 10:35:12", "2026-12-07T10:35:12.5", "2026-12-07 10:35:12.123456789", "2026-12-07", "2026-12-07 10:35",
        "2026-12-07 10:35:12.1234567891", "1500-03-01 00:00:00.000", "2026-13-07 10:35:12.000", "2026-12-07 24:00:00.000", "không phải ngày", "",
    ])
    func otherForms(text: String) {
        #expect(StoreDate.decode(text.databaseValue) == Date.fromDatabaseValue(text.databaseValue), "\(text)")
    }

    @Test("NULL is nil, and a number is read as GRDB reads it")
    func notText() {
        #expect(StoreDate.decode(.null) == nil)
        #expect(StoreDate.decode(1_765_100_000.databaseValue) == Date.fromDatabaseValue(1_765_100_000.databaseValue))
    }
}

@Suite("Dates written to the store without Foundation's DateFormatter are the texts GRDB writes")
struct StoreDateTextTests {
    @Test("from 1970 to 2100, at any fraction of a second, the text is GRDB's, byte for byte")
    func sameAsGRDB() {
        var random = SystemRandomNumberGenerator()
        var dates: [Date] = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.9999999), Date(timeIntervalSince1970: 4_102_444_799.999),
                             Date(timeIntervalSince1970: 1_796_000_000.001), Date(timeIntervalSince1970: -1.5), Date(timeIntervalSinceReferenceDate: 0)]
        for _ in 0..<20_000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &random)))
        }
        for day in 0..<400 {
            dates.append(Date(timeIntervalSince1970: 1_796_000_000 + Double(day) * 86_400 + 0.0005))
        }
        var differing: [String] = []
        for date in dates where StoreDate.text(date) != String.fromDatabaseValue(date.databaseValue) {
            differing.append("\(date.timeIntervalSince1970): \(StoreDate.text(date)) against \(String.fromDatabaseValue(date.databaseValue) ?? "nil")")
        }
        let count = differing.count
        let first = Array(differing.prefix(3))
        #expect(count == 0, "\(count) differ, e.g. \(first)")
    }
}
