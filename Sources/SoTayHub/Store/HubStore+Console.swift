import Foundation
import GRDB
import SoTayCore
import SoTayReports
import SoTayWire

extension ConsoleQueueFilter {
    /// The SQL condition and its arguments, without the status when `ignoringStatus`.
    func condition(ignoringStatus: Bool = false) -> (String, [any DatabaseValueConvertible]) {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let status, !ignoringStatus { clauses.append("dossier.status = ?"); arguments.append(status.rawValue) }
        if let village { clauses.append("dossier.village = ?"); arguments.append(village) }
        if let volunteerId { clauses.append("dossier.volunteerId = ?"); arguments.append(volunteerId) }
        if let procedureId { clauses.append("dossier.procedureId = ?"); arguments.append(procedureId) }
        if let from { clauses.append("dossier.receivedAt >= ?"); arguments.append(from) }
        if let until { clauses.append("dossier.receivedAt < ?"); arguments.append(until) }
        return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), arguments)
    }
}

/// The console on SQLite. The hub is one commune, so `visibleTo` changes nothing: whoever is staff
/// sees every dossier (as `HubOfficerRepository` on SQLite). Sessions are in the process's memory
/// (`ConsoleSessionTable`): a SQLite hub is one `serve` process, and a restart signs everyone
/// out, which is the safe direction.
extension HubStore: HubConsoleRepository {
    // MARK: - Sessions

    func openConsoleSession(key: String, _ session: ConsoleSession, lifetimes: ConsoleLifetimes) async {
        await consoleSessions.open(key: key, session, lifetimes: lifetimes)
    }

    func consoleSession(key: String, now: Date, lifetimes: ConsoleLifetimes) async throws -> (session: ConsoleSession, staff: HubStaff)? {
        guard let session = await consoleSessions.session(key: key, now: now, lifetimes: lifetimes) else { return nil }
        // The token may have been revoked since sign-in (on the command line): its sessions end with it.
        guard let staff = try read({ db in try HubStaff.fetchOne(db, key: session.staffID) }), staff.revokedAt == nil else {
            await consoleSessions.close(key: key)
            return nil
        }
        return (session, staff)
    }

    func closeConsoleSession(key: String) async {
        await consoleSessions.close(key: key)
    }

    func closeConsoleSessions(staffID: String) async {
        await consoleSessions.closeAll(staffID: staffID)
    }

    // MARK: - Queue

    func consoleQueue(_ filter: ConsoleQueueFilter, after: ConsoleQueueCursor?, limit: Int, visibleTo _: HubStaff) throws(HubError) -> [ConsoleQueueRow] {
        try read { db in
            var (condition, arguments) = filter.condition()
            if let after {
                condition += " AND (dossier.receivedAt < ? OR (dossier.receivedAt = ? AND dossier.id < ?))"
                arguments.append(after.receivedAt)
                arguments.append(after.receivedAt)
                arguments.append(after.id)
            }
            arguments.append(limit)
            let rows = try Row.fetchAll(db, sql: """
                SELECT dossier.id, procedureId, status, dossier.village, volunteerId, volunteer.name AS volunteer,
                       receivedAt, CAST(receivedAt AS TEXT) AS receivedText, updatedAt
                FROM dossier JOIN volunteer ON volunteer.id = dossier.volunteerId
                WHERE \(condition)
                ORDER BY dossier.receivedAt DESC, dossier.id DESC LIMIT ?
                """, arguments: StatementArguments(arguments.map { $0.databaseValue }))
            return rows.map { row in
                ConsoleQueueRow(id: row["id"], procedureId: row["procedureId"], status: DossierStatus(rawValue: row["status"]) ?? .received,
                                village: row["village"], volunteerId: row["volunteerId"], volunteer: row["volunteer"],
                                receivedAt: row["receivedAt"], updatedAt: row["updatedAt"],
                                cursor: ConsoleQueueCursor(receivedAt: row["receivedText"], id: row["id"]))
            }
        }
    }

    func consoleStatusCounts(_ filter: ConsoleQueueFilter, visibleTo _: HubStaff) throws(HubError) -> [DossierStatus: Int] {
        try read { db in
            let (condition, arguments) = filter.condition(ignoringStatus: true)
            var counts: [DossierStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM dossier WHERE \(condition) GROUP BY status",
                                        arguments: StatementArguments(arguments.map { $0.databaseValue })) {
                if let status = DossierStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    func consoleFilterChoices(visibleTo _: HubStaff) throws(HubError) -> ConsoleFilterChoices {
        try read { db in
            // Each a walk of an index's distinct keys, not of every dossier.
            let villages = try String.fetchAll(db, sql: "SELECT DISTINCT village FROM dossier ORDER BY village")
            let volunteers = try Row.fetchAll(db, sql: "SELECT id, name FROM volunteer ORDER BY name, id").map {
                ConsoleFilterChoices.Volunteer(id: $0["id"], name: $0["name"])
            }
            let procedures = try String.fetchAll(db, sql: "SELECT DISTINCT procedureId FROM dossier ORDER BY procedureId")
            return ConsoleFilterChoices(villages: villages, volunteers: volunteers, procedures: procedures)
        }
    }

    // MARK: - Dashboard

    func consoleCommunes(visibleTo _: HubStaff) throws(HubError) -> [String] {
        try communes()
    }

    func consoleReport(month: ReportMonth, scope: Report.Scope, builder: ReportBuilder, visibleTo _: HubStaff) throws -> Report {
        try builder.build(month: month, scope: scope, table: reportTable, database: self)
    }

    func consoleDossiersPerDay(from: Date, until: Date, visibleTo _: HubStaff) throws(HubError) -> [ConsoleCount] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT date(receivedAt, '+7 hours') AS day, COUNT(*) AS n FROM dossier
                WHERE receivedAt >= ? AND receivedAt < ? GROUP BY day ORDER BY day
                """, arguments: [from, until]).map { ConsoleCount(key: $0["day"], count: $0["n"]) }
        }
    }

    func consoleDossierCounts(byProcedure: Bool, from: Date, until: Date, visibleTo _: HubStaff) throws(HubError) -> [ConsoleCount] {
        let column = byProcedure ? "procedureId" : "village"
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(column) AS k, COUNT(*) AS n FROM dossier
                WHERE receivedAt >= ? AND receivedAt < ? GROUP BY k ORDER BY n DESC, k LIMIT 12
                """, arguments: [from, until]).map { ConsoleCount(key: $0["k"], count: $0["n"]) }
        }
    }

    func consoleBacklog(now: Date, visibleTo _: HubStaff) throws(HubError) -> [ConsoleBacklog] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT status, COUNT(*) AS n,
                       AVG(julianday(?1) - julianday(updatedAt)) AS average,
                       MAX(julianday(?1) - julianday(updatedAt)) AS oldest
                FROM dossier WHERE status IN ('received', 'needs-supplement', 'submitted') GROUP BY status
                """, arguments: [now]).compactMap { row in
                guard let status = DossierStatus(rawValue: row["status"]) else { return nil }
                return ConsoleBacklog(status: status, count: row["n"], averageDays: row["average"] ?? 0, oldestDays: row["oldest"] ?? 0)
            }
        }
    }

    func consoleAnnouncements(limit: Int, visibleTo _: HubStaff) throws(HubError) -> [ConsoleAnnouncement] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT at, message FROM change WHERE kind = 'announcement' ORDER BY seq DESC LIMIT ?", arguments: [limit])
                .map { ConsoleAnnouncement(at: $0["at"], message: $0["message"] ?? "") }
        }
    }

    // MARK: - Admin

    func consoleAudit(before: Int64?, limit: Int) throws(HubError) -> [HubAuditEntry] {
        try read { db in
            var request = HubAuditEntry.order(HubAuditEntry.Columns.id.desc).limit(limit)
            if let before { request = request.filter(HubAuditEntry.Columns.id < before) }
            return try request.fetchAll(db)
        }
    }

    /// A SQLite hub is one commune: the officer is of it, whatever `commune` says.
    func addConsoleOfficer(name: String, commune _: String?, now: Date) throws(HubError) -> (staff: HubStaff, token: String) {
        try addStaff(role: .officer, name: name, now: now)
    }
}
