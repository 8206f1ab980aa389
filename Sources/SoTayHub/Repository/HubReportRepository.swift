import Foundation
import SoTayCore
import SoTayReports

/// The monthly report over the hub's synced activity logs (no personal data: counts only).
public protocol HubReportRepository: Sendable {
    func report(month: ReportMonth, scope: Report.Scope, by grouping: Indicator.Dimension?, builder: ReportBuilder) async throws -> Report
}

extension HubStore: HubReportRepository {
    public func report(month: ReportMonth, scope: Report.Scope, by grouping: Indicator.Dimension?, builder: ReportBuilder) async throws -> Report {
        try builder.build(month: month, scope: scope, table: reportTable, by: grouping, database: self)
    }
}
