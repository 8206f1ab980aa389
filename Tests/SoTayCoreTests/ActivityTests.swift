import Foundation
import Testing
@testable import SoTayCore

@Suite("Months in Vietnam's time, and what volunteers type into the log")
struct ActivityTests {
    @Test("a month runs from 00:00 on the 1st to 00:00 on the next 1st in UTC+7, whatever the machine's zone")
    func monthBoundaries() throws {
        let november = try #require(ReportMonth("2026-11"))
        // 1 November 2026 00:00 in Hà Nội is 31 October 17:00 UTC.
        #expect(november.interval.start == Date(timeIntervalSince1970: 1_793_466_000))
        #expect(november.contains(Date(timeIntervalSince1970: 1_793_466_000)))
        #expect(!november.contains(Date(timeIntervalSince1970: 1_793_466_000 - 1)))
        #expect(november.interval.end.timeIntervalSince(november.interval.start) == 30 * 86_400)
        #expect(ReportMonth(containing: Date(timeIntervalSince1970: 1_793_466_000 - 1)).description == "2026-10")
        let december = try #require(ReportMonth("2026-12"))
        #expect(december.interval.end == (try #require(ReportMonth("2027-01"))).interval.start)
        let leapFebruary = try #require(ReportMonth("02/2028"))
        #expect(leapFebruary.interval.end.timeIntervalSince(leapFebruary.interval.start) == Double(29 * 86_400))
        #expect(ReportMonth("2026-1")?.description == "2026-01")
        #expect(november.vietnamese == "11/2026")
        #expect(november.previous.description == "2026-10" && ReportMonth("2026-01")?.previous.description == "2025-12")
    }

    @Test("month text that is not a month is refused", arguments: ["", "2026", "2026-13", "2026-00", "26-11", "2026/11", "tháng 11", "２０２６-11", "2026-11-01", "1999-12"])
    func badMonths(text: String) {
        #expect(ReportMonth(text) == nil)
    }

    @Test("every day since 1970 converts to a civil date and back")
    func civilRoundTrip() {
        for days in stride(from: -1000, through: 40_000, by: 7) {
            let civil = ReportMonth.civil(fromDays: days)
            #expect(ReportMonth.days(year: civil.year, month: civil.month, day: civil.day) == days)
        }
    }

    @Test("kinds, outcomes and channels read with or without tone marks, by number or by alias")
    func choices() {
        #expect(ActivityInput.choice("tham hộ", ActivityKind.self, aliases: ActivityInput.kindAliases) == .visit)
        #expect(ActivityInput.choice("Tập huấn", ActivityKind.self, aliases: ActivityInput.kindAliases) == .training)
        #expect(ActivityInput.choice("2", ActivityKind.self) == .guidance)
        #expect(ActivityInput.choice("scam-warning", ActivityKind.self) == .scamWarning)
        #expect(ActivityInput.choice("chưa nộp", GuidanceOutcome.self, aliases: ActivityInput.outcomeAliases) == .notYet)
        #expect(ActivityInput.choice("IN-PERSON", GuidanceOutcome.self) == .inPerson)
        #expect(ActivityInput.choice("loa", CommunicationChannel.self, aliases: ActivityInput.channelAliases) == .loudspeaker)
        #expect(ActivityInput.choice("9", PaymentWay.self) == nil)
        #expect(ActivityInput.choice("", PaymentWay.self) == nil)
        #expect(ActivityInput.choice("bitcoin", PaymentWay.self, aliases: ActivityInput.paymentAliases) == nil)
    }

    @Test("days and times are read in Vietnam's time; a day alone is noon")
    func instants() throws {
        let now = Date(timeIntervalSince1970: 1_795_000_000)  // 18 November 2026
        #expect(ActivityInput.instant("2026-11-03", now: now) == Date(timeIntervalSince1970: 1_793_466_000 + 2 * 86_400 + 12 * 3600))
        #expect(ActivityInput.instant("03/11/2026 07:05", now: now) == Date(timeIntervalSince1970: 1_793_466_000 + 2 * 86_400 + 7 * 3600 + 5 * 60))
        #expect(ActivityInput.instant("hôm nay", now: now) == now)
        let yesterday = try #require(ActivityInput.instant("hôm qua", now: now))
        #expect(CalendarDate.today(at: yesterday) == CalendarDate.today(at: now.addingTimeInterval(-86_400)))
        for bad in ["31/02/2026", "2026-11-03 25:00", "2026-11-03 7", "ngày mai", "03-11-2026", "2026-11-03 12:00 extra"] {
            #expect(ActivityInput.instant(bad, now: now) == nil, "\(bad)")
        }
    }

    @Test("display width: one column a Vietnamese letter, two for wide characters, none for a lone combining mark")
    func widths() {
        #expect(DisplayWidth.of("Số hộ gia đình được đến") == 23)
        #expect(DisplayWidth.of("Nguye\u{0302}\u{0303}n") == 6)
        #expect(DisplayWidth.of("漢字") == 4)
        #expect(DisplayWidth.pad("Đông", to: 6) == "Đông  ")
        #expect(DisplayWidth.truncate("Đăng ký khai sinh", to: 8) == "Đăng ký…")
        #expect(DisplayWidth.wrap("Số tài khoản VNeID mức 2 được hỗ trợ kích hoạt", to: 20).allSatisfy { DisplayWidth.of($0) <= 20 })
    }

    @Test("filters combine as both at once; contradictory ones match nothing")
    func filters() {
        let guidance = ActivityFilter(kinds: ["guidance"], outcomes: ["vneid", "portal", "not-yet"])
        let online = guidance.and(ActivityFilter(outcomes: ["vneid", "portal"]))
        #expect(online.outcomes == ["vneid", "portal"] && online.kinds == ["guidance"])
        #expect(online.matches(kind: "guidance", outcome: "portal", reason: nil, payment: nil, satisfaction: nil, outsideCommune: false))
        #expect(!online.matches(kind: "guidance", outcome: "not-yet", reason: nil, payment: nil, satisfaction: nil, outsideCommune: false))
        #expect(!online.matches(kind: "guidance", outcome: nil, reason: nil, payment: nil, satisfaction: nil, outsideCommune: false))
        let never = ActivityFilter(outsideCommune: true).and(ActivityFilter(outsideCommune: false))
        #expect(!never.matches(kind: "guidance", outcome: nil, reason: nil, payment: nil, satisfaction: nil, outsideCommune: true))
    }
}

@Suite("The limits of a log entry, shared by the log command, the home menu and the walk")
struct ActivityRulesTests {
    @Test("a time up to 10 minutes ahead of the clock is past work; later is the future")
    func futureWindow() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ActivityRules.isPast(now.addingTimeInterval(-86_400), now: now))
        #expect(ActivityRules.isPast(now.addingTimeInterval(600), now: now))
        #expect(!ActivityRules.isPast(now.addingTimeInterval(601), now: now))
    }

    @Test("satisfaction typed as text keeps to the shared 1–5")
    func satisfaction() {
        #expect(ActivityInput.satisfaction(" 5 ") == 5)
        #expect(ActivityInput.satisfaction("6") == nil && ActivityInput.satisfaction("0") == nil)
        #expect(ActivityRules.satisfaction == 1...5)
    }
}
