import Foundation
import Hummingbird
import NIOCore
import SoTayContent
import SoTayCore
import SoTayReports
import SoTayWire

/// The province's reader on a province hub (PostgreSQL; `sotay-hub province add`): the
/// communes and their monthly report counts, for the whole province or one commune. Counts
/// only: no dossier, no resident, no volunteer's name (no grouping by volunteer), so nothing
/// here is personal data and nothing is written to the audit log.
struct ProvinceRoutes {
    let store: PostgresHubStore
    /// The indicators and procedures the report counts by (`SOTAY_CONTENT`, else the bundled library).
    let pack: ContentPack?

    func register(province: RouterGroup<HubRequestContext>, recorder: RouteRecorder) {
        recorder.on(province, .get, "province/communes", communes)
        recorder.on(province, .get, "province/report", report)
    }

    struct CommuneList: Encodable {
        var communes: [HubCommune]
    }

    @Sendable func communes(_ request: Request, context: HubRequestContext) async throws -> Response {
        try JSONResponse.make(CommuneList(communes: try await store.communeList()))
    }

    /// `?month=YYYY-MM` (default: this month, Vietnam time), `&commune=NAME` (default: every
    /// commune), `&by=village|procedure`, `&lang=en`: the report as `sotay-hub report --format json` writes it.
    @Sendable func report(_ request: Request, context: HubRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var problems: [FieldProblem] = []
        var month = ReportMonth(containing: Date())
        if let text = query.get("month") {
            if let parsed = ReportMonth(text) { month = parsed } else { problems.append(.init(field: "month", problem: "must be YYYY-MM, e.g. 2026-11")) }
        }
        var grouping: Indicator.Dimension?
        if let text = query.get("by") {
            if let dimension = Indicator.Dimension(rawValue: text), [.village, .procedure].contains(dimension) {
                grouping = dimension
            } else {
                problems.append(.init(field: "by", problem: "must be village or procedure (a province reads no volunteer's name)"))
            }
        }
        let language: Language = query.get("lang") == "en" ? .en : .vi
        guard problems.isEmpty else { throw Refusal.invalid(problems) }
        let communes = try await store.communeList().map(\.name)
        var communeID: Int64?
        var scopeName = communes.joined(separator: ", ")
        if let name = query.get("commune") {
            guard let id = try await store.communeID(named: name) else {
                throw Refusal(404, .notFound, "The hub has no commune \"\(name)\"; GET /v1/province/communes lists them.")
            }
            communeID = id
            scopeName = name
        }
        let builder = ReportBuilder(indicators: pack?.indicators ?? [], procedures: pack?.procedures ?? [], language: language)
        let report = try await store.report(month: month, scope: Report.Scope(kind: .commune, commune: scopeName), by: grouping, builder: builder,
                                            communeID: communeID)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: ReportFormat.json.render(report))))
    }
}
