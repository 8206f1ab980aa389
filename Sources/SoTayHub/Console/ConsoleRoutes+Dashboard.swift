import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SoTayCore
import SoTayReports
import SoTayWire

/// The month's figures and charts, the report downloads, and announcements.
extension ConsoleRoutes {
    /// The same `Report` as `sotay-hub report` (the same builder, indicators and table), for
    /// the commune as a whole.
    /// On PostgreSQL an officer's report is their commune's; an admin's, the whole hub's.
    func monthReport(_ month: ReportMonth, _ language: Language, staff: HubStaff) async throws -> Report {
        let communes = try await store.consoleCommunes(visibleTo: staff)
        let scope = Report.Scope(kind: .commune, commune: communes.isEmpty ? (language == .vi ? "Xã" : "Commune") : communes.joined(separator: ", "))
        let builder = ReportBuilder(indicators: pack?.indicators ?? [], procedures: pack?.procedures ?? [], language: language)
        return try await store.consoleReport(month: month, scope: scope, builder: builder, visibleTo: staff)
    }

    static func month(_ text: String?) -> ReportMonth? {
        guard let text, !text.isEmpty else { return ReportMonth(containing: Date()) }
        return ReportMonth(text)
    }

    @Sendable func dashboard(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let language = visit.language
        guard let staff = visit.staff else { throw Failure(problem: .signedOut) }
        guard let month = Self.month(request.uri.queryParameters.get("month")) else {
            throw Failure(problem: .badInput(visit.text("month")), back: "/console/dashboard")
        }
        let (start, end) = month.interval
        let empty = visit.text("noData")
        // Five reads that do not depend on each other, side by side: on SQLite each takes a
        // reader of the pool, on PostgreSQL a connection.
        async let reportRead = monthReport(month, language, staff: staff)
        async let perDayRead = store.consoleDossiersPerDay(from: start, until: end, visibleTo: staff)
        async let villagesRead = store.consoleDossierCounts(byProcedure: false, from: start, until: end, visibleTo: staff)
        async let proceduresRead = store.consoleDossierCounts(byProcedure: true, from: start, until: end, visibleTo: staff)
        async let backlogRead = store.consoleBacklog(now: Date(), visibleTo: staff)
        let report = try await reportRead

        var perDay: [String: Int] = [:]
        for row in try await perDayRead { perDay[row.key] = row.count }
        var days: [(label: String, value: Int)] = []
        var day = start
        while day < end {
            let key = Self.isoDay(day)
            days.append((label: String(key.suffix(2)), value: perDay[key] ?? 0))
            day = day.addingTimeInterval(86400)
        }
        var online: [(label: String, value: Double, text: String)] = []
        if let share = report.figures.first(where: { $0.id == "ty-le-nop-truc-tuyen" }), let numerator = share.numerator,
           let denominator = share.denominator, denominator > 0 {
            let percent = 100 * Double(numerator) / Double(denominator)
            online = [(label: language == .vi ? "Trực tuyến" : "Online", value: percent, text: String(format: "%.0f%% (%d)", percent, numerator)),
                      (label: language == .vi ? "Trực tiếp, giấy" : "In person, paper", value: 100 - percent,
                       text: String(format: "%.0f%% (%d)", 100 - percent, denominator - numerator))]
        }
        let villages = try await villagesRead.map { (label: $0.key, value: Double($0.count), text: String($0.count)) }
        let procedures = try await proceduresRead.map { (label: procedureTitle($0.key, language), value: Double($0.count), text: String($0.count)) }
        let backlog = try await backlogRead.map { row in
            (label: ConsoleText.status(row.status, language), value: row.averageDays,
             text: "\(row.count) · \(visit.text("average")) \(String(format: "%.1f", row.averageDays)) · \(visit.text("oldest")) "
                 + "\(String(format: "%.0f", row.oldestDays)) \(visit.text("days"))")
        }
        var values: [String: Any] = [
            "month": month.description, "monthLabel": month.vietnamese,
            "perDay": ConsoleCharts.columns(days, title: visit.text("perDay"), empty: empty),
            "online": ConsoleCharts.bars(online, title: visit.text("onlineShare"), empty: empty),
            "byVillage": ConsoleCharts.bars(villages, title: visit.text("byVillage"), empty: empty),
            "byProcedure": ConsoleCharts.bars(procedures, title: visit.text("byProcedure"), empty: empty),
            "backlog": ConsoleCharts.bars(backlog, title: visit.text("backlog"), empty: empty),
            "figures": report.figures.map { ["name": $0.name, "value": $0.formatted(language)] },
        ]
        if visit.staff?.role == .officer {
            values["announcements"] = try await store.consoleAnnouncements(limit: 10, visibleTo: staff).map { ["at": Self.time($0.at), "message": $0.message] }
        }
        let notice = request.uri.queryParameters.get("sent") != nil ? visit.text("sent") : nil
        return try render("dashboard", values, visit: visit, title: visit.text("dashboard"), notice: notice)
    }

    /// `/console/reports/2026-11.xlsx` (or `.html`, `.csv`): the month's report as a file.
    @Sendable func reportDownload(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let file = context.parameters.get("file") ?? ""
        let parts = file.split(separator: ".")
        guard parts.count == 2, let month = ReportMonth(String(parts[0])), let format = ReportFormat(rawValue: String(parts[1])),
              [.xlsx, .html, .csv].contains(format) else { throw Failure(problem: .notFound) }
        guard let staff = visit.staff else { throw Failure(problem: .signedOut) }
        let report = try await monthReport(month, visit.language, staff: staff)
        let types: [ReportFormat: String] = [
            .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", .html: "text/html; charset=utf-8", .csv: "text/csv; charset=utf-8",
        ]
        return Response(status: .ok, headers: [
            .contentType: types[format] ?? "application/octet-stream",
            .contentDisposition: "attachment; filename=\"bao-cao-xa-\(month.description).\(format.fileExtension)\"",
        ], body: .init(byteBuffer: ByteBuffer(bytes: format.render(report))))
    }

    /// A message to every volunteer, through the change feed (as `sotay-hub announce`).
    @Sendable func announce(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let message = (visit.form["message"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(message.count) else { throw Failure(problem: .badInput(visit.text("announcement")), back: "/console/dashboard") }
        try await store.announce(message, now: Date())
        context.logger.info("announcement sent", metadata: ["via": "console"])
        return Self.redirect("/console/dashboard?sent=1")
    }

    static func isoDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .vietnam
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
