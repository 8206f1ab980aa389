import Foundation
import GRDB
import SoTayReports

// MARK: - The commune's monthly report

extension HubStore: ReportDatabase {
    /// Every volunteer's activities. A volunteer is named with their number, as `volunteers list`
    /// shows it, so that two volunteers with the same name stay apart.
    public var reportTable: ActivityTable {
        ActivityTable(from: "activity a JOIN volunteer v ON v.id = a.volunteerId", counted: "a.undone = 0 AND a.kind <> 'undo'",
                      occurredAt: "a.occurredAt", volunteer: "printf('%s (số %d)', v.name, v.id)", prefix: "a.")
    }

    public func rows(_ statement: ReportStatement) throws(HubError) -> [ReportRow] {
        try read { db in
            try Row.fetchAll(db, sql: statement.sql, arguments: StatementArguments(statement.arguments.map(\.databaseValue))).map { row in
                ReportRow(key: row[0], values: (1..<row.count).map { row[$0] ?? 0 })
            }
        }
    }

    /// The communes the volunteers belong to, most volunteers first: the report's heading.
    public func communes() throws(HubError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT commune FROM volunteer GROUP BY commune ORDER BY COUNT(*) DESC, commune")
        }
    }
}

extension SQLValue {
    /// The value as GRDB binds it; dates in GRDB's text format, the one the columns hold.
    var databaseValue: DatabaseValue {
        switch self {
        case .text(let text): text.databaseValue
        case .integer(let number): number.databaseValue
        case .date(let date): date.databaseValue
        }
    }
}
