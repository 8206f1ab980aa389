import Foundation

/// Reads what a volunteer types for an activity (a kind, an outcome, a day) into the coded
/// values the log keeps. Tone marks and case do not matter: "chưa nộp", "chua-nop" and
/// "not-yet" are the same answer.
public enum ActivityInput {
    /// A coded value from its raw value, a number in the printed list (1-based), or one of its aliases.
    public static func choice<T: RawRepresentable & CaseIterable>(_ text: String, _ type: T.Type, aliases: [T: [String]] = [:]) -> T?
    where T.RawValue == String, T: Hashable {
        let folded = fold(text)
        guard !folded.isEmpty else { return nil }
        let cases = Array(T.allCases)
        if let number = Int(folded), cases.indices.contains(number - 1) { return cases[number - 1] }
        if let exact = cases.first(where: { fold($0.rawValue) == folded }) { return exact }
        return cases.first { value in aliases[value, default: []].contains { fold($0) == folded } }
    }

    public static let kindAliases: [ActivityKind: [String]] = [
        .visit: ["tham-ho", "den-ho", "ho-gia-dinh", "tham"],
        .guidance: ["huong-dan", "thu-tuc"],
        .vneid: ["kich-hoat", "dinh-danh", "vneid-muc-2"],
        .payment: ["thanh-toan", "thanh-toan-truc-tuyen"],
        .training: ["tap-huan", "binh-dan-hoc-vu-so", "dao-tao"],
        .communication: ["tuyen-truyen", "loa", "zalo"],
        .scamWarning: ["canh-bao", "lua-dao", "canh-bao-lua-dao", "scam"],
    ]

    public static let outcomeAliases: [GuidanceOutcome: [String]] = [
        .vneid: ["da-nop-vneid", "nop-vneid"],
        .portal: ["cong", "cong-dich-vu-cong", "dvc", "dichvucong"],
        .inPerson: ["truc-tiep", "mot-cua", "nop-truc-tiep"],
        .notYet: ["chua", "chua-nop", "chua-nop-duoc"],
    ]

    public static let reasonAliases: [NotYetReason: [String]] = [
        .missingPapers: ["thieu-giay-to", "giay-to"],
        .noLevel2: ["chua-co-muc-2", "muc-2", "chua-dinh-danh"],
        .noSmartphone: ["khong-co-dien-thoai", "dien-thoai"],
        .noNetwork: ["khong-co-mang", "mang"],
        .systemError: ["loi-he-thong", "loi"],
        .declined: ["khong-muon", "chua-muon"],
        .other: ["khac", "ly-do-khac"],
    ]

    public static let paymentAliases: [PaymentWay: [String]] = [
        .online: ["truc-tuyen", "da-tra-truc-tuyen", "co"],
        .cash: ["tien-mat", "tai-quay"],
        .free: ["mien-phi", "khong-mat-phi", "khong-phi"],
    ]

    public static let channelAliases: [CommunicationChannel: [String]] = [
        .loudspeaker: ["loa", "loa-truyen-thanh"],
        .zalo: ["nhom-zalo"],
        .meeting: ["hop", "hop-thon", "hop-to-dan-pho"],
        .other: ["khac"],
    ]

    /// A satisfaction score 1–5, or nil.
    public static func satisfaction(_ text: String) -> Int? {
        guard let score = Int(text.trimmingCharacters(in: .whitespaces)), ActivityRules.satisfaction.contains(score) else { return nil }
        return score
    }

    /// A day, or a day and a time, in Vietnam: `2026-11-03`, `2026-11-03 14:30`, `03/11/2026`,
    /// `03/11/2026 14:30`, or `hôm nay` / `hôm qua` (today, yesterday). A day alone means noon,
    /// so that it stays inside the day in every report. Nil for anything else.
    public static func instant(_ text: String, now: Date = Date()) -> Date? {
        let folded = fold(text)
        let offset = Double(ReportMonth.offset)
        let todayStart = ((now.timeIntervalSince1970 + offset) / 86_400).rounded(.down) * 86_400 - offset
        if folded == "hom-nay" || folded == "today" { return now }
        if folded == "hom-qua" || folded == "yesterday" { return Date(timeIntervalSince1970: todayStart - 86_400 + 12 * 3600) }
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(parts.count), let day = CalendarDate(iso: String(parts[0])) ?? slashed(String(parts[0])) else { return nil }
        var seconds = 12 * 3600
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard clock.count == 2, clock[0].count <= 2, clock[1].count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]),
                  (0...23).contains(hour), (0...59).contains(minute)
            else { return nil }
            seconds = hour * 3600 + minute * 60
        }
        let days = ReportMonth.days(year: day.year, month: day.month, day: day.day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + seconds) - offset)
    }

    /// `dd/mm/yyyy`.
    private static func slashed(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].count == 4, let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]) else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// Lower case, no tone marks, words joined by "-": what a typed value is compared as.
    static func fold(_ text: String) -> String {
        VietnameseFolding.fold(text).split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" }).joined(separator: "-")
    }
}
