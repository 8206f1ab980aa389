import Foundation
import PostgresNIO
import SoTayCore
import SoTayReports
import SoTayWire

/// The officer's console on PostgreSQL. Its sessions are rows (`console_session`), so every
/// `serve` process behind the load balancer knows every session; an officer's pages read their
/// own commune's dossiers, volunteers and figures, an admin's the whole hub's.
extension PostgresHubStore: HubConsoleRepository {
    // MARK: - Sessions

    func openConsoleSession(key: String, _ session: ConsoleSession, lifetimes: ConsoleLifetimes) async throws {
        let logger = logger
        let (idleCutoff, absoluteCutoff) = Self.cutoffs(session.createdAt, lifetimes)
        try await transaction { connection in
            // Sessions nobody signed out of go as new ones open: the table stays the size of the live ones.
            try await connection.query("""
                DELETE FROM console_session WHERE last_used_at <= \(idleCutoff) OR created_at <= \(absoluteCutoff)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO console_session (key_hash, staff_id, csrf, created_at, last_used_at)
                VALUES (\(key), \(session.staffID), \(session.csrf), \(session.createdAt), \(session.lastUsedAt))
                """, logger: logger)
        }
    }

    func consoleSession(key: String, now: Date, lifetimes: ConsoleLifetimes) async throws -> (session: ConsoleSession, staff: HubStaff)? {
        let (idleCutoff, absoluteCutoff) = Self.cutoffs(now, lifetimes)
        // One statement: live, its staff member's token not revoked, and touched.
        let touched = try await rows("""
            UPDATE console_session cs SET last_used_at = \(now)
            FROM staff s
            WHERE cs.key_hash = \(key) AND s.id = cs.staff_id AND s.revoked_at IS NULL
              AND cs.last_used_at > \(idleCutoff) AND cs.created_at > \(absoluteCutoff)
            RETURNING cs.staff_id, cs.csrf, cs.created_at, cs.last_used_at,
                      s.role, s.name, s.token_hash, s.created_at AS staff_created_at, s.revoked_at
            """)
        guard let row = touched.first else {
            // Unknown, expired, or its token revoked: whatever is left of it goes.
            _ = try await rows("DELETE FROM console_session WHERE key_hash = \(key)")
            return nil
        }
        let session = ConsoleSession(staffID: try row.value("staff_id"), csrf: try row.value("csrf"), createdAt: try row.value("created_at"),
                                     lastUsedAt: try row.value("last_used_at"))
        let staff = HubStaff(id: session.staffID, role: HubRole(rawValue: try row.value("role")) ?? .officer, name: try row.value("name"),
                             tokenHash: try row.value("token_hash"), createdAt: try row.value("staff_created_at"), revokedAt: try row.value("revoked_at"))
        return (session, staff)
    }

    func closeConsoleSession(key: String) async throws {
        _ = try await rows("DELETE FROM console_session WHERE key_hash = \(key)")
    }

    func closeConsoleSessions(staffID: String) async throws {
        _ = try await rows("DELETE FROM console_session WHERE staff_id = \(staffID)")
    }

    /// The last moments a session must have been used and opened after to be live at `now`.
    static func cutoffs(_ now: Date, _ lifetimes: ConsoleLifetimes) -> (idle: Date, absolute: Date) {
        (now.addingTimeInterval(-lifetimes.idle), now.addingTimeInterval(-lifetimes.absolute))
    }

    // MARK: - Whose dossiers

    /// What a staff member's pages read: the whole hub, one commune, or nothing (a revoked token,
    /// an officer with no commune: never every commune).
    enum ConsoleReach {
        case nothing
        case hub
        case commune(Int64)

        /// The commune to filter by, as bound in the statements: nil means every commune.
        var communeID: Int64? {
            if case .commune(let id) = self { return id }
            return nil
        }
    }

    func consoleReach(_ staff: HubStaff) async throws -> ConsoleReach {
        guard let row = try await rows("SELECT role, commune_id FROM staff WHERE id = \(staff.id) AND revoked_at IS NULL").first else { return .nothing }
        guard try row.value("role", String.self) == HubRole.officer.rawValue else { return .hub }
        guard let commune: Int64 = try row.value("commune_id") else { return .nothing }
        return .commune(commune)
    }

    // MARK: - Queue

    func consoleQueue(_ filter: ConsoleQueueFilter, after: ConsoleQueueCursor?, limit: Int, visibleTo staff: HubStaff) async throws -> [ConsoleQueueRow] {
        let reach = try await consoleReach(staff)
        if case .nothing = reach { return [] }
        // The cursor is this store's: microseconds since 1970. Another's (a link kept from a SQLite
        // hub) starts nowhere.
        var afterMicros: Int64?
        if let after {
            guard let micros = Int64(after.receivedAt) else { return [] }
            afterMicros = micros
        }
        let commune = reach.communeID
        return try await rows("""
            SELECT d.id, d.procedure_id, d.status, d.village, d.volunteer_id, v.name AS volunteer, d.received_at, d.updated_at,
                   (EXTRACT(EPOCH FROM d.received_at) * 1000000)::bigint AS received_micros
            FROM dossier d JOIN volunteer v ON v.id = d.volunteer_id
            WHERE (\(commune)::bigint IS NULL OR d.commune_id = \(commune))
              AND (\(filter.status?.rawValue)::text IS NULL OR d.status = \(filter.status?.rawValue))
              AND (\(filter.village)::text IS NULL OR d.village = \(filter.village))
              AND (\(filter.volunteerId)::bigint IS NULL OR d.volunteer_id = \(filter.volunteerId))
              AND (\(filter.procedureId)::text IS NULL OR d.procedure_id = \(filter.procedureId))
              AND (\(filter.from)::timestamptz IS NULL OR d.received_at >= \(filter.from))
              AND (\(filter.until)::timestamptz IS NULL OR d.received_at < \(filter.until))
              AND (\(afterMicros)::bigint IS NULL
                   OR (d.received_at, d.id) < ('epoch'::timestamptz + \(afterMicros)::bigint * interval '1 microsecond', \(after?.id)))
            ORDER BY d.received_at DESC, d.id DESC LIMIT \(limit)
            """).map { row in
            let id: String = try row.value("id")
            let micros: Int64 = try row.value("received_micros")
            return ConsoleQueueRow(id: id, procedureId: try row.value("procedure_id"), status: DossierStatus(rawValue: try row.value("status")) ?? .received,
                                   village: try row.value("village"), volunteerId: try row.value("volunteer_id"), volunteer: try row.value("volunteer"),
                                   receivedAt: try row.value("received_at"), updatedAt: try row.value("updated_at"),
                                   cursor: ConsoleQueueCursor(receivedAt: String(micros), id: id))
        }
    }

    func consoleStatusCounts(_ filter: ConsoleQueueFilter, visibleTo staff: HubStaff) async throws -> [DossierStatus: Int] {
        let reach = try await consoleReach(staff)
        if case .nothing = reach { return [:] }
        let commune = reach.communeID
        var counts: [DossierStatus: Int] = [:]
        for row in try await rows("""
            SELECT d.status, COUNT(*) AS n FROM dossier d
            WHERE (\(commune)::bigint IS NULL OR d.commune_id = \(commune))
              AND (\(filter.village)::text IS NULL OR d.village = \(filter.village))
              AND (\(filter.volunteerId)::bigint IS NULL OR d.volunteer_id = \(filter.volunteerId))
              AND (\(filter.procedureId)::text IS NULL OR d.procedure_id = \(filter.procedureId))
              AND (\(filter.from)::timestamptz IS NULL OR d.received_at >= \(filter.from))
              AND (\(filter.until)::timestamptz IS NULL OR d.received_at < \(filter.until))
            GROUP BY d.status
            """) {
            if let status = DossierStatus(rawValue: try row.value("status")) { counts[status] = Int(try row.value("n", Int64.self)) }
        }
        return counts
    }

    func consoleFilterChoices(visibleTo staff: HubStaff) async throws -> ConsoleFilterChoices {
        let reach = try await consoleReach(staff)
        if case .nothing = reach { return ConsoleFilterChoices(villages: [], volunteers: [], procedures: []) }
        let commune = reach.communeID
        let villages = try await rows("""
            SELECT DISTINCT village FROM dossier WHERE (\(commune)::bigint IS NULL OR commune_id = \(commune)) ORDER BY village
            """).map { try $0.value("village", String.self) }
        let volunteers = try await rows("""
            SELECT id, name FROM volunteer WHERE (\(commune)::bigint IS NULL OR commune_id = \(commune)) ORDER BY name, id
            """).map { ConsoleFilterChoices.Volunteer(id: try $0.value("id"), name: try $0.value("name")) }
        let procedures = try await rows("""
            SELECT DISTINCT procedure_id FROM dossier WHERE (\(commune)::bigint IS NULL OR commune_id = \(commune)) ORDER BY procedure_id
            """).map { try $0.value("procedure_id", String.self) }
        return ConsoleFilterChoices(villages: villages, volunteers: volunteers, procedures: procedures)
    }

    // MARK: - Dashboard

    func consoleCommunes(visibleTo staff: HubStaff) async throws -> [String] {
        let reach = try await consoleReach(staff)
        if case .nothing = reach { return [] }
        let commune = reach.communeID
        return try await rows("""
            SELECT c.name FROM commune c LEFT JOIN volunteer v ON v.commune_id = c.id
            WHERE (\(commune)::bigint IS NULL OR c.id = \(commune))
            GROUP BY c.id, c.name ORDER BY COUNT(v.id) DESC, c.name
            """).map { try $0.value("name", String.self) }
    }

    func consoleReport(month: ReportMonth, scope: Report.Scope, builder: ReportBuilder, visibleTo staff: HubStaff) async throws -> Report {
        switch try await consoleReach(staff) {
        case .hub: return try await report(month: month, scope: scope, by: nil, builder: builder, communeID: nil)
        case .commune(let id): return try await report(month: month, scope: scope, by: nil, builder: builder, communeID: id)
        // No commune has the number 0 (they count from 1): a report of nothing, never of every commune.
        case .nothing: return try await report(month: month, scope: scope, by: nil, builder: builder, communeID: 0)
        }
    }

    func consoleDossiersPerDay(from: Date, until: Date, visibleTo staff: HubStaff) async throws -> [ConsoleCount] {
        let reach = try await consoleReach(staff)
        if case .nothing = reach { return [] }
        let commune = reach.communeID
        // Vietnam is UTC+7 all year round.
        return try await rows("""
            SELECT to_char((received_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD') AS day, COUNT(*) AS n FROM dossier
            WHERE (\(commune)::bigint IS NULL OR commune_id = \(commune)) AND received_at >= \(from) AND received_at < \(until)
            GROUP BY day ORDER BY day
            """).map { ConsoleCount(key: try $0.value("day"), count: Int(try $0.value("n", Int64.self))) }
    }

    func consoleDossierCounts(byProcedure: Bool, from: Date, until: Date, visibleTo staff: HubStaff) async throws -> [ConsoleCount] {
        let reach = try await consoleReach(staff)
        if case .nothing = reach { return [] }
        let commune = reach.communeID
        // One of two column names, from this line, never from a request.
        let column = byProcedure ? "procedure_id" : "village"
        return try await rows("""
            SELECT \(unescaped: column) AS k, COUNT(*) AS n FROM dossier
            WHERE (\(commune)::bigint IS NULL OR commune_id = \(commune)) AND received_at >= \(from) AND received_at < \(until)
            GROUP BY k ORDER BY n DESC, k LIMIT 12
            """).map { ConsoleCount(key: try $0.value("k"), count: Int(try $0.value("n", Int64.self))) }
    }

    func consoleBacklog(now: Date, visibleTo staff: HubStaff) async throws -> [ConsoleBacklog] {
        let reach = try await consoleReach(staff)
        if case .nothing = reach { return [] }
        let commune = reach.communeID
        return try await rows("""
            SELECT status, COUNT(*) AS n,
                   (AVG(EXTRACT(EPOCH FROM (\(now) - updated_at))) / 86400)::float8 AS average,
                   (MAX(EXTRACT(EPOCH FROM (\(now) - updated_at))) / 86400)::float8 AS oldest
            FROM dossier
            WHERE (\(commune)::bigint IS NULL OR commune_id = \(commune)) AND status IN ('received', 'needs-supplement', 'submitted')
            GROUP BY status ORDER BY status
            """).compactMap { row in
            guard let status = DossierStatus(rawValue: try row.value("status")) else { return nil }
            return ConsoleBacklog(status: status, count: Int(try row.value("n", Int64.self)), averageDays: try row.value("average"),
                                  oldestDays: try row.value("oldest"))
        }
    }

    func consoleAnnouncements(limit: Int, visibleTo staff: HubStaff) async throws -> [ConsoleAnnouncement] {
        let reach = try await consoleReach(staff)
        if case .nothing = reach { return [] }
        let commune = reach.communeID
        // An announcement is one change in every commune's feed: listed once.
        return try await rows("""
            SELECT at, message FROM change
            WHERE kind = 'announcement' AND (\(commune)::bigint IS NULL OR commune_id = \(commune))
            GROUP BY at, message ORDER BY at DESC LIMIT \(limit)
            """).map { ConsoleAnnouncement(at: try $0.value("at"), message: try $0.value("message", String?.self) ?? "") }
    }

    // MARK: - Admin

    func consoleAudit(before: Int64?, limit: Int) async throws -> [HubAuditEntry] {
        try await rows("""
            SELECT * FROM audit_entry WHERE (\(before)::bigint IS NULL OR id < \(before)) ORDER BY id DESC LIMIT \(limit)
            """).map(Self.auditEntry)
    }

    /// On a hub of many communes the officer's commune must be named (`HubError.officerNeedsCommune`).
    func addConsoleOfficer(name: String, commune: String?, now: Date) async throws -> (staff: HubStaff, token: String) {
        try await addStaff(role: .officer, name: name, commune: commune, now: now)
    }
}
