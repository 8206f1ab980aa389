import Foundation
import GRDB
import SoTayCore

/// One screen of a month's log, the newest screen first.
public struct ActivityPage: Sendable, Hashable {
    /// The page's entries, oldest first (as the whole month is listed).
    public var entries: [ActivityRecord]
    /// Which page (1: the most recent entries) and how many the month has.
    public var number: Int
    public var count: Int
    /// Entries in the month (undo entries aside), and those that count (not undone).
    public var total: Int
    public var counted: Int
}

extension Store {
    /// Page `number` of `month`'s entries, `size` to a page, page 1 holding the most recent:
    /// a range of the time index, never the whole month read (90,000 entries took seconds).
    public func activityPage(in month: ReportMonth, number: Int, size: Int) throws(StoreError) -> ActivityPage {
        let vault = self.vault
        let size = max(size, 1)
        return try read { db in
            let (start, end) = month.interval
            let inMonth = ActivityRecord.filter(ActivityRecord.Columns.kind != ActivityKind.undo.rawValue)
                .filter(ActivityRecord.Columns.occurredAt >= start && ActivityRecord.Columns.occurredAt < end)
            let total = try inMonth.fetchCount(db)
            let counted = try inMonth.filter(ActivityRecord.Columns.undoneAt == nil).fetchCount(db)
            let count = max((total + size - 1) / size, 1)
            let number = min(max(number, 1), count)
            let newestFirst = try inMonth.order(ActivityRecord.Columns.occurredAt.desc, ActivityRecord.Columns.id.desc)
                .limit(size, offset: (number - 1) * size).fetchAll(db)
            return ActivityPage(entries: try Self.presented(newestFirst.reversed(), db: db, vault: vault),
                                number: number, count: count, total: total, counted: counted)
        }
    }
}
