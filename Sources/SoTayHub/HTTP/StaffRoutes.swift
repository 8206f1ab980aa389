import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SoTayCore
import SoTayWire

/// The officers' routes (`/v1/officer/…`: the commune's dossiers) and the admin's
/// (`/v1/admin/…`: enrolment, devices, the audit log). See `sync/PROTOCOL.md`, "Roles".
///
/// Every read of a resident's personal data writes its audit row first; when the row cannot
/// be written, nothing is shown. An officer reaches only the dossiers of their commune (see
/// `HubOfficerRepository`); one of another commune is answered 404, as if it did not exist.
struct StaffRoutes {
    let store: any HubOfficerRepository

    static let defaultListLimit = 200
    static let maxListLimit = 1000

    func register(officer: RouterGroup<HubRequestContext>, admin: RouterGroup<HubRequestContext>, recorder: RouteRecorder) {
        recorder.on(officer, .get, "officer/dossiers", listDossiers)
        recorder.on(officer, .get, "officer/dossiers/:id", showDossier)
        recorder.on(officer, .post, "officer/dossiers/:id/status", setStatus)
        recorder.on(officer, .get, "officer/dossiers/:id/attachments/:sha256", downloadAttachment)
        recorder.on(admin, .post, "admin/enroll-codes", makeEnrollCode)
        recorder.on(admin, .get, "admin/devices", listDevices)
        recorder.on(admin, .post, "admin/devices/:id/revoke", revokeDevice)
        recorder.on(admin, .get, "admin/audit", readAudit)
    }

    // MARK: - Officer

    /// The queue: metadata only, so no audit row (the resident's name is in `showDossier`).
    @Sendable func listDossiers(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (staff, _) = try context.requireStaff()
        let query = request.uri.queryParameters
        var status: DossierStatus?
        if let text = query.get("status") {
            guard let parsed = DossierStatus(rawValue: text) else {
                throw Refusal.invalid([.init(field: "status", problem: "must be one of \(DossierStatus.allCases.map(\.rawValue).joined(separator: ", "))")])
            }
            status = parsed
        }
        let limit = try Self.limit(query.get("limit"))
        return try await Self.translating {
            try JSONResponse.make(DossierList(dossiers: try await store.dossierSummaries(status: status, limit: limit, visibleTo: staff)))
        }
    }

    @Sendable func showDossier(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (staff, actor) = try context.requireStaff()
        let id = try Self.dossierID(context)
        return try await Self.translating {
            let dossier = try await store.dossier(id, visibleTo: staff)
            try await store.appendAudit(actor, .dossierShow, dossierIDs: [dossier.id], blobSHA256: nil, volunteerID: nil, now: Date())
            let decoder = WireProtocol.decoder()
            let stored = try await store.revisions(of: dossier.id)
            let creator = stored.first?.deviceId
            let revisions = stored.map { revision in
                DossierDetail.Revision(revision: revision.revision, kind: revision.kind, receivedAt: revision.receivedAt,
                                       contentSHA256: revision.contentSHA256,
                                       content: try? decoder.decode(DossierUpload.self, from: Data(revision.body.utf8)),
                                       deviceId: revision.deviceId, otherDevice: revision.deviceId != creator)
            }
            let detail = DossierDetail(dossier: try await store.dossierSummary(dossier), residentName: dossier.residentName, revisions: revisions,
                                       attachments: revisions.last?.content?.attachments ?? [])
            return try JSONResponse.make(detail)
        }
    }

    /// The officer's decision, through the same store call as `sotay-hub dossiers set-status`,
    /// so the volunteer gets it in the change feed.
    @Sendable func setStatus(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (staff, actor) = try context.requireStaff()
        let id = try Self.dossierID(context)
        let body = try JSONBody.decode(StatusRequest.self, from: try await JSONBody.bytes(of: request, limit: WireProtocol.maxSmallBody))
        var problems: [FieldProblem] = []
        if let reason = body.reason, !(1...2000).contains(reason.count) { problems.append(.init(field: "reason", problem: "must be 1–2000 characters")) }
        if let code = body.portalCode, !Identifiers.isName(code) { problems.append(.init(field: "portalCode", problem: "must be 1–200 characters")) }
        if (body.status == .needsSupplement || body.status == .rejected) && (body.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(.init(field: "reason", problem: "is required for \(body.status.rawValue): the volunteer passes it on to the resident"))
        }
        guard problems.isEmpty else { throw Refusal.invalid(problems) }
        return try await Self.translating {
            let visible = try await store.dossier(id, visibleTo: staff)
            let dossier = try await store.setStatus(visible.id, to: body.status, portalCode: body.portalCode, reason: body.reason, now: Date())
            try await store.appendAudit(actor, .statusChange, dossierIDs: [dossier.id], blobSHA256: nil, volunteerID: nil, now: Date())
            context.logger.info("status set", metadata: ["dossier": "\(dossier.id)", "status": "\(dossier.status.rawValue)"])
            return try JSONResponse.make(try await store.dossierSummary(dossier))
        }
    }

    /// An attachment's bytes, only of the dossier named in the path: an export, audited.
    @Sendable func downloadAttachment(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (staff, actor) = try context.requireStaff()
        let id = try Self.dossierID(context)
        let sha256 = context.parameters.get("sha256") ?? ""
        guard Identifiers.isSHA256(sha256) else { throw Refusal.invalid([.init(field: "sha256", problem: "must be 64 lowercase hex digits")]) }
        return try await Self.translating {
            let dossier = try await store.dossier(id, visibleTo: staff)
            guard let attachment = try await store.attachment(of: dossier.id, named: sha256) else {
                throw Refusal(404, .notFound, "This dossier has no such attachment.")
            }
            try await store.appendAudit(actor, .attachmentDownload, dossierIDs: [dossier.id], blobSHA256: sha256, volunteerID: nil, now: Date())
            let data = try await store.blobContents(sha256: sha256)
            let kind = FileKind(mediaType: attachment.mediaType)
            let name = "\(sha256.prefix(16)).\(kind?.rawValue ?? "bin")"
            return Response(status: .ok, headers: [
                .contentType: kind?.mediaType ?? "application/octet-stream",
                .contentDisposition: "attachment; filename=\"\(name)\"",
            ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    // MARK: - Admin

    @Sendable func makeEnrollCode(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (staff, actor) = try context.requireStaff()
        let body = try JSONBody.decode(EnrollCodeRequest.self, from: try await JSONBody.bytes(of: request, limit: WireProtocol.maxSmallBody))
        guard let number = Int64(body.volunteerId), number > 0 else {
            throw Refusal.invalid([.init(field: "volunteerId", problem: "must be a volunteer's number (sotay-hub volunteers list)")])
        }
        return try await Self.translating {
            let volunteer = try await store.volunteer(String(number))
            // Logged before the code exists: a code no one can account for is never handed out.
            try await store.appendAudit(actor, .enrollCodeIssued, dossierIDs: [], blobSHA256: nil, volunteerID: volunteer.id, now: Date())
            let (code, expiresAt) = try await store.makeEnrollCode(for: volunteer, validity: 24 * 3600, now: Date())
            context.logger.info("enrolment code made", metadata: ["volunteer": "\(number)", "admin": "\(staff.id)"])
            return try JSONResponse.make(EnrollCodeReply(code: code, expiresAt: expiresAt, volunteer: volunteer.info), status: .created)
        }
    }

    @Sendable func listDevices(_ request: Request, context: HubRequestContext) async throws -> Response {
        _ = try context.requireStaff()
        return try await Self.translating { try JSONResponse.make(DeviceList(devices: try await store.devices().map(DeviceInfo.init))) }
    }

    @Sendable func revokeDevice(_ request: Request, context: HubRequestContext) async throws -> Response {
        let (staff, _) = try context.requireStaff()
        _ = try await JSONBody.none(request)
        let id = context.parameters.get("id") ?? ""
        return try await Self.translating {
            let device = try await store.revokeDevice(id, now: Date())
            context.logger.info("device revoked", metadata: ["device": "\(device.id)", "admin": "\(staff.id)"])
            return try JSONResponse.make(DeviceInfo(device))
        }
    }

    @Sendable func readAudit(_ request: Request, context: HubRequestContext) async throws -> Response {
        _ = try context.requireStaff()
        let query = request.uri.queryParameters
        var since: Date?
        if let text = query.get("since") {
            guard let date = WireDate.date(text) ?? AuditDate.day(text) else {
                throw Refusal.invalid([.init(field: "since", problem: "must be a date (YYYY-MM-DD, Vietnam time) or an ISO 8601 time")])
            }
            since = date
        }
        guard let after = query.get("after").map({ Int64($0) }) ?? 0, after >= 0 else {
            throw Refusal.invalid([.init(field: "after", problem: "must be the next value of a previous page")])
        }
        let limit = try Self.limit(query.get("limit"))
        return try await Self.translating {
            let rows = try await store.auditEntries(since: since, after: after, limit: limit + 1)
            let page = rows.prefix(limit)
            return try JSONResponse.make(AuditLog(entries: page.map(AuditRecord.init), next: String(page.last?.id ?? after), more: rows.count > limit))
        }
    }

    // MARK: - Helpers

    static func limit(_ text: String?) throws -> Int {
        guard let limit = text.map({ Int($0) }) ?? defaultListLimit, (1...maxListLimit).contains(limit) else {
            throw Refusal.invalid([.init(field: "limit", problem: "must be 1–\(maxListLimit)")])
        }
        return limit
    }

    /// A dossier id in a path is the whole lowercase UUID: no prefixes over HTTP.
    static func dossierID(_ context: HubRequestContext) throws -> String {
        let id = context.parameters.get("id") ?? ""
        guard Identifiers.isUUID(id) else { throw Refusal.invalid([.init(field: "id", problem: "must be a dossier's lowercase UUID")]) }
        return id
    }

    /// Runs a store call, answering the store's errors as refusals.
    static func translating(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as HubError {
            throw refusal(error)
        }
    }

    static func refusal(_ error: HubError) -> Refusal {
        let english = error.message(.en)
        switch error {
        case .dossierNotFound, .ambiguousDossier, .volunteerNotFound, .ambiguousVolunteer, .deviceNotFound, .staffNotFound:
            return Refusal(404, .notFound, english)
        case .reasonRequired:
            return Refusal.invalid([.init(field: "reason", problem: "is required for this status")])
        case .invalidText(let field):
            return Refusal.invalid([.init(field: field, problem: "must be 1–200 characters")])
        case .storage(let fault):
            return fault.refusal
        case .diskFull:
            return StorageFault(kind: .full, path: "", detail: "disk full").refusal
        case .busy:
            return Refusal(503, .internalError, "The hub's database is busy. Try again in a moment.", retryAfter: 2)
        default:
            return Refusal(500, .internalError, "The hub could not handle the request. Nothing was stored; try again later.")
        }
    }
}

/// Dates as the commune types them: a day in Vietnam's time.
public enum AuditDate {
    /// The start of `YYYY-MM-DD` in Vietnam's time (UTC+7).
    public static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              parts[0].count == 4, (1...12).contains(month), (1...31).contains(day) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .vietnam
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}
