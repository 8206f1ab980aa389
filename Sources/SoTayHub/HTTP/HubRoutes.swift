import Foundation
import Hummingbird
import SoTayWire

/// A route the hub answers, in the contract's spelling (`/v1/dossiers/{id}`).
public struct RouteSpec: Hashable, Sendable, CustomStringConvertible {
    public let method: String
    public let path: String
    public var description: String { "\(method) \(path)" }
}

/// Registers routes on a Hummingbird router group and remembers each one, so that a test can
/// hold the list the server really answers against `sync/openapi.yaml`.
final class RouteRecorder: @unchecked Sendable {
    private(set) var routes: [RouteSpec] = []

    func on(_ group: RouterGroup<HubRequestContext>, _ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Request, HubRequestContext) async throws -> Response) {
        group.on(RouterPath(path), method: method, use: handler)
        // The contract spells parameters `{id}` where Hummingbird spells them `:id`.
        let segments = path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
        routes.append(RouteSpec(method: method.rawValue, path: "/v1/" + segments.joined(separator: "/")))
    }
}

/// The routes of protocol version 1. Handlers parse and check; the repository decides and
/// writes, and its outcomes become status codes here (RepositoryOutcomes.swift).
struct HubRoutes {
    let store: any HubSyncRepository
    /// What a storage fault names: the SQLite file, or the PostgreSQL database.
    let databasePath: String
    let enrollLimiter: any FailureLimiting
    let authLimiter: any FailureLimiting
    /// Uploads and the officer/admin routes (both stores offer them today; nil leaves them out).
    let tus: TusRoutes?
    let staff: StaffRoutes?
    /// Signed content packs on offer (both stores: files in the data folder).
    let content: ContentRoutes?
    /// `POST /v1/dossiers`. Off only in tests, to stand for a hub from before batches.
    var offersDossierBatches = true
    /// The province's reader (PostgreSQL only).
    var province: ProvinceRoutes? = nil

    func register(on router: Router<HubRequestContext>) -> [RouteSpec] {
        let recorder = RouteRecorder()
        router.add(middleware: ProtocolMiddleware(databasePath: databasePath))
        router.add(middleware: NoBodyMiddleware())
        let open = router.group("v1")
        recorder.on(open, .get, "health", health)
        recorder.on(open, .post, "enroll", enroll)

        let device = router.group("v1").add(middleware: BearerAuthMiddleware(store: store, limiter: authLimiter, role: .device))
        recorder.on(device, .put, "dossiers/:id", putDossier)
        if offersDossierBatches { recorder.on(device, .post, "dossiers", postDossiers) }
        recorder.on(device, .get, "dossiers/:id", getDossier)
        recorder.on(device, .post, "activities", postActivities)
        recorder.on(device, .get, "changes", changes)
        tus?.register(open: open, device: device, recorder: recorder)
        content?.register(device: device, recorder: recorder)
        let officer = router.group("v1").add(middleware: BearerAuthMiddleware(store: store, limiter: authLimiter, role: .officer))
        let admin = router.group("v1").add(middleware: BearerAuthMiddleware(store: store, limiter: authLimiter, role: .admin))
        staff?.register(officer: officer, admin: admin, recorder: recorder)
        if let province {
            province.register(province: router.group("v1").add(middleware: BearerAuthMiddleware(store: store, limiter: authLimiter, role: .province)),
                              recorder: recorder)
        }
        return recorder.routes
    }

    @Sendable func health(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(HealthReply(hubKey: store.signingKey.publicKey, time: Date(), relayKey: store.signingKey.relayPublicKey,
                                            relayKeySignature: store.signingKey.relayKeySignature))
    }

    @Sendable func enroll(_ request: Request, context: HubRequestContext) async throws -> Response {
        // The attempt is counted before anything is checked, so concurrent guesses cannot all
        // pass the check before any of them is counted. Only a wrong code keeps its count.
        if let wait = try await enrollLimiter.countAttempt(context.clientAddress) {
            throw Refusal(429, .rateLimited, "Too many enrolment attempts from this address. Wait and try again.", retryAfter: wait)
        }
        let body: EnrollRequest
        do {
            body = try JSONBody.decode(EnrollRequest.self, from: try await JSONBody.bytes(of: request, limit: WireProtocol.maxSmallBody))
            guard Identifiers.isName(body.deviceName) else { throw Refusal.invalid([.init(field: "deviceName", problem: "must be 1–200 characters")]) }
        } catch {
            try await enrollLimiter.takeBackAttempt(context.clientAddress)
            throw error
        }
        let deviceID = Secrets.newDeviceID()
        let token = BearerToken.make(id: deviceID)
        do {
            let (device, volunteer) = try await store.enrol(code: body.code, deviceName: body.deviceName, deviceID: deviceID,
                                                            tokenHash: Secrets.hash(token), clientAddress: context.clientAddress, now: Date()).enrolled()
            try await enrollLimiter.takeBackAttempt(context.clientAddress)
            context.logger.info("device enrolled", metadata: ["device": "\(device.id)", "volunteer": "\(volunteer.id ?? 0)"])
            return try JSONResponse.make(EnrollReply(deviceId: device.id, token: token, volunteer: volunteer.info, hubKey: store.signingKey.publicKey,
                                                     relayKey: store.signingKey.relayPublicKey, relayKeySignature: store.signingKey.relayKeySignature),
                                         status: .created)
        } catch let refusal as Refusal {
            throw refusal  // a wrong, used or expired code: the attempt stays counted
        } catch {
            try await enrollLimiter.takeBackAttempt(context.clientAddress)
            throw error
        }
    }

    @Sendable func putDossier(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let id = context.parameters.get("id") ?? ""
        let data = try await JSONBody.bytes(of: request, limit: WireProtocol.maxDossierBody)
        let upload = try JSONBody.decode(DossierUpload.self, from: data)
        var problems = upload.problems
        if upload.id != id { problems.insert(.init(field: "id", problem: "must equal the id in the path"), at: 0) }
        guard problems.isEmpty else { throw Refusal.invalid(problems) }
        let (reply, created) = try await store.storeDossier(upload, body: String(decoding: data, as: UTF8.self), device: device, now: Date()).accepted()
        if created {
            context.logger.info("dossier stored", metadata: ["dossier": "\(upload.id)", "revision": "\(upload.revision)", "kind": "\(reply.kind.rawValue)"])
        }
        return try JSONResponse.make(reply, status: created ? .created : .ok)
    }

    /// Many revisions in one request, one per line, each answered as its `PUT` would be. A batch
    /// that cannot be read as a whole (a line that is not JSON, two lines of one dossier, too
    /// many lines) is refused whole and nothing is stored; a line with invalid fields is refused
    /// alone.
    @Sendable func postDossiers(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let data = try await JSONBody.bytes(of: request, limit: WireProtocol.maxDossierBatchBody, mediaType: WireProtocol.dossierBatchMediaType)
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: true)
        guard !lines.isEmpty else { throw Refusal.invalid([.init(field: "body", problem: "must hold at least one dossier revision, one per line")]) }
        guard lines.count <= WireProtocol.maxDossiersPerBatch else {
            throw Refusal.invalid([.init(field: "body", problem: "at most \(WireProtocol.maxDossiersPerBatch) dossier revisions per request")])
        }
        var items: [(line: Int, item: DossierBatchItem)] = []
        var results = [DossierBatchResult?](repeating: nil, count: lines.count)
        var seen = Set<String>()
        for (index, line) in lines.enumerated() {
            let upload: DossierUpload
            do {
                guard line.count <= WireProtocol.maxDossierBody else {
                    throw Refusal(413, .bodyTooLarge, "A line is larger than \(WireProtocol.maxDossierBody) bytes. Nothing was stored.")
                }
                upload = try JSONBody.decode(DossierUpload.self, from: Data(line))
            } catch var refusal as Refusal {
                refusal.body.message = "Line \(index + 1): " + refusal.body.message
                if let fields = refusal.body.fields { refusal.body.fields = fields.map { .init(field: "line \(index + 1): \($0.field)", problem: $0.problem) } }
                throw refusal
            }
            guard seen.insert(upload.id).inserted else {
                throw Refusal.invalid([.init(field: "line \(index + 1): id", problem: "names a dossier already in this batch; send one revision of a dossier per batch")])
            }
            let problems = upload.problems
            if problems.isEmpty {
                items.append((index, DossierBatchItem(upload: upload, body: String(decoding: line, as: UTF8.self))))
            } else {
                results[index] = DossierBatchResult(dossierId: upload.id, revision: upload.revision, status: 400, error: Refusal.invalid(problems).body)
            }
        }
        let outcomes = items.isEmpty ? [] : try await store.storeDossiers(items.map(\.item), device: device, now: Date())
        guard outcomes.count == items.count else { throw HubError.unexpected("a batch stored with \(outcomes.count) outcomes for \(items.count) revisions") }
        var created = 0
        for ((line, item), outcome) in zip(items, outcomes) {
            results[line] = Self.result(outcome, of: item.upload, created: &created)
        }
        if created > 0 { context.logger.info("dossiers stored", metadata: ["count": "\(created)", "batch": "\(lines.count)"]) }
        return try JSONResponse.make(DossierBatchReply(results: results.compactMap { $0 }))
    }

    /// One line's outcome as its `PUT` would have answered it.
    private static func result(_ outcome: DossierOutcome, of upload: DossierUpload, created: inout Int) -> DossierBatchResult {
        do {
            let (reply, isNew) = try outcome.accepted()
            if isNew { created += 1 }
            return DossierBatchResult(dossierId: upload.id, revision: upload.revision, status: isNew ? 201 : 200, accepted: reply)
        } catch let refusal as Refusal {
            return DossierBatchResult(dossierId: upload.id, revision: upload.revision, status: refusal.status, error: refusal.body)
        } catch {
            // `accepted()` throws nothing but refusals.
            return DossierBatchResult(dossierId: upload.id, revision: upload.revision, status: 500,
                                      error: ErrorBody(.internalError, "The hub could not answer for this revision; send it again."))
        }
    }

    @Sendable func getDossier(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        guard let state = try await store.findDossierState(context.parameters.get("id") ?? "", device: device) else { throw Refusal.notFound }
        return try JSONResponse.make(state)
    }

    @Sendable func postActivities(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let batch = try JSONBody.decode(ActivityBatch.self, from: try await JSONBody.bytes(of: request, limit: WireProtocol.maxActivityBody))
        guard batch.activities.count <= WireProtocol.maxActivitiesPerBatch else {
            throw Refusal.invalid([.init(field: "activities", problem: "at most \(WireProtocol.maxActivitiesPerBatch) per request")])
        }
        let problems = batch.activities.enumerated().flatMap { index, activity in
            activity.problems.map { FieldProblem(field: "activities[\(index)].\($0.field)", problem: $0.problem) }
        }
        guard problems.isEmpty else { throw Refusal.invalid(problems) }
        let ids = batch.activities.map(\.id)
        guard Set(ids).count == ids.count else { throw Refusal.invalid([.init(field: "activities", problem: "ids must be unique within a batch")]) }
        return try JSONResponse.make(try await store.storeActivities(batch, device: device, now: Date()).reply())
    }

    @Sendable func changes(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let query = request.uri.queryParameters
        let since = query.get("since").map { Int64($0) } ?? 0
        guard let cursor = since, cursor >= 0 else { throw Refusal.invalid([.init(field: "since", problem: "must be a cursor returned by the hub")]) }
        let limitText = query.get("limit")
        guard let limit = limitText.map({ Int($0) }) ?? WireProtocol.defaultChangesLimit, (1...WireProtocol.maxChangesLimit).contains(limit) else {
            throw Refusal.invalid([.init(field: "limit", problem: "must be 1–\(WireProtocol.maxChangesLimit)")])
        }
        var page = try await store.changes(after: cursor, limit: limit, device: device, now: Date())
        // Content packs only to laptops that know them (`content=1`): an older one would not read the kind.
        if query.get("content") != "1" { page.changes.removeAll { $0.kind == .content } }
        return try JSONResponse.make(page)
    }
}
