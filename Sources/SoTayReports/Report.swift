import Foundation
import SoTayCore

/// A monthly report, computed once; every format (table, CSV, XLSX, HTML, JSON) renders this.
public struct Report: Sendable, Hashable, Codable {
    /// "Báo cáo kết quả hoạt động Tổ công nghệ số cộng đồng tháng 11/2026".
    public var title: String
    /// `2026-11`.
    public var month: String
    /// The month's first instant and the next month's, in Vietnam (UTC+7).
    public var from: Date
    public var to: Date
    public var timeZone: String
    public var scope: Scope
    public var generatedAt: Date
    public var language: Language
    /// Counted log entries in the month (undone entries are not counted).
    public var entries: Int
    public var figures: [Figure]
    public var breakdowns: [Breakdown]
    /// Present when the report is split (`--by village|volunteer|procedure`).
    public var grouping: Grouping?

    public struct Scope: Sendable, Hashable, Codable {
        /// Whose work: one volunteer's own report, or the whole commune's.
        public var kind: Kind
        public var commune: String
        public var province: String?
        public var village: String?
        public var volunteer: String?

        public enum Kind: String, Sendable, Hashable, Codable {
            case volunteer
            case commune
        }

        public init(kind: Kind, commune: String, province: String? = nil, village: String? = nil, volunteer: String? = nil) {
            self.kind = kind
            self.commune = commune
            self.province = province
            self.village = village
            self.volunteer = volunteer
        }
    }

    /// One number of the report. A share has its numerator and denominator; its `value` is a
    /// percentage, absent when there was nothing to divide by.
    public struct Figure: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        public var unit: String
        public var counting: String
        public var kind: Kind
        public var value: Double?
        public var numerator: Int?
        public var denominator: Int?
        public var target: Double?
        public var targetNote: String?

        public enum Kind: String, Sendable, Hashable, Codable {
            case count
            case share
        }

        /// Whether the target is reached; nil with no target or no data.
        public var meetsTarget: Bool? {
            guard let target, let value else { return nil }
            return value >= target
        }

        /// Whole numbers for counts, one decimal for shares ("97,5" in Vietnamese).
        public func formatted(_ language: Language) -> String {
            guard let value else { return "—" }
            switch kind {
            case .count: return NumberText.integer(Int(value), language)
            case .share: return NumberText.percent(value, language)
            }
        }
    }

    public struct Breakdown: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        public var unit: String
        public var dimension: String
        public var rows: [Row]

        public struct Row: Sendable, Hashable, Codable {
            public var key: String
            public var label: String
            public var value: Int
        }

        public var total: Int { rows.reduce(0) { $0 + $1.value } }
    }

    public struct Grouping: Sendable, Hashable, Codable {
        public var dimension: String
        /// "Thôn", "Tình nguyện viên", "Thủ tục".
        public var heading: String
        public var groups: [Group]

        public struct Group: Sendable, Hashable, Codable {
            public var key: String
            public var label: String
            public var entries: Int
            public var figures: [Figure]
        }
    }

    public func figure(_ id: String) -> Figure? { figures.first { $0.id == id } }
    public func breakdown(_ id: String) -> Breakdown? { breakdowns.first { $0.id == id } }
}

/// Numbers as Vietnamese reports write them: `1.234` and `97,5%` (English: `1,234`, `97.5%`).
public enum NumberText {
    public static func integer(_ value: Int, _ language: Language) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(language == .vi ? "." : ",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    public static func percent(_ value: Double, _ language: Language) -> String {
        let tenths = Int((value * 10).rounded())
        let text = "\(tenths / 10)" + (language == .vi ? "," : ".") + "\(abs(tenths % 10))"
        return text + "%"
    }
}
