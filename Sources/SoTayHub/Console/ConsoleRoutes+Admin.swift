import Foundation
import Hummingbird
import SoTayCore
import SoTayWire

/// The admin's pages: enrolment codes, devices, officers, the audit log. An admin reads no
/// dossier; these pages show no resident's data.
extension ConsoleRoutes {
    @Sendable func codesPage(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        try render("codes", try await codeValues(), visit: visit, title: visit.text("codes"))
    }

    func codeValues() async throws -> [String: Any] {
        ["volunteers": try await store.volunteers().map { ["key": String($0.id ?? 0), "label": "\($0.name) — \($0.village) (số \($0.id ?? 0))"] }]
    }

    /// A code for a volunteer, shown in this answer only (never in a link, never stored in
    /// clear): audited before it exists, as `POST /v1/admin/enroll-codes`.
    @Sendable func makeCode(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        guard let actor = visit.actor else { throw Failure(problem: .signedOut) }
        guard let number = Int64(visit.form["volunteer"] ?? ""), number > 0 else {
            throw Failure(problem: .badInput(visit.text("volunteer")), back: "/console/admin/codes")
        }
        let volunteer = try await store.volunteer(String(number))
        try await store.appendAudit(actor, .enrollCodeIssued, dossierIDs: [], blobSHA256: nil, volunteerID: volunteer.id, now: Date())
        let (code, expiresAt) = try await store.makeEnrollCode(for: volunteer, validity: 24 * 3600, now: Date())
        context.logger.info("enrolment code made", metadata: ["volunteer": "\(number)", "via": "console"])
        var values = try await codeValues()
        values["code"] = code
        values["volunteer"] = volunteer.name
        values["expires"] = Self.time(expiresAt)
        return try render("codes", values, visit: visit, title: visit.text("codes"))
    }

    @Sendable func devicesPage(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let names = Dictionary(try await store.volunteers().map { ($0.id ?? 0, $0.name) }, uniquingKeysWith: { first, _ in first })
        let devices = try await store.devices().map { device -> [String: Any] in
            var row: [String: Any] = ["id": device.id, "name": device.name, "volunteer": names[device.volunteerId] ?? "",
                                      "enrolled": Self.time(device.enrolledAt), "lastSeen": device.lastSeenAt.map(Self.time) ?? "—"]
            if let revoked = device.revokedAt { row["revoked"] = Self.time(revoked) }
            return row
        }
        return try render("devices", ["devices": devices], visit: visit, title: visit.text("devices"))
    }

    @Sendable func revokeDevice(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let device = try await store.revokeDevice(context.parameters.get("id") ?? "", now: Date())
        context.logger.info("device revoked", metadata: ["device": "\(device.id)", "admin": "\(visit.staff?.id ?? "")", "via": "console"])
        return Self.redirect("/console/admin/devices")
    }

    @Sendable func officersPage(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        try render("officers", try await officerValues(), visit: visit, title: visit.text("officers"))
    }

    func officerValues() async throws -> [String: Any] {
        let staff = try await store.staff(role: .officer) + store.staff(role: .admin)
        // A hub of many communes (PostgreSQL) asks whose officer a new one is.
        let communes = try await store.communeList().map(\.name)
        var values: [String: Any] = ["staff": staff.map { member -> [String: Any] in
            var row: [String: Any] = ["id": member.id, "name": member.name, "role": member.role.rawValue, "created": Self.time(member.createdAt),
                                      "canRevoke": member.role == .officer]
            if let revoked = member.revokedAt { row["revoked"] = Self.time(revoked) }
            return row
        }]
        if communes.count > 1 {
            values["hasCommunes"] = true
            values["communes"] = communes.map { ["key": $0, "label": $0] }
        }
        return values
    }

    /// A new officer; the token is in this answer only, as `sotay-hub officers add` prints it.
    @Sendable func addOfficer(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let name = (visit.form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard Identifiers.isName(name) else { throw Failure(problem: .badInput(visit.text("name")), back: "/console/admin/officers") }
        let commune = (visit.form["commune"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let (staff, token) = try await store.addConsoleOfficer(name: name, commune: commune.isEmpty ? nil : commune, now: Date())
        context.logger.info("officer added", metadata: ["officer": "\(staff.id)", "via": "console"])
        var values = try await officerValues()
        values["token"] = token
        return try render("officers", values, visit: visit, title: visit.text("officers"))
    }

    @Sendable func revokeOfficer(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let staff = try await store.revokeStaff(context.parameters.get("id") ?? "", role: .officer, now: Date())
        try await store.closeConsoleSessions(staffID: staff.id)
        context.logger.info("officer revoked", metadata: ["officer": "\(staff.id)", "via": "console"])
        return Self.redirect("/console/admin/officers")
    }

    /// The audit log, newest first, 100 rows a page.
    @Sendable func auditPage(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        var before: Int64?
        if let text = request.uri.queryParameters.get("before") {
            guard let value = Int64(text), value > 0 else { throw Failure(problem: .badInput("before"), back: "/console/admin/audit") }
            before = value
        }
        let rows = try await store.consoleAudit(before: before, limit: 101)
        let page = rows.prefix(100)
        var values: [String: Any] = ["entries": page.map { entry -> [String: Any] in
            ["at": Self.time(entry.at), "who": "\(entry.actorName) (\(entry.actorRole.rawValue) \(entry.actorId))", "action": entry.action.rawValue,
             "dossier": entry.dossierId ?? entry.volunteerId.map { "volunteer \($0)" } ?? "", "address": entry.clientAddress ?? ""]
        }]
        if rows.count > 100, let last = page.last?.id { values["olderLink"] = "/console/admin/audit?before=\(last)" }
        return try render("audit", values, visit: visit, title: visit.text("audit"))
    }
}
