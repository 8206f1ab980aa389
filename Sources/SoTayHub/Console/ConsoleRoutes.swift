import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import SoTayContent
import SoTayCore
import SoTayWire

/// The commune officer's web console at `/console`: server-rendered pages that work with
/// JavaScript off, signed in with the officer's (or admin's) token, a session cookie after that.
///
/// Every form carries the session's CSRF token; every read of a resident's personal data writes
/// its audit row first, through the same store calls as the officers' JSON routes.
///
/// The same pages on either store (`HubConsoleRepository`). The sessions are the store's: on
/// PostgreSQL in the database, so a session opened on one `serve` process is good on every other
/// behind the load balancer, and signing out (or a revoked token) ends it on all of them.
struct ConsoleRoutes: Sendable {
    let store: any HubConsoleRepository
    let limiter: any FailureLimiting
    let settings: ConsoleSettings
    let secureCookies: Bool
    let library: MustacheLibrary
    let pack: ContentPack?

    static let sessionCookie = "sotay_console"
    static let loginCookie = "sotay_console_login"
    static let languageCookie = "sotay_lang"
    static let pageSize = 50
    static let maxForm = 64 * 1024
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; object-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    init(store: any HubConsoleRepository, limiter: any FailureLimiting, settings: ConsoleSettings, secureCookies: Bool) throws {
        self.store = store
        self.limiter = limiter
        self.settings = settings
        self.secureCookies = secureCookies
        self.library = try ConsoleTemplates.library()
        // The questions' text comes from the procedure library the volunteers use; without it
        // the page still shows every answer, under its step id.
        self.pack = try? ContentPack.configured()
    }

    /// Who may open a page.
    enum Access: Sendable {
        case anyone, staff, officer, admin
    }

    /// One request as a page handler sees it.
    struct Visit: Sendable {
        var language: Language
        var staff: HubStaff?
        var session: ConsoleSession?
        var cookie: String?
        var form: [String: String]
        var path: String
        var clientAddress: String

        var t: [String: String] { ConsoleText.strings(language) }
        var actor: AuditActor? {
            guard let staff else { return nil }
            return AuditActor(role: staff.role == .admin ? .admin : .officer, id: staff.id, name: staff.name, clientAddress: clientAddress)
        }
        func text(_ key: String) -> String { t[key] ?? key }
    }

    /// A page refused with a message in the visitor's language.
    struct Failure: Error, Sendable {
        var problem: ConsoleText.Problem
        var back: String?
    }

    typealias Handler = @Sendable (Request, HubRequestContext, Visit) async throws -> Response

    func register(on router: Router<HubRequestContext>) {
        router.get("console/static/console.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: ConsoleStyle.css)))
        }
        router.get("console", use: page(.anyone, home))
        router.get("console/login", use: page(.anyone, loginForm))
        router.post("console/login", use: page(.anyone, signIn))
        router.post("console/logout", use: page(.staff, signOut))
        router.get("console/lang/:language", use: page(.anyone, switchLanguage))
        router.get("console/queue", use: page(.officer, queue))
        router.get("console/dossiers/:id", use: page(.officer, dossierPage))
        router.post("console/dossiers/:id/status", use: page(.officer, setStatus))
        router.get("console/dossiers/:id/files/:sha256", use: page(.officer, attachment))
        router.get("console/dashboard", use: page(.staff, dashboard))
        router.get("console/reports/:file", use: page(.staff, reportDownload))
        router.post("console/announcements", use: page(.officer, announce))
        router.get("console/admin/codes", use: page(.admin, codesPage))
        router.post("console/admin/codes", use: page(.admin, makeCode))
        router.get("console/admin/devices", use: page(.admin, devicesPage))
        router.post("console/admin/devices/:id/revoke", use: page(.admin, revokeDevice))
        router.get("console/admin/officers", use: page(.admin, officersPage))
        router.post("console/admin/officers", use: page(.admin, addOfficer))
        router.post("console/admin/officers/:id/revoke", use: page(.admin, revokeOfficer))
        router.get("console/admin/audit", use: page(.admin, auditPage))
    }

    // MARK: - The gate every page goes through

    func page(_ access: Access, _ handler: @escaping Handler) -> @Sendable (Request, HubRequestContext) async throws -> Response {
        { request, context in
            let cookies = Self.cookies(request)
            var visit = Visit(language: Language(code: cookies[Self.languageCookie]), staff: nil, session: nil, cookie: nil, form: [:],
                              path: request.uri.path, clientAddress: context.clientAddress)
            do {
                // The store ends a session whose staff member's token was revoked since sign-in.
                if let cookie = cookies[Self.sessionCookie],
                   let found = try await store.consoleSession(key: ConsoleSessions.key(cookie), now: settings.clock(), lifetimes: settings.lifetimes) {
                    visit.staff = found.staff
                    visit.session = found.session
                    visit.cookie = cookie
                }
                if request.method == .post {
                    visit.form = try await Self.form(request)
                }
                if access != .anyone {
                    guard let staff = visit.staff, let session = visit.session else {
                        return try loginPage(visit, problem: .signedOut, status: .unauthorized)
                    }
                    switch access {
                    case .officer where staff.role != .officer, .admin where staff.role != .admin:
                        throw Failure(problem: .forbidden)
                    default: break
                    }
                    if request.method == .post {
                        guard Self.same(visit.form["csrf"], session.csrf) else { throw Failure(problem: .csrf) }
                    }
                }
                var context = context
                context.staff = visit.staff
                return try await handler(request, context, visit)
            } catch let failure as Failure {
                return try errorPage(visit, failure.problem, back: failure.back)
            } catch let error as HubError {
                context.logger.error("console page failed", metadata: ["path": "\(request.uri.path)", "error": "\(error.message(.en))"])
                return try errorPage(visit, .store(error), back: nil)
            } catch let error as HubSealingError {
                context.logger.error("console page failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
                return try errorPage(visit, .store(.sealing(error)), back: nil)
            } catch let fault as StorageFault {
                context.logger.error("console page failed", metadata: ["path": "\(request.uri.path)", "error": "\(fault)"])
                return try errorPage(visit, .store(.storage(fault)), back: nil)
            } catch {
                // A driver's error the store did not translate: a page that says so, not a bare 500.
                context.logger.error("console page failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(describing: type(of: error)))"])
                return try errorPage(visit, .store(.unexpected(String(describing: type(of: error)))), back: nil)
            }
        }
    }

    // MARK: - Sign-in, sign-out, language

    @Sendable func home(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        guard let staff = visit.staff else { return Self.redirect("/console/login") }
        return Self.redirect(staff.role == .admin ? "/console/dashboard" : "/console/queue")
    }

    @Sendable func loginForm(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        if visit.staff != nil { return Self.redirect("/console") }
        return try loginPage(visit, problem: nil, status: .ok)
    }

    /// The sign-in page, with a fresh login CSRF token in a cookie and in the form.
    func loginPage(_ visit: Visit, problem: ConsoleText.Problem?, status: HTTPResponse.Status) throws -> Response {
        let token = ConsoleSessions.randomToken()
        var values: [String: Any] = ["loginCSRF": token]
        if let problem { values["problem"] = problem.message(visit.language) }
        var response = try render("login", values, visit: visit, title: visit.text("signIn"), status: status)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.loginCookie, token, maxAge: 3600)))
        return response
    }

    @Sendable func signIn(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        if let wait = try await limiter.waitBeforeTrying(context.clientAddress) {
            var response = try loginPage(visit, problem: .rateLimited(wait), status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard let expected = Self.cookies(request)[Self.loginCookie], Self.same(visit.form["csrf"], expected) else {
            throw Failure(problem: .csrf, back: "/console/login")
        }
        let text = (visit.form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let token = BearerToken(text), case .staff(let staff)? = try await store.holder(of: token) else {
            try await limiter.countFailure(context.clientAddress)
            return try loginPage(visit, problem: .signInFailed, status: .unauthorized)
        }
        // The console is the officers' and admins'. A province reader reads counts, never a
        // dossier or a commune's pages, and its reads would be logged under another role.
        guard staff.role == .officer || staff.role == .admin else {
            return try loginPage(visit, problem: .provinceToken, status: .forbidden)
        }
        if let old = visit.cookie { try await store.closeConsoleSession(key: ConsoleSessions.key(old)) }
        let value = ConsoleSessions.randomToken()
        let now = settings.clock()
        try await store.openConsoleSession(key: ConsoleSessions.key(value),
                                           ConsoleSession(staffID: staff.id, csrf: ConsoleSessions.randomToken(), createdAt: now, lastUsedAt: now),
                                           lifetimes: settings.lifetimes)
        context.logger.info("console sign-in", metadata: [staff.role.rawValue: "\(staff.id)"])
        var response = Self.redirect("/console")
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, value, maxAge: Int(settings.absoluteLifetime))))
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.loginCookie, "", maxAge: 0)))
        return response
    }

    @Sendable func signOut(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        if let value = visit.cookie { try await store.closeConsoleSession(key: ConsoleSessions.key(value)) }
        var response = Self.redirect("/console/login")
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, "", maxAge: 0)))
        return response
    }

    /// Vietnamese or English, kept in a cookie; back to the page the link was on.
    @Sendable func switchLanguage(_ request: Request, context: HubRequestContext, visit: Visit) async throws -> Response {
        let code = context.parameters.get("language") == "en" ? "en" : "vi"
        let back = request.uri.queryParameters.get("back") ?? "/console"
        let safe = back.hasPrefix("/console") && !back.contains("//") && !back.contains("\\") ? back : "/console"
        var response = Self.redirect(safe)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.languageCookie, code, maxAge: 365 * 86400)))
        return response
    }

    // MARK: - Rendering

    /// A page: its body from `template`, inside the layout with the navigation for the visitor.
    func render(_ template: String, _ values: [String: Any], visit: Visit, title: String, status: HTTPResponse.Status = .ok,
                notice: String? = nil) throws -> Response {
        var values = values
        values["t"] = visit.t
        if let session = visit.session { values["csrf"] = session.csrf }
        values["lang"] = visit.language.rawValue
        if values["officer"] == nil { values["officer"] = visit.staff?.role == .officer }
        guard let body = library.render(values, withTemplate: template) else { throw HubError.unexpected("template \(template)") }
        var layout: [String: Any] = [
            "t": visit.t, "title": title, "body": body, "lang": visit.language.rawValue,
            "otherLang": visit.language == .vi ? "en" : "vi",
            "back": Self.percentEncoded(visit.path),
        ]
        if let notice { layout["notice"] = notice }
        if let staff = visit.staff, let session = visit.session {
            layout["nav"] = [
                "officer": staff.role == .officer, "admin": staff.role == .admin, "staffName": staff.name, "csrf": session.csrf,
                "atQueue": visit.path.hasPrefix("/console/queue"), "atDashboard": visit.path.hasPrefix("/console/dashboard"),
            ] as [String: Any]
        }
        guard let html = library.render(layout, withTemplate: "layout") else { throw HubError.unexpected("template layout") }
        return Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            HTTPField.Name("Content-Security-Policy")!: Self.contentSecurityPolicy,
            .contentLanguage: visit.language.rawValue,
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ visit: Visit, _ problem: ConsoleText.Problem, back: String?) throws -> Response {
        if case .signedOut = problem { return try loginPage(visit, problem: problem, status: .unauthorized) }
        return try render("error", ["message": problem.message(visit.language), "home": back ?? "/console"], visit: visit,
                          title: visit.text("error"), status: HTTPResponse.Status(code: problem.status))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/console; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "")
    }

    // MARK: - Request parsing

    static func cookies(_ request: Request) -> [String: String] {
        var cookies: [String: String] = [:]
        for field in request.headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                if cookies[name] == nil { cookies[name] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        return cookies
    }

    /// An `application/x-www-form-urlencoded` body, at most 64 KiB.
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxForm)
        } catch {
            throw Failure(problem: .badInput("form larger than 64 KiB"))
        }
        return parseForm(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    static func parseForm(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if values[name] == nil { values[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return values
    }

    /// Constant-time comparison of a submitted token with the expected one.
    static func same(_ submitted: String?, _ expected: String) -> Bool {
        guard let submitted, !expected.isEmpty else { return false }
        let (a, b) = (Array(submitted.utf8), Array(expected.utf8))
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A link to `path` with the non-empty values as its query.
    static func link(_ path: String, _ query: [(String, String?)]) -> String {
        let parts = query.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return "\(name)=\(percentEncoded(value))"
        }
        return parts.isEmpty ? path : path + "?" + parts.joined(separator: "&")
    }

    // MARK: - Formatting

    static func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .vietnam
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d:%02d %02d/%02d/%04d", parts.hour ?? 0, parts.minute ?? 0, parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
    }

    func procedureTitle(_ id: String, _ language: Language) -> String {
        pack?.procedure(id)?.title.text(language) ?? id
    }
}
