import Foundation
import SoTayCore
import SoTayReports
import SoTayWire

/// What the officer's web console (`/console`) asks of a store, whatever the engine: its
/// sign-in sessions, the queue and its filters, the dashboard's counts, the admin's audit page.
/// Dossiers, revisions, photos, staff and the audit log come from the protocols it refines, the
/// same calls the JSON routes make.
///
/// Tenancy as in `HubOfficerRepository`: `visibleTo` an officer means their commune's dossiers,
/// volunteers and figures only (on SQLite, one commune: all of them); an admin sees the whole hub.
protocol HubConsoleRepository: HubOfficerRepository, HubStaffRepository, HubSyncRepository, HubReportRepository, HubCommuneRepository {
    // MARK: Sessions

    /// Keeps a new session under `key` (the SHA-256 of its cookie, never the cookie).
    func openConsoleSession(key: String, _ session: ConsoleSession, lifetimes: ConsoleLifetimes) async throws
    /// The live session under `key` and its staff member (not revoked), its idle timer restarted
    /// at `now`; nil when unknown, expired, or the token was revoked (the session then ends).
    func consoleSession(key: String, now: Date, lifetimes: ConsoleLifetimes) async throws -> (session: ConsoleSession, staff: HubStaff)?
    /// Signs out: the session under `key` ends.
    func closeConsoleSession(key: String) async throws
    /// Ends every session of a staff member (their token was revoked).
    func closeConsoleSessions(staffID: String) async throws

    // MARK: Queue

    /// A page of the queue, newest received first, strictly after `after`.
    func consoleQueue(_ filter: ConsoleQueueFilter, after: ConsoleQueueCursor?, limit: Int, visibleTo staff: HubStaff) async throws -> [ConsoleQueueRow]
    /// How many dossiers of each status match the filter (its status aside).
    func consoleStatusCounts(_ filter: ConsoleQueueFilter, visibleTo staff: HubStaff) async throws -> [DossierStatus: Int]
    /// The choices of the queue's filters: villages with dossiers, volunteers, procedures.
    func consoleFilterChoices(visibleTo staff: HubStaff) async throws -> ConsoleFilterChoices

    // MARK: Dashboard

    /// The communes the report is about, most volunteers first: the report's heading.
    func consoleCommunes(visibleTo staff: HubStaff) async throws -> [String]
    /// The month's report (counts only) over the activities `staff` may see.
    func consoleReport(month: ReportMonth, scope: Report.Scope, builder: ReportBuilder, visibleTo staff: HubStaff) async throws -> Report
    /// Dossiers received per day (Vietnam time, `2026-11-05`) in [from, until).
    func consoleDossiersPerDay(from: Date, until: Date, visibleTo staff: HubStaff) async throws -> [ConsoleCount]
    /// Dossiers received in [from, until) per village or per procedure, most first, at most 12.
    func consoleDossierCounts(byProcedure: Bool, from: Date, until: Date, visibleTo staff: HubStaff) async throws -> [ConsoleCount]
    /// How long dossiers still open have waited since their last change, per status.
    func consoleBacklog(now: Date, visibleTo staff: HubStaff) async throws -> [ConsoleBacklog]
    /// Announcements sent to the volunteers, newest first.
    func consoleAnnouncements(limit: Int, visibleTo staff: HubStaff) async throws -> [ConsoleAnnouncement]

    // MARK: Admin

    /// The audit log, newest first, before the row `before` (keyset): the admin's page.
    func consoleAudit(before: Int64?, limit: Int) async throws -> [HubAuditEntry]
    /// A new officer of `commune` (nil: the hub's only commune), and the token shown once.
    func addConsoleOfficer(name: String, commune: String?, now: Date) async throws -> (staff: HubStaff, token: String)
}

// MARK: - Values

/// How long a console session lives.
struct ConsoleLifetimes: Sendable, Hashable {
    /// A session unused this long is over.
    var idle: TimeInterval
    /// A session is over this long after sign-in, used or not.
    var absolute: TimeInterval

    /// Whether a session is still live at `now`.
    func allows(_ session: ConsoleSession, at now: Date) -> Bool {
        now.timeIntervalSince(session.lastUsedAt) < idle && now.timeIntervalSince(session.createdAt) < absolute
    }
}

/// One signed-in officer or admin, as the store keeps it (under the SHA-256 of the cookie).
struct ConsoleSession: Sendable, Hashable {
    var staffID: String
    /// The token every form of this session carries (synchronizer-token CSRF defence).
    var csrf: String
    var createdAt: Date
    var lastUsedAt: Date
}

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
}

/// Where a page of the queue ends: the last row's stored `receivedAt` (as the store writes it:
/// GRDB's text on SQLite, microseconds since 1970 on PostgreSQL) and id. The next page starts
/// strictly after it, whatever was received meanwhile (keyset pagination).
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

/// The queue's filter choices.
struct ConsoleFilterChoices: Sendable, Hashable {
    struct Volunteer: Sendable, Hashable {
        var id: Int64
        var name: String
    }

    var villages: [String]
    var volunteers: [Volunteer]
    var procedures: [String]
}

/// A count under a key (a day, a village, a procedure).
struct ConsoleCount: Sendable, Hashable {
    var key: String
    var count: Int
}

/// Dossiers of one open status and how long they have waited, in days.
struct ConsoleBacklog: Sendable, Hashable {
    var status: DossierStatus
    var count: Int
    var averageDays: Double
    var oldestDays: Double
}

/// A message sent to every volunteer through the feed.
struct ConsoleAnnouncement: Sendable, Hashable {
    var at: Date
    var message: String
}
