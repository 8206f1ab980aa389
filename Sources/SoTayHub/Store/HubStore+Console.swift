import Foundation
import GRDB
import SoTayWire

/// What the officer's web console filters the queue by. Every field is optional.
struct ConsoleQueueFilter: Sendable, Hashable {
    var status: DossierStatus?
    var village: String?
    var volunteerId: Int64?
    var procedureId: String?
    /// Received on or after (start of a day, Vietnam time).
    var from: Date?
    /// Received before (the start of the day after the last one asked).
    var until: Date?

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

/// Where a page of the queue ends: the last row's stored `receivedAt` text and id. The next
/// page starts strictly after it, whatever was received meanwhile (keyset pagination).
struct ConsoleQueueCursor: Sendable, Hashable {
    var receivedAt: String
    var id: String

    /// `2026-11-05T08:01:02.345~<uuid>`, as it travels in a link.
    var token: String { receivedAt.replacingOccurrences(of: " ", with: "T") + "~" + id }

    init(receivedAt: String, id: String) {
        self.receivedAt = receivedAt
        self.id = id
    }

    init?(token: String) {
        let parts = token.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count == 2, Identifiers.isUUID(String(parts[1])) else { return nil }
        let time = parts[0].replacingOccurrences(of: "T", with: " ")
        guard (10...30).contains(time.count), time.allSatisfy({ $0.isASCII && ($0.isNumber || "-: .".contains($0)) }) else { return nil }
        receivedAt = time
        id = String(parts[1])
    }
}

/// One line of the queue: metadata only, never the resident's name.
struct ConsoleQueueRow: Sendable, Hashable {
    var id: String
    var procedureId: String
    var status: DossierStatus
    var village: String
    var volunteerId: Int64
    var volunteer: String
    var receivedAt: Date
    var updatedAt: Date
    var cursor: ConsoleQueueCursor
}

/// Everything the console reads from the hub's database, in one place (for the storage
/// repository of #18: these are the queries a second backend must answer).
extension HubStore {
    /// A page of the queue, newest received first, strictly after `after`.
    func consoleQueue(_ filter: ConsoleQueueFilter, after: ConsoleQueueCursor?, limit: Int) throws(HubError) -> [ConsoleQueueRow] {
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

    /// How many dossiers of each status match the filter (its status aside).
    func consoleStatusCounts(_ filter: ConsoleQueueFilter) throws(HubError) -> [DossierStatus: Int] {
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

    /// The choices of the queue's filters: villages with dossiers, volunteers, procedures.
    func consoleFilterChoices() throws(HubError) -> (villages: [String], volunteers: [(id: Int64, name: String)], procedures: [String]) {
        try read { db in
            // Each a walk of an index's distinct keys, not of every dossier.
            let villages = try String.fetchAll(db, sql: "SELECT DISTINCT village FROM dossier ORDER BY village")
            let volunteers = try Row.fetchAll(db, sql: "SELECT id, name FROM volunteer ORDER BY name, id").map { (id: $0["id"] as Int64, name: $0["name"] as String) }
            let procedures = try String.fetchAll(db, sql: """
                SELECT DISTINCT procedureId FROM dossier ORDER BY procedureId
                """)
            return (villages, volunteers, procedures)
        }
    }

    /// An officer or admin by id, revoked or not.
    func consoleStaff(_ id: String) throws(HubError) -> HubStaff? {
        try read { db in try HubStaff.fetchOne(db, key: id) }
    }

    // MARK: - Dashboard

    /// Dossiers received per day (Vietnam time) in [from, until).
    func consoleDossiersPerDay(from: Date, until: Date) throws(HubError) -> [(day: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT date(receivedAt, '+7 hours') AS day, COUNT(*) AS n FROM dossier
                WHERE receivedAt >= ? AND receivedAt < ? GROUP BY day ORDER BY day
                """, arguments: [from, until]).map { (day: $0["day"], count: $0["n"]) }
        }
    }

    /// Dossiers received in [from, until) per village or per procedure, most first.
    func consoleDossierCounts(byProcedure: Bool, from: Date, until: Date) throws(HubError) -> [(key: String, count: Int)] {
        let column = byProcedure ? "procedureId" : "village"
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(column) AS k, COUNT(*) AS n FROM dossier
                WHERE receivedAt >= ? AND receivedAt < ? GROUP BY k ORDER BY n DESC, k LIMIT 12
                """, arguments: [from, until]).map { (key: $0["k"], count: $0["n"]) }
        }
    }

    /// How long dossiers have waited since their last change, per status still open.
    func consoleBacklog(now: Date = Date()) throws(HubError) -> [(status: DossierStatus, count: Int, averageDays: Double, oldestDays: Double)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT status, COUNT(*) AS n,
                       AVG(julianday(?1) - julianday(updatedAt)) AS average,
                       MAX(julianday(?1) - julianday(updatedAt)) AS oldest
                FROM dossier WHERE status IN ('received', 'needs-supplement', 'submitted') GROUP BY status
                """, arguments: [now]).compactMap { row in
                guard let status = DossierStatus(rawValue: row["status"]) else { return nil }
                return (status: status, count: row["n"], averageDays: row["average"] ?? 0, oldestDays: row["oldest"] ?? 0)
            }
        }
    }

    /// Announcements sent to every volunteer, newest first.
    func consoleAnnouncements(limit: Int) throws(HubError) -> [(at: Date, message: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT at, message FROM change WHERE kind = 'announcement' ORDER BY seq DESC LIMIT ?", arguments: [limit])
                .map { (at: $0["at"], message: $0["message"] ?? "") }
        }
    }

    /// The audit log, newest first, before the row `before` (keyset), `limit` rows.
    func consoleAudit(before: Int64?, limit: Int) throws(HubError) -> [HubAuditEntry] {
        try read { db in
            var request = HubAuditEntry.order(HubAuditEntry.Columns.id.desc).limit(limit)
            if let before { request = request.filter(HubAuditEntry.Columns.id < before) }
            return try request.fetchAll(db)
        }
    }
}
