import Foundation
import SoTayCore

/// A value bound to a `?` of a report statement.
public enum SQLValue: Sendable, Hashable {
    case text(String)
    case integer(Int)
    case date(Date)
}

/// One statement of a report: SQL text with `?` placeholders and their values, in order.
/// Each row it returns has the group key first (text or NULL), then integers.
public struct ReportStatement: Sendable, Hashable {
    public var sql: String
    public var arguments: [SQLValue]
}

/// Where a store keeps its activities, in the words of its own schema. The volunteer's store and
/// the hub's store name the same columns the same way; they differ in the table, in how an
/// undone entry is marked and in where the volunteer's name comes from.
public struct ActivityTable: Sendable {
    /// The `FROM` clause, e.g. `activity` or `activity JOIN volunteer ON …`.
    public var from: String
    /// Always true of a counted row (not undone, not an undo entry), e.g. `undoneAt IS NULL AND kind <> 'undo'`.
    public var counted: String
    /// The columns, qualified as the `FROM` clause needs.
    public var occurredAt: String
    public var volunteer: String
    public var volunteerArguments: [SQLValue]
    public var prefix: String

    /// `prefix` qualifies the shared column names (`"a."` when the table is aliased `a`).
    public init(from: String, counted: String, occurredAt: String = "occurredAt", volunteer: String, volunteerArguments: [SQLValue] = [], prefix: String = "") {
        self.from = from
        self.counted = counted
        self.occurredAt = occurredAt
        self.volunteer = volunteer
        self.volunteerArguments = volunteerArguments
        self.prefix = prefix
    }

    func column(_ name: String) -> String { prefix + name }
}

/// Turns the indicator definitions into SQL: one pass for every single-number figure (each a
/// `SUM(CASE …)` column), and one `GROUP BY` per breakdown. The definitions stay the one place
/// where "how it is counted" lives; the database does the counting, in a single scan.
public struct ReportQuery: Sendable {
    public let indicators: [Indicator]
    public let table: ActivityTable
    public let month: ReportMonth

    public init(indicators: [Indicator], table: ActivityTable, month: ReportMonth) {
        self.indicators = indicators
        self.table = table
        self.month = month
    }

    /// The figures that are one number (or one share) each, in definition order.
    public var figures: [Indicator] { indicators.filter { !$0.isBreakdown } }
    public var breakdowns: [Indicator] { indicators.filter(\.isBreakdown) }

    /// Every single-number figure in one statement; grouped by `dimension` when given.
    /// Columns after the key: the number of counted entries, then per figure one column
    /// (a count or sum) or two (a share's numerator and denominator).
    public func totals(by dimension: Indicator.Dimension? = nil) -> ReportStatement {
        var arguments: [SQLValue] = []
        let key: String
        if let dimension {
            key = keyExpression(dimension, arguments: &arguments)
        } else {
            key = "NULL"
        }
        var columns = ["\(key) AS groupKey", "COUNT(*)"]
        for indicator in figures {
            switch indicator.shape {
            case .total(let measure, let filter):
                columns.append(measureExpression(measure, filter, arguments: &arguments))
            case .share(let of, let subset):
                columns.append(measureExpression(.activities, of.and(subset), arguments: &arguments))
                columns.append(measureExpression(.activities, of, arguments: &arguments))
            case .breakdown:
                continue
            }
        }
        var sql = "SELECT " + columns.joined(separator: ", ") + " FROM \(table.from) WHERE " + monthCondition(arguments: &arguments)
        if dimension != nil { sql += " GROUP BY groupKey" }
        return ReportStatement(sql: sql, arguments: arguments)
    }

    /// One breakdown: its key, then its measure, per value of its dimension. `field` is grouped
    /// by procedure here and summed per field by the caller, who has the procedure library.
    public func breakdown(_ indicator: Indicator) -> ReportStatement? {
        guard case .breakdown(let dimension, let measure, let filter) = indicator.shape else { return nil }
        var arguments: [SQLValue] = []
        let key = keyExpression(dimension == .field ? .procedure : dimension, arguments: &arguments)
        let value = measureExpression(measure, .any, arguments: &arguments)
        var sql = "SELECT \(key) AS groupKey, \(value) FROM \(table.from) WHERE " + monthCondition(arguments: &arguments)
        let condition = filterCondition(filter, arguments: &arguments)
        if condition != "1" { sql += " AND \(condition)" }
        sql += " GROUP BY groupKey"
        return ReportStatement(sql: sql, arguments: arguments)
    }

    private func monthCondition(arguments: inout [SQLValue]) -> String {
        let (start, end) = month.interval
        arguments += [.date(start), .date(end)]
        return "\(table.occurredAt) >= ? AND \(table.occurredAt) < ? AND (\(table.counted))"
    }

    private func keyExpression(_ dimension: Indicator.Dimension, arguments: inout [SQLValue]) -> String {
        switch dimension {
        case .procedure, .field: return table.column("procedureId")
        case .village: return table.column("village")
        case .kind: return table.column("kind")
        case .reason: return table.column("reason")
        case .volunteer:
            arguments += table.volunteerArguments
            return table.volunteer
        }
    }

    private func measureExpression(_ measure: Indicator.Measure, _ filter: ActivityFilter, arguments: inout [SQLValue]) -> String {
        let condition = filterCondition(filter, arguments: &arguments)
        switch measure {
        case .activities:
            return condition == "1" ? "COUNT(*)" : "COALESCE(SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END), 0)"
        case .participants:
            let participants = "COALESCE(\(table.column("participants")), 0)"
            return condition == "1" ? "COALESCE(SUM(\(participants)), 0)" : "COALESCE(SUM(CASE WHEN \(condition) THEN \(participants) ELSE 0 END), 0)"
        case .residents:
            let resident = table.column("residentId")
            // The condition appears twice, so its values are bound twice.
            let again = filterCondition(filter, arguments: &arguments)
            return "(COUNT(DISTINCT CASE WHEN \(condition) THEN \(resident) END) + COALESCE(SUM(CASE WHEN (\(again)) AND \(resident) IS NULL THEN 1 ELSE 0 END), 0))"
        }
    }

    /// The filter as a condition with bound values; `1` when it lets everything through.
    func filterCondition(_ filter: ActivityFilter, arguments: inout [SQLValue]) -> String {
        var parts: [String] = []
        func list(_ column: String, _ values: [SQLValue]?) {
            guard let values else { return }
            guard !values.isEmpty else {
                parts.append("0")
                return
            }
            parts.append("\(table.column(column)) IN (" + Array(repeating: "?", count: values.count).joined(separator: ", ") + ")")
            arguments += values
        }
        list("kind", filter.kinds?.map(SQLValue.text))
        list("outcome", filter.outcomes?.map(SQLValue.text))
        list("reason", filter.reasons?.map(SQLValue.text))
        list("payment", filter.payments?.map(SQLValue.text))
        list("satisfaction", filter.satisfaction?.map(SQLValue.integer))
        if let outside = filter.outsideCommune {
            parts.append("\(table.column("outsideCommune")) = ?")
            arguments.append(.integer(outside ? 1 : 0))
        }
        return parts.isEmpty ? "1" : parts.joined(separator: " AND ")
    }
}
