import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SoTayCore
import SoTayWire

/// The queue, one dossier, its status form and its photos.
extension ConsoleRoutes {
    // MARK: - Queue

    /// Newest received first, filtered, a page at a time by keyset: metadata only, never a
    /// resident's name, so no audit row (as `GET /v1/officer/dossiers`).
    @Sendable func queue(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        guard let staff = visit.staff else { throw Failure(problem: .signedOut) }
        let query = request.uri.queryParameters
        func value(_ name: String) -> String? {
            guard let text = query.get(name)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        var filter = ConsoleQueueFilter()
        if let text = value("status") {
            guard let status = DossierStatus(rawValue: text) else { throw Failure(problem: .badInput(visit.text("status")), back: "/console/queue") }
            filter.status = status
        }
        filter.village = value("village")
        if let text = value("volunteer") {
            guard let number = Int64(text) else { throw Failure(problem: .badInput(visit.text("volunteer")), back: "/console/queue") }
            filter.volunteerId = number
        }
        filter.procedureId = value("procedure")
        if let text = value("from") {
            guard let day = AuditDate.day(text) else { throw Failure(problem: .badInput(visit.text("from")), back: "/console/queue") }
            filter.from = day
        }
        if let text = value("to") {
            guard let day = AuditDate.day(text) else { throw Failure(problem: .badInput(visit.text("to")), back: "/console/queue") }
            filter.until = day.addingTimeInterval(86400)
        }
        var after: ConsoleQueueCursor?
        if let text = value("after") {
            guard let cursor = ConsoleQueueCursor(token: text) else { throw Failure(problem: .badInput("after"), back: "/console/queue") }
            after = cursor
        }
        let rows = try await store.consoleQueue(filter, after: after, limit: Self.pageSize + 1, visibleTo: staff)
        let page = rows.prefix(Self.pageSize)
        let counts = try await store.consoleStatusCounts(filter, visibleTo: staff)
        let choices = try await store.consoleFilterChoices(visibleTo: staff)
        let language = visit.language
        let kept: [(String, String?)] = [
            ("village", filter.village), ("volunteer", filter.volunteerId.map(String.init)), ("procedure", filter.procedureId),
            ("from", value("from")), ("to", value("to")),
        ]
        let values: [String: Any] = [
            "counts": DossierStatus.allCases.map { status -> [String: Any] in
                ["key": status.rawValue, "label": ConsoleText.status(status, language), "count": counts[status] ?? 0,
                 "link": Self.link("/console/queue", [("status", status.rawValue)] + kept), "current": filter.status == status]
            },
            "statuses": DossierStatus.allCases.map { ["key": $0.rawValue, "label": ConsoleText.status($0, language), "selected": filter.status == $0] },
            "villages": choices.villages.map { ["key": $0, "label": $0, "selected": filter.village == $0] },
            "volunteers": choices.volunteers.map { ["key": String($0.id), "label": "\($0.name) (số \($0.id))", "selected": filter.volunteerId == $0.id] },
            "procedures": choices.procedures.map { ["key": $0, "label": procedureTitle($0, language), "selected": filter.procedureId == $0] },
            "from": value("from") ?? "", "to": value("to") ?? "",
            "hasRows": !page.isEmpty,
            "rows": page.map { row -> [String: Any] in
                ["id": row.id, "short": String(row.id.prefix(8)), "received": Self.time(row.receivedAt), "procedure": procedureTitle(row.procedureId, language),
                 "village": row.village, "volunteer": row.volunteer, "status": ConsoleText.status(row.status, language), "statusKey": row.status.rawValue]
            },
        ]
        var all = values
        if rows.count > Self.pageSize, let last = page.last {
            all["nextLink"] = Self.link("/console/queue", [("status", filter.status?.rawValue)] + kept + [("after", last.cursor.token)])
        }
        if after != nil { all["firstLink"] = Self.link("/console/queue", [("status", filter.status?.rawValue)] + kept) }
        return try render("queue", all, visit: visit, title: visit.text("queue"))
    }

    // MARK: - One dossier

    /// The dossier with its answers, papers, photos, revisions and receipts. The audit row is
    /// written before any personal data is read; when it cannot be written, nothing is shown.
    @Sendable func dossierPage(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let id = try Self.dossierID(context)
        guard let staff = visit.staff, let actor = visit.actor else { throw Failure(problem: .signedOut) }
        let dossier = try await store.dossier(id, visibleTo: staff)
        try await store.appendAudit(actor, .dossierShow, dossierIDs: [dossier.id], blobSHA256: nil, volunteerID: nil, now: Date())
        let notice = request.uri.queryParameters.get("saved") != nil ? visit.text("saved") : nil
        return try render("dossier", try await dossierValues(dossier, visit: visit), visit: visit,
                          title: "\(visit.text("dossier")) \(dossier.id.prefix(8))", notice: notice)
    }

    func dossierValues(_ dossier: HubDossier, visit: Visit) async throws -> [String: Any] {
        let language = visit.language
        let decoder = WireProtocol.decoder()
        let revisions = try await store.revisions(of: dossier.id)
        let volunteerName = try await store.dossierSummary(dossier).volunteer
        let contents = revisions.map { try? decoder.decode(DossierUpload.self, from: Data($0.body.utf8)) }
        let latest = contents.last.flatMap { $0 }
        let procedure = pack?.procedure(dossier.procedureId)
        func questionText(_ stepID: String) -> String {
            procedure?.step(stepID)?.text.text(language) ?? stepID
        }
        func answerText(_ stepID: String, _ answer: AnswerValue?) -> String {
            guard let answer else { return "—" }
            return answer.display(for: procedure?.step(stepID), language)
        }
        let answers = latest?.answers ?? [:]
        // The procedure's order first, then any answer the library does not know (an older pack).
        let stepOrder = procedure?.steps.filter { $0.question != nil }.map(\.id) ?? []
        let known = stepOrder.filter { answers[$0] != nil }
        let unknown = answers.keys.filter { key in !stepOrder.contains(key) && procedure?.step(key).map({ if case .document = $0.kind { true } else { false } }) != true }.sorted()
        let answerRows = (known + unknown).map { ["question": questionText($0), "answer": answerText($0, answers[$0])] }

        let attachments = latest?.attachments ?? []
        var papers: [[String: Any]] = []
        for step in procedure?.steps ?? [] {
            guard case .document(let required) = step.kind else { continue }
            let answered = answers[step.id]
            let hasFile = attachments.contains { $0.document == step.id }
            guard required || answered != nil || hasFile else { continue }
            papers.append(["text": step.text.text(language), "present": answered == .bool(true) || hasFile])
        }
        let files = attachments.map { attachment -> [String: Any] in
            let caption = attachment.document.map(questionText) ?? (language == .vi ? "Giấy tờ khác" : "Other paper")
            return ["url": "/console/dossiers/\(dossier.id)/files/\(attachment.sha256)", "caption": caption,
                    "image": attachment.mediaType.hasPrefix("image/"), "pdf": attachment.mediaType == "application/pdf"]
        }

        var revisionRows: [[String: Any]] = []
        for (index, revision) in revisions.enumerated() {
            var row: [String: Any] = [
                "number": revision.revision, "kind": revision.kind.rawValue, "sha": revision.contentSHA256, "receivedRaw": revision.receivedAt,
                "received": WireDate.date(revision.receivedAt).map(Self.time) ?? revision.receivedAt, "signature": revision.signature,
                "device": revision.deviceId,
            ]
            if index == 0 {
                row["first"] = true
            } else {
                let old = contents[index - 1]?.answers ?? [:]
                let new = contents[index]?.answers ?? [:]
                var diff: [[String: Any]] = []
                for key in Set(old.keys).union(new.keys).sorted() where old[key] != new[key] {
                    diff.append(["question": questionText(key), "old": answerText(key, old[key]), "new": answerText(key, new[key])])
                }
                let oldFiles = Set((contents[index - 1]?.attachments ?? []).map(\.sha256))
                let newFiles = Set((contents[index]?.attachments ?? []).map(\.sha256))
                if oldFiles != newFiles {
                    diff.append(["question": visit.text("files"), "old": "\(oldFiles.subtracting(newFiles).count)", "new": "+\(newFiles.subtracting(oldFiles).count)"])
                }
                if diff.isEmpty { row["unchanged"] = true } else { row["hasDiff"] = true; row["diff"] = diff }
            }
            revisionRows.append(row)
        }
        var values: [String: Any] = [
            "id": dossier.id, "procedure": procedureTitle(dossier.procedureId, language), "resident": dossier.residentName ?? "—",
            "status": ConsoleText.status(dossier.status, language), "statusKey": dossier.status.rawValue, "village": dossier.village,
            "volunteer": "\(volunteerName) (số \(dossier.volunteerId))", "received": Self.time(dossier.receivedAt),
            "answers": answerRows, "papers": papers, "files": files, "hasFiles": !files.isEmpty, "revisions": Array(revisionRows.reversed()),
            "statuses": DossierStatus.allCases.map { ["key": $0.rawValue, "label": ConsoleText.status($0, language), "selected": $0 == dossier.status] },
        ]
        if let reason = dossier.reason { values["reason"] = reason }
        if let code = dossier.portalCode { values["portalCode"] = code }
        return values
    }

    /// The officer's decision, through the same store call and audit row as
    /// `POST /v1/officer/dossiers/{id}/status`: the volunteer gets it in the change feed.
    @Sendable func setStatus(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let id = try Self.dossierID(context)
        guard let staff = visit.staff, let actor = visit.actor else { throw Failure(problem: .signedOut) }
        let back = "/console/dossiers/\(id)"
        guard let status = DossierStatus(rawValue: visit.form["status"] ?? "") else { throw Failure(problem: .badInput(visit.text("newStatus")), back: back) }
        let reason = (visit.form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let portalCode = (visit.form["portalCode"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if (status == .needsSupplement || status == .rejected) && reason.isEmpty { throw Failure(problem: .reasonRequired, back: back) }
        if status == .submitted && portalCode.isEmpty { throw Failure(problem: .portalCodeRequired, back: back) }
        guard reason.count <= 2000 else { throw Failure(problem: .badInput(visit.text("reason")), back: back) }
        guard portalCode.isEmpty || Identifiers.isName(portalCode) else { throw Failure(problem: .badInput(visit.text("portalCode")), back: back) }
        // Another commune's dossier is not found, as if it did not exist.
        let visible = try await store.dossier(id, visibleTo: staff)
        let dossier = try await store.setStatus(visible.id, to: status, portalCode: portalCode.isEmpty ? nil : portalCode,
                                                reason: reason.isEmpty ? nil : reason, now: Date())
        try await store.appendAudit(actor, .statusChange, dossierIDs: [dossier.id], blobSHA256: nil, volunteerID: nil, now: Date())
        context.logger.info("status set", metadata: ["dossier": "\(dossier.id)", "status": "\(dossier.status.rawValue)", "via": "console"])
        return Self.redirect("/console/dossiers/\(dossier.id)?saved=1")
    }

    /// A photo or PDF of the dossier, decrypted, shown inline and never cached: audited as a
    /// download, only of the dossier named in the path.
    @Sendable func attachment(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let id = try Self.dossierID(context)
        guard let staff = visit.staff, let actor = visit.actor else { throw Failure(problem: .signedOut) }
        let sha256 = context.parameters.get("sha256") ?? ""
        guard Identifiers.isSHA256(sha256) else { throw Failure(problem: .notFound) }
        let dossier = try await store.dossier(id, visibleTo: staff)
        guard let attachment = try await store.attachment(of: dossier.id, named: sha256) else { throw Failure(problem: .notFound) }
        try await store.appendAudit(actor, .attachmentDownload, dossierIDs: [dossier.id], blobSHA256: sha256, volunteerID: nil, now: Date())
        let data = try await store.blobContents(sha256: sha256)
        let kind = FileKind(mediaType: attachment.mediaType)
        return Response(status: .ok, headers: [
            .contentType: kind?.mediaType ?? "application/octet-stream",
            .contentDisposition: "inline; filename=\"\(sha256.prefix(16)).\(kind?.rawValue ?? "bin")\"",
            .cacheControl: "no-store",
            // Shown inside the dossier page (a PDF in an <object>), never by another site.
            HTTPField.Name("X-Frame-Options")!: "SAMEORIGIN",
            HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func dossierID(_ context: HubRequestContext) throws -> String {
        let id = context.parameters.get("id") ?? ""
        guard Identifiers.isUUID(id) else { throw Failure(problem: .notFound) }
        return id
    }
}
