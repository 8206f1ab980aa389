import Foundation
import SoTayCore

/// One row of a report statement: the group key (nil when NULL or ungrouped), then integers.
public struct ReportRow: Sendable, Hashable {
    public var key: String?
    public var values: [Int]

    public init(key: String?, values: [Int]) {
        self.key = key
        self.values = values
    }
}

/// A store that can run report statements: the volunteer's and the hub's.
public protocol ReportDatabase {
    associatedtype Failure: Error
    func rows(_ statement: ReportStatement) throws(Failure) -> [ReportRow]
}

/// Runs the statements of a `ReportQuery` on a store and puts the numbers into a `Report`.
public struct ReportBuilder: Sendable {
    public var indicators: [Indicator]
    public var procedures: [String: Procedure]
    public var language: Language

    public init(indicators: [Indicator], procedures: [Procedure], language: Language) {
        self.indicators = indicators
        self.procedures = Dictionary(procedures.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.language = language
    }

    public func build<Database: ReportDatabase>(month: ReportMonth, scope: Report.Scope, table: ActivityTable, by grouping: Indicator.Dimension? = nil,
                                                database: Database, now: Date = Date()) throws(Database.Failure) -> Report {
        let query = ReportQuery(indicators: indicators, table: table, month: month)
        let total = try database.rows(query.totals()).first ?? ReportRow(key: nil, values: [])
        var report = Report(
            title: title(month), month: month.description, from: month.interval.start, to: month.interval.end, timeZone: "UTC+07:00",
            scope: scope, generatedAt: now, language: language, entries: total.values.first ?? 0,
            figures: figures(query.figures, total.values.dropFirst()), breakdowns: [], grouping: nil)
        for indicator in query.breakdowns {
            guard let statement = query.breakdown(indicator), case .breakdown(let dimension, _, _) = indicator.shape else { continue }
            let rows = try database.rows(statement)
            report.breakdowns.append(breakdown(indicator, dimension, rows))
        }
        if let grouping {
            let rows = try database.rows(query.totals(by: grouping))
            let groups = rows.map { row in
                Report.Grouping.Group(key: row.key ?? "", label: label(row.key, grouping), entries: row.values.first ?? 0,
                                      figures: figures(query.figures, row.values.dropFirst()))
            }
            report.grouping = Report.Grouping(dimension: grouping.rawValue, heading: heading(grouping), groups: groups.sorted(by: Self.byLabel))
        }
        return report
    }

    public func title(_ month: ReportMonth) -> String {
        language == .vi ? "Báo cáo kết quả hoạt động Tổ công nghệ số cộng đồng tháng \(month.vietnamese)"
                        : "Community digital technology team activity report, \(month.vietnamese)"
    }

    private func figures(_ definitions: [Indicator], _ values: ArraySlice<Int>) -> [Report.Figure] {
        var values = values.makeIterator()
        return definitions.map { indicator in
            var figure = Report.Figure(id: indicator.id, name: indicator.name.text(language), unit: indicator.unit.text(language),
                                       counting: indicator.counting.text(language), kind: .count)
            switch indicator.shape {
            case .total:
                figure.value = Double(values.next() ?? 0)
            case .share:
                let numerator = values.next() ?? 0, denominator = values.next() ?? 0
                figure.kind = .share
                figure.numerator = numerator
                figure.denominator = denominator
                figure.value = denominator > 0 ? Double(numerator) * 100 / Double(denominator) : nil
                figure.target = indicator.target?.atLeast
                figure.targetNote = indicator.target?.note.text(language)
            case .breakdown:
                break
            }
            return figure
        }
    }

    private func breakdown(_ indicator: Indicator, _ dimension: Indicator.Dimension, _ rows: [ReportRow]) -> Report.Breakdown {
        var merged: [String: Int] = [:]
        var order: [String] = []
        for row in rows {
            let key: String
            if dimension == .field {
                key = row.key.flatMap { procedures[$0]?.field.rawValue } ?? ProcedureField.khac.rawValue
            } else {
                key = row.key ?? ""
            }
            if merged[key] == nil { order.append(key) }
            merged[key, default: 0] += row.values.first ?? 0
        }
        let entries = order.map { key in
            Report.Breakdown.Row(key: key, label: label(key.isEmpty ? nil : key, dimension), value: merged[key] ?? 0)
        }
        .filter { $0.value > 0 }
        .sorted { $0.value != $1.value ? $0.value > $1.value : Self.byLabel($0.label, $1.label) }
        return Report.Breakdown(id: indicator.id, name: indicator.name.text(language), unit: indicator.unit.text(language),
                                dimension: dimension.rawValue, rows: entries)
    }

    /// What the reader sees for a key: the procedure's title, the field's name, the kind's label.
    public func label(_ key: String?, _ dimension: Indicator.Dimension) -> String {
        guard let key, !key.isEmpty else { return language == .vi ? "(chưa ghi)" : "(not recorded)" }
        switch dimension {
        case .procedure: return procedures[key]?.title.text(language) ?? key
        case .field: return ProcedureField(rawValue: key)?.title.text(language) ?? key
        case .kind: return ActivityKind(rawValue: key)?.label.text(language) ?? key
        case .reason: return NotYetReason(rawValue: key).map { Self.capitalized($0.label.text(language)) } ?? key
        case .village, .volunteer: return key
        }
    }

    public func heading(_ dimension: Indicator.Dimension) -> String {
        switch dimension {
        case .procedure: language == .vi ? "Thủ tục" : "Procedure"
        case .field: language == .vi ? "Lĩnh vực" : "Field"
        case .village: language == .vi ? "Thôn" : "Village"
        case .volunteer: language == .vi ? "Tình nguyện viên" : "Volunteer"
        case .kind: language == .vi ? "Loại hoạt động" : "Activity"
        case .reason: language == .vi ? "Lý do" : "Reason"
        }
    }

    /// "Thiếu giấy tờ" for a label written to follow "Chưa nộp được: …".
    static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }

    private static func byLabel(_ lhs: Report.Grouping.Group, _ rhs: Report.Grouping.Group) -> Bool {
        byLabel(lhs.label, rhs.label)
    }

    /// Alphabetical the Vietnamese way closely enough for a list: by the folded text, then exactly.
    public static func byLabel(_ lhs: String, _ rhs: String) -> Bool {
        let (a, b) = (VietnameseFolding.fold(lhs), VietnameseFolding.fold(rhs))
        return a != b ? a < b : lhs < rhs
    }
}
