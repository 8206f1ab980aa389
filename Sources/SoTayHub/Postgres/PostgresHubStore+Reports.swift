import Foundation
import PostgresNIO
import SoTayCore
import SoTayReports

/// The monthly report on PostgreSQL: the statements `ReportQuery` writes, run in PostgreSQL's
/// dialect. The activity table is presented under the column names the statements use
/// (unquoted, so `a.procedureId` reads `procedureid`), `?` becomes `$n`, and every value is bound.
extension PostgresHubStore: HubReportRepository {
    /// Every commune's activities on a hub of many communes (a province's report); a volunteer
    /// is named with their number, as on SQLite.
    static let reportTable = reportTable(communeID: nil, villagesByCommune: true)

    /// Every commune's activities, or (`communeID`) one commune's: the number is written into the
    /// statement as a literal, so the planner reads only that commune's part of the report index.
    ///
    /// With `villagesByCommune` (a report across communes) a village is counted as its commune's
    /// number and its name ("12 · Thôn Đông"): two communes may each have a Thôn Đông, and they
    /// are not one village. `namingCommunes` then writes the commune's name for its number.
    static func reportTable(communeID: Int64?, villagesByCommune: Bool = false) -> ActivityTable {
        let village = villagesByCommune ? "act.commune_id || '\(communeSeparator)' || act.village AS village" : "act.village"
        return ActivityTable(
            from: """
                (SELECT act.occurred_at AS occurredat, act.kind, \(village), act.volunteer_id AS volunteerid, act.procedure_id AS procedureid,
                        act.resident_id AS residentid, act.outcome, act.reason, act.payment, act.outside_commune::integer AS outsidecommune,
                        act.participants, act.satisfaction, act.undone, act.commune_id AS communeid
                 FROM activity act\(communeID.map { " WHERE act.commune_id = \($0)" } ?? "")) a JOIN volunteer v ON v.id = a.volunteerid
                """,
            counted: "a.undone = false AND a.kind <> 'undo'", occurredAt: "a.occurredat", volunteer: "v.name || ' (số ' || v.id || ')'", prefix: "a.")
    }

    public func report(month: ReportMonth, scope: Report.Scope, by grouping: Indicator.Dimension?, builder: ReportBuilder) async throws -> Report {
        try await report(month: month, scope: scope, by: grouping, builder: builder, communeID: nil)
    }

    /// The report of one commune (`communeID`), or of every commune (nil).
    public func report(month: ReportMonth, scope: Report.Scope, by grouping: Indicator.Dimension?, builder: ReportBuilder,
                       communeID: Int64?) async throws -> Report {
        // A hub of one commune (or a report of one) names its villages plainly.
        let communes = communeID == nil ? try await communeNames() : [:]
        let table = Self.reportTable(communeID: communeID, villagesByCommune: communes.count > 1)
        // The builder asks its statements synchronously: a first pass only lists them (they come
        // from the definitions, never from results), they run here, and a second pass reads the
        // answers.
        let listed = StatementList()
        _ = builder.build(month: month, scope: scope, table: table, by: grouping, database: listed)
        var answers: [ReportStatement: [ReportRow]] = [:]
        for statement in listed.statements where answers[statement] == nil {
            answers[statement] = try await rows(Self.postgresQuery(statement)).map { row in
                let key: String? = try row[0].decode(String?.self)
                return ReportRow(key: key, values: try (1..<row.count).map { index in try row[index].decode(Int?.self) ?? 0 })
            }
        }
        let report = try builder.build(month: month, scope: scope, table: table, by: grouping, database: Answers(rows: answers))
        return communes.count > 1 ? Self.namingCommunes(in: report, names: communes) : report
    }

    /// Every commune's name by its number.
    func communeNames() async throws -> [Int64: String] {
        Dictionary(try await rows("SELECT id, name FROM commune").map { row in
            (try row.value("id", Int64.self), try row.value("name", String.self))
        }, uniquingKeysWith: { first, _ in first })
    }

    /// Between a commune's number and a village's name in a report across communes.
    static let communeSeparator = " · "

    /// The report with each village's commune number ("12 · Thôn Đông") written as the commune's
    /// name ("Xã Gia Lộc · Thôn Đông"), in the village breakdowns and a grouping by village.
    static func namingCommunes(in report: Report, names: [Int64: String]) -> Report {
        func named(_ key: String) -> String {
            guard let range = key.range(of: communeSeparator), let id = Int64(key[..<range.lowerBound]), let name = names[id] else { return key }
            return name + communeSeparator + key[range.upperBound...]
        }
        var report = report
        for index in report.breakdowns.indices where report.breakdowns[index].dimension == Indicator.Dimension.village.rawValue {
            for row in report.breakdowns[index].rows.indices {
                report.breakdowns[index].rows[row].key = named(report.breakdowns[index].rows[row].key)
                report.breakdowns[index].rows[row].label = named(report.breakdowns[index].rows[row].label)
            }
            // In the builder's order: the most first, then by name.
            report.breakdowns[index].rows.sort { $0.value != $1.value ? $0.value > $1.value : ReportBuilder.byLabel($0.label, $1.label) }
        }
        if var grouping = report.grouping, grouping.dimension == Indicator.Dimension.village.rawValue {
            for index in grouping.groups.indices {
                grouping.groups[index].key = named(grouping.groups[index].key)
                grouping.groups[index].label = named(grouping.groups[index].label)
            }
            grouping.groups.sort { ReportBuilder.byLabel($0.label, $1.label) }
            report.grouping = grouping
        }
        return report
    }

    /// `?` placeholders as `$1…$n`, each value bound (the statements hold no `?` elsewhere).
    static func postgresQuery(_ statement: ReportStatement) -> PostgresQuery {
        var binds = PostgresBindings()
        for value in statement.arguments {
            switch value {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            case .date(let date): binds.append(date)
            }
        }
        return PostgresQuery(unsafeSQL: dialect(statement.sql) { index in "$\(index + 1)" }, binds: binds)
    }

    /// The statements `report` runs for this month, scope and grouping, in PostgreSQL's dialect
    /// with their values written in as literals: what the benchmark hands to `psql` to compare
    /// with, statement for statement.
    public static func inlinedReportStatements(month: ReportMonth, scope: Report.Scope, by grouping: Indicator.Dimension?,
                                               builder: ReportBuilder) -> [String] {
        let listed = StatementList()
        _ = builder.build(month: month, scope: scope, table: reportTable, by: grouping, database: listed)
        var seen = Set<ReportStatement>()
        let dates = ISO8601DateFormatter()
        dates.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return listed.statements.filter { seen.insert($0).inserted }.map { statement in
            dialect(statement.sql) { index in
                switch statement.arguments[index] {
                case .text(let text): "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
                case .integer(let number): String(number)
                case .date(let date): "'" + dates.string(from: date) + "'::timestamptz"
                }
            }
        }
    }

    /// A report statement in PostgreSQL's dialect: the n-th `?` (from 0) as `placeholder(n)`.
    private static func dialect(_ statementSQL: String, placeholder: (Int) -> String) -> String {
        var sql = ""
        var index = 0
        for character in statementSQL {
            if character == "?" {
                sql += placeholder(index)
                index += 1
            } else {
                sql.append(character)
            }
        }
        // The report's always-false condition for an empty list is `0`; PostgreSQL wants a boolean.
        return sql.replacingOccurrences(of: "WHEN 0 THEN", with: "WHEN false THEN").replacingOccurrences(of: "AND 0 AND", with: "AND false AND")
    }
}

/// The first pass: lists the statements, answers nothing.
private final class StatementList: ReportDatabase, @unchecked Sendable {
    var statements: [ReportStatement] = []

    func rows(_ statement: ReportStatement) -> [ReportRow] {
        statements.append(statement)
        return []
    }
}

/// The second pass: the answers PostgreSQL gave.
private struct Answers: ReportDatabase {
    let rows: [ReportStatement: [ReportRow]]

    func rows(_ statement: ReportStatement) throws(HubError) -> [ReportRow] {
        guard let answer = rows[statement] else { throw HubError.unexpected("a report statement that was not run") }
        return answer
    }
}
