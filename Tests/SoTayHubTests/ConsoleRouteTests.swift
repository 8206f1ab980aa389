import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SoTayCore
@testable import SoTayHub
import SoTayWire
import Testing

/// A clock the tests move forward, for session expiry.
final class ConsoleTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval = 0
    func advance(_ seconds: TimeInterval) { lock.withLock { offset += seconds } }
    func now() -> Date { lock.withLock { Date().addingTimeInterval(offset) } }
}

/// A browser's state as the route tests keep it: the cookies the hub set.
struct ConsoleBrowser {
    var cookies: [String: String] = [:]

    var header: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }

    mutating func keep(_ response: TestResponse) {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            if field.value.contains("Max-Age=0") { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = String(pair[1]) }
        }
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = header }
        let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
        keep(response)
        return response
    }

    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ form: [String: String]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { headers[.cookie] = header }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        keep(response)
        return response
    }

    /// Signs in through the login form, as a person does.
    mutating func signIn(_ client: some TestClientProtocol, token: String) async throws -> TestResponse {
        let form = try await get(client, "/console/login")
        let csrf = try #require(Self.csrf(in: String(buffer: form.body)))
        return try await post(client, "/console/login", ["csrf": csrf, "token": token])
    }

    /// The CSRF token a page's forms carry.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) else { return nil }
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }
}

/// Accessibility basics of one page: a label for every field, alt text on every image, one h1
/// and no skipped heading level.
enum ConsoleAccessibility {
    static func problems(_ html: String) -> [String] {
        var problems: [String] = []
        func matches(_ pattern: String) -> [String] {
            guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
            return expression.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { Range($0.range, in: html).map { String(html[$0]) } }
        }
        let labels = Set(matches(#"<label for="[^"]+""#).map { $0.dropFirst(#"<label for=""#.count).dropLast() }.map(String.init))
        for field in matches(#"<(input|select|textarea)\b[^>]*>"#) where !field.contains(#"type="hidden""#) {
            let id = field.range(of: #"id="[^"]+""#, options: .regularExpression).map { String(field[$0].dropFirst(4).dropLast()) }
            if id.map({ !labels.contains($0) }) ?? true, !field.contains("aria-label=") { problems.append("no label: \(field)") }
        }
        for image in matches(#"<img\b[^>]*>"#) where !image.contains(#"alt=""#) || image.contains(#"alt="""#) {
            problems.append("no alt text: \(image)")
        }
        if matches("<h1[ >]").count != 1 { problems.append("\(matches("<h1[ >]").count) h1 headings") }
        var level = 0
        for heading in matches("<h[1-6][ >]") {
            let next = Int(String(heading.dropFirst(2).prefix(1))) ?? 0
            if next > level + 1 { problems.append("heading h\(next) after h\(level)") }
            level = next
        }
        if !html.contains(#"<html lang=""#) { problems.append("no lang on <html>") }
        return problems
    }
}

@Suite("Console: the officer's web pages, their forms, roles and audit rows")
struct ConsoleRouteTests {
    let staffed: StaffedHub
    let clock = ConsoleTestClock()

    init() throws {
        staffed = try StaffedHub()
    }

    func app(authFailuresAllowed: Int = 30) throws -> some ApplicationProtocol {
        var logger = Logger(label: "console-test")
        logger.logLevel = .warning
        var configuration = HubConfiguration(dataDirectory: staffed.hub.directory, host: "127.0.0.1", port: 0, authFailuresAllowed: authFailuresAllowed)
        let clock = clock
        configuration.console = ConsoleSettings(idleLifetime: 30 * 60, absoluteLifetime: 10 * 3600, clock: { clock.now() })
        return try buildApplication(configuration: configuration, store: staffed.hub.store, logger: logger)
    }

    @Test("Sign-in: a wrong token is refused, the login form needs its CSRF token, the session cookie is HttpOnly and SameSite=Strict")
    func signIn() async throws {
        try await app().test(.router) { client in
            var browser = ConsoleBrowser()
            let form = try await browser.get(client, "/console/login")
            #expect(form.status == .ok)
            let page = String(buffer: form.body)
            #expect(page.contains(#"<label for="token">"#) && page.contains("Mã đăng nhập"))
            #expect(form.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("style-src 'self'") == true)

            // No page without a session: the login form, 401.
            var anonymous = ConsoleBrowser()
            #expect(try await anonymous.get(client, "/console/queue").status == .unauthorized)
            // A login form posted without its token (another site's form) is refused.
            var stranger = ConsoleBrowser()
            #expect(try await stranger.post(client, "/console/login", ["token": staffed.officer]).status == .forbidden)
            #expect(stranger.cookies[ConsoleRoutes.sessionCookie] == nil)

            let wrong = try await browser.signIn(client, token: "sotay_off-000000000000.nope")
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("không đúng hoặc đã bị thu hồi"))

            var signed = ConsoleBrowser()
            let ok = try await signed.signIn(client, token: staffed.officer)
            #expect(ok.status == .seeOther)
            let setCookie = ok.headers[values: .setCookie].first { $0.hasPrefix(ConsoleRoutes.sessionCookie + "=") } ?? ""
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/console"))
            #expect(!setCookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
            #expect(!setCookie.contains(staffed.officer), "the cookie is a session id, never the token")
            #expect(ok.headers[.location] == "/console")
            #expect(try await signed.get(client, "/console").headers[.location] == "/console/queue")
            #expect(try await signed.get(client, "/console/queue").status == .ok)
        }
    }

    @Test("Sign-in failures share the bearer tokens' limit: past it, even the right token waits")
    func signInRateLimit() async throws {
        try await app(authFailuresAllowed: 3).test(.router) { client in
            var browser = ConsoleBrowser()
            for _ in 0..<3 { #expect(try await browser.signIn(client, token: "sotay_off-000000000000.nope").status == .unauthorized) }
            let limited = try await browser.signIn(client, token: staffed.officer)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(browser.cookies[ConsoleRoutes.sessionCookie] == nil)
            // The JSON routes count against the same budget.
            #expect(try await client.json(.get, "/v1/officer/dossiers", token: "sotay_off-000000000000.nope").status == .tooManyRequests)
        }
    }

    @Test("The queue: newest first, filtered, counts per status, keyset pages without overlap, no resident name, no audit row")
    func queue() async throws {
        try await app().test(.router) { client in
            let (device, first) = try await staffed.volunteerWithDossier(client)
            var ids = [first.id]
            for index in 0..<59 {
                var upload = DossierUpload.sample(name: "Người dân \(index)", procedure: index % 2 == 0 ? "dang-ky-khai-sinh" : "dang-ky-ket-hon")
                upload.village = index % 3 == 0 ? "Thôn Tây" : "Thôn Đông"
                #expect(try await client.put(upload, token: device.token).status == .created)
                ids.append(upload.id)
            }
            _ = try staffed.hub.store.setStatus(ids[1], to: .needsSupplement, reason: "Thiếu giấy")
            var browser = ConsoleBrowser()
            _ = try await browser.signIn(client, token: staffed.officer)

            let page1 = try await browser.get(client, "/console/queue")
            #expect(page1.status == .ok)
            let html1 = String(buffer: page1.body)
            #expect(html1.range(of: #"Người dân \d"#, options: .regularExpression) == nil && !html1.contains("Trần Văn Bình"),
                    "no resident's name in the queue")
            let listed1 = Self.dossierLinks(html1)
            #expect(listed1.count == 50)
            let newestFirst = try await staffed.hub.store.writer.read { db in
                try String.fetchAll(db, sql: "SELECT id FROM dossier ORDER BY receivedAt DESC, id DESC")
            }
            #expect(listed1 == Array(newestFirst.prefix(50)), "newest first")
            #expect(html1.contains("Cần bổ sung</span> <strong>1</strong>"))
            #expect(html1.contains("Đã nhận</span> <strong>59</strong>"))
            let next = try #require(html1.range(of: #"href="(/console/queue\?after=[^"]+)""#, options: .regularExpression).map {
                String(html1[$0].dropFirst(6).dropLast()).replacingOccurrences(of: "&amp;", with: "&")
            })
            let html2 = String(buffer: try await browser.get(client, next).body)
            let listed2 = Self.dossierLinks(html2)
            #expect(listed2.count == 10)
            #expect(Set(listed1).isDisjoint(with: listed2) && Set(listed1 + listed2) == Set(ids))

            let filtered = String(buffer: try await browser.get(client, "/console/queue?status=needs-supplement").body)
            #expect(Self.dossierLinks(filtered) == [ids[1]])
            let village = String(buffer: try await browser.get(client, "/console/queue?village=Th%C3%B4n%20T%C3%A2y&procedure=dang-ky-khai-sinh").body)
            #expect(Self.dossierLinks(village).count == 10)
            let volunteer = try #require(try staffed.hub.store.volunteers().first?.id)
            #expect(Self.dossierLinks(String(buffer: try await browser.get(client, "/console/queue?volunteer=\(volunteer)").body)).count == 50)
            #expect(Self.dossierLinks(String(buffer: try await browser.get(client, "/console/queue?from=2999-01-01").body)).isEmpty)
            #expect(Self.dossierLinks(String(buffer: try await browser.get(client, "/console/queue?from=2000-01-01&to=2999-12-31").body)).count == 50)
            #expect(try await browser.get(client, "/console/queue?status=lost").status.code == 422)
            #expect(try await browser.get(client, "/console/queue?after=garbage").status.code == 422)
            #expect(try staffed.auditEntries().isEmpty, "the queue shows no personal data")
        }
    }

    @Test("A dossier: the questions' text, the resident, papers, the photo inline and no-store, revisions; each read audited")
    func dossierPage() async throws {
        try await app().test(.router) { client in
            let (device, upload) = try await staffed.volunteerWithDossier(client)
            var second = upload
            second.revision = 2
            second.answers["noi_sinh"] = .choice("ngoai_co_so_y_te")
            #expect(try await client.put(second, token: device.token).status == .created)
            var browser = ConsoleBrowser()
            _ = try await browser.signIn(client, token: staffed.officer)
            let response = try await browser.get(client, "/console/dossiers/\(upload.id)")
            #expect(response.status == .ok)
            let html = String(buffer: response.body)
            #expect(html.contains("Trần Văn Bình"))
            #expect(html.contains("Cháu sinh ở đâu?"), "the question's text, not its id")
            #expect(!html.contains(">noi_sinh<"))
            #expect(html.contains("Giấy chứng sinh do bệnh viện"))
            #expect(html.contains(#"<img src="/console/dossiers/\#(upload.id)/files/\#(staffed.photoSHA256)" alt="Giấy chứng sinh"#))
            #expect(html.contains(#"<td class="old">Ở bệnh viện, trạm y tế, nhà hộ sinh</td>"#), "the diff of revision 2")
            #expect(html.contains(upload.id) && html.contains("Ed25519"))
            let entries = try staffed.auditEntries()
            #expect(entries.map(\.action) == [.dossierShow])
            #expect(entries.first?.actorName == "Lê Thị Hoa" && entries.first?.actorRole == .officer && entries.first?.dossierId == upload.id)

            let photo = try await browser.get(client, "/console/dossiers/\(upload.id)/files/\(staffed.photoSHA256)")
            #expect(photo.status == .ok)
            #expect(Data(photo.body.readableBytesView) == staffed.photo, "served decrypted")
            #expect(photo.headers[.cacheControl] == "no-store")
            #expect(photo.headers[.contentDisposition]?.hasPrefix("inline") == true)
            #expect(try staffed.auditEntries().map(\.action) == [.dossierShow, .attachmentDownload])
            // Another dossier's blob, or none, is not served through this one.
            #expect(try await browser.get(client, "/console/dossiers/\(upload.id)/files/\(String(repeating: "a", count: 64))").status == .notFound)
            #expect(try await browser.get(client, "/console/dossiers/\(UUID().uuidString.lowercased())").status == .notFound)
            #expect(try await browser.get(client, "/console/dossiers/not-a-uuid").status == .notFound)
        }
    }

    @Test("The status form: refused without its CSRF token or a reason; saved, it reaches the change feed and the audit log")
    func statusForm() async throws {
        try await app().test(.router) { client in
            let (device, upload) = try await staffed.volunteerWithDossier(client)
            var browser = ConsoleBrowser()
            _ = try await browser.signIn(client, token: staffed.officer)
            let page = String(buffer: try await browser.get(client, "/console/dossiers/\(upload.id)").body)
            let csrf = try #require(ConsoleBrowser.csrf(in: page))
            let path = "/console/dossiers/\(upload.id)/status"

            #expect(try await browser.post(client, path, ["status": "needs-supplement", "reason": "Thiếu giấy"]).status == .forbidden)
            #expect(try await browser.post(client, path, ["csrf": String(repeating: "0", count: 64), "status": "needs-supplement", "reason": "x"]).status == .forbidden)
            let noReason = try await browser.post(client, path, ["csrf": csrf, "status": "needs-supplement", "reason": "  "])
            #expect(noReason.status.code == 422)
            #expect(String(buffer: noReason.body).contains("Cần ghi lý do"))
            #expect(try await browser.post(client, path, ["csrf": csrf, "status": "submitted"]).status.code == 422)
            #expect(try staffed.hub.store.dossier(upload.id).status == .received, "nothing saved by a refused form")

            let saved = try await browser.post(client, path, ["csrf": csrf, "status": "needs-supplement", "reason": "Thiếu bản chụp CCCD của mẹ"])
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/console/dossiers/\(upload.id)?saved=1")
            let dossier = try staffed.hub.store.dossier(upload.id)
            #expect(dossier.status == .needsSupplement && dossier.reason == "Thiếu bản chụp CCCD của mẹ")
            let feed = try await client.json(.get, "/v1/changes", token: device.token).decode(ChangesPage.self)
            #expect(feed.changes.contains { $0.dossierId == upload.id && $0.status == .needsSupplement && $0.reason == "Thiếu bản chụp CCCD của mẹ" })
            #expect(try staffed.auditEntries().map(\.action) == [.dossierShow, .statusChange])

            #expect(try await browser.post(client, path, ["csrf": csrf, "status": "submitted", "portalCode": "G22.99-261124-0001"]).status == .seeOther)
            #expect(try staffed.hub.store.dossier(upload.id).portalCode == "G22.99-261124-0001")
        }
    }

    @Test("Roles: an admin opens no dossier, an officer no admin page; sign-out, expiry and a revoked token end the session")
    func rolesAndSessions() async throws {
        try await app().test(.router) { client in
            let (_, upload) = try await staffed.volunteerWithDossier(client)
            var admin = ConsoleBrowser()
            _ = try await admin.signIn(client, token: staffed.admin)
            #expect(try await admin.get(client, "/console").headers[.location] == "/console/dashboard")
            #expect(try await admin.get(client, "/console/queue").status == .forbidden)
            #expect(try await admin.get(client, "/console/dossiers/\(upload.id)").status == .forbidden)
            #expect(try await admin.get(client, "/console/dossiers/\(upload.id)/files/\(staffed.photoSHA256)").status == .forbidden)
            #expect(try await admin.get(client, "/console/admin/audit").status == .ok)
            #expect(try staffed.auditEntries().isEmpty)

            var officer = ConsoleBrowser()
            _ = try await officer.signIn(client, token: staffed.officer)
            for page in ["codes", "devices", "officers", "audit"] {
                #expect(try await officer.get(client, "/console/admin/\(page)").status == .forbidden, "\(page)")
            }
            // Sign-out needs the CSRF token too, then the old cookie opens nothing.
            let page = String(buffer: try await officer.get(client, "/console/queue").body)
            let csrf = try #require(ConsoleBrowser.csrf(in: page))
            let stale = officer
            #expect(try await officer.post(client, "/console/logout", [:]).status == .forbidden)
            let out = try await officer.post(client, "/console/logout", ["csrf": csrf])
            #expect(out.status == .seeOther && out.headers[.location] == "/console/login")
            #expect(officer.cookies[ConsoleRoutes.sessionCookie] == nil)
            var replay = stale
            #expect(try await replay.get(client, "/console/queue").status == .unauthorized)

            // Idle for longer than the idle lifetime: signed out.
            var idle = ConsoleBrowser()
            _ = try await idle.signIn(client, token: staffed.officer)
            #expect(try await idle.get(client, "/console/queue").status == .ok)
            clock.advance(31 * 60)
            #expect(try await idle.get(client, "/console/queue").status == .unauthorized)

            // The officer's token revoked on the command line: the session ends with it.
            var revoked = ConsoleBrowser()
            _ = try await revoked.signIn(client, token: staffed.officer)
            let id = try #require(try staffed.hub.store.staff(role: .officer).first?.id)
            _ = try staffed.hub.store.revokeStaff(id, role: .officer)
            #expect(try await revoked.get(client, "/console/queue").status == .unauthorized)
        }
    }

    @Test("Admin pages: an enrolment code shown once and audited, a device revoked, an officer added, the audit log")
    func adminPages() async throws {
        try await app().test(.router) { client in
            let (device, _) = try await staffed.volunteerWithDossier(client)
            var admin = ConsoleBrowser()
            _ = try await admin.signIn(client, token: staffed.admin)
            let codes = String(buffer: try await admin.get(client, "/console/admin/codes").body)
            let csrf = try #require(ConsoleBrowser.csrf(in: codes))
            let volunteer = try #require(try staffed.hub.store.volunteers().first?.id)
            let before = try staffed.hub.store.auditEntries().count
            let made = try await admin.post(client, "/console/admin/codes", ["csrf": csrf, "volunteer": String(volunteer)])
            #expect(made.status == .ok)
            let html = String(buffer: made.body)
            #expect(html.contains(#"id="enrol-code""#))
            #expect(made.headers[.cacheControl] == "no-store")
            let rows = try staffed.hub.store.auditEntries()
            #expect(rows.count == before + 1 && rows.last?.action == .enrollCodeIssued && rows.last?.actorRole == .admin)
            #expect(!String(buffer: try await admin.get(client, "/console/admin/codes").body).contains(#"id="enrol-code""#), "shown once")
            #expect(try await admin.post(client, "/console/admin/codes", ["volunteer": String(volunteer)]).status == .forbidden)

            let devices = String(buffer: try await admin.get(client, "/console/admin/devices").body)
            #expect(devices.contains(device.deviceId))
            #expect(try await admin.post(client, "/console/admin/devices/\(device.deviceId)/revoke", ["csrf": csrf]).status == .seeOther)
            #expect(try staffed.hub.store.devices().first { $0.id == device.deviceId }?.revokedAt != nil)

            let added = try await admin.post(client, "/console/admin/officers", ["csrf": csrf, "name": "Phạm Văn Tư"])
            let token = try #require(String(buffer: added.body).range(of: #"sotay_off-[A-Za-z0-9._-]+"#, options: .regularExpression).map {
                String(String(buffer: added.body)[$0])
            })
            var newOfficer = ConsoleBrowser()
            #expect(try await newOfficer.signIn(client, token: token).status == .seeOther)
            #expect(try await newOfficer.get(client, "/console/queue").status == .ok)

            let audit = String(buffer: try await admin.get(client, "/console/admin/audit").body)
            #expect(audit.contains("enroll-code.issue") && audit.contains("Đỗ Văn Quản"))
        }
    }

    @Test("Dashboard: the report's figures, SVG charts, downloads in three formats, an announcement through the feed; English on request")
    func dashboard() async throws {
        try await app().test(.router) { client in
            let (device, _) = try await staffed.volunteerWithDossier(client)
            var officer = ConsoleBrowser()
            _ = try await officer.signIn(client, token: staffed.officer)
            let month = ReportMonth(containing: Date()).description
            let page = try await officer.get(client, "/console/dashboard?month=\(month)")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            // Dossiers per day, by village, by procedure, backlog; the online share needs activities.
            #expect(html.components(separatedBy: "<svg ").count - 1 == 4)
            #expect(html.contains(#"<section class="card" aria-labelledby="c2"><h2 id="c2">Tỷ lệ nộp trực tuyến</h2><p>Chưa có số liệu.</p>"#))
            #expect(html.contains("Số hộ gia đình được đến"), "the indicators of content/indicators.yaml")
            let xlsx = try await officer.get(client, "/console/reports/\(month).xlsx")
            #expect(xlsx.status == .ok && Array(xlsx.body.readableBytesView.prefix(2)) == [0x50, 0x4B])
            #expect(String(buffer: try await officer.get(client, "/console/reports/\(month).csv").body).contains("Số hộ gia đình được đến"))
            #expect(try await officer.get(client, "/console/reports/\(month).html").status == .ok)
            #expect(try await officer.get(client, "/console/reports/\(month).exe").status == .notFound)

            let csrf = try #require(ConsoleBrowser.csrf(in: html))
            #expect(try await officer.post(client, "/console/announcements", ["message": "Họp tổ thứ Sáu"]).status == .forbidden)
            #expect(try await officer.post(client, "/console/announcements", ["csrf": csrf, "message": "Họp tổ thứ Sáu"]).status == .seeOther)
            let feed = try await client.json(.get, "/v1/changes", token: device.token).decode(ChangesPage.self)
            #expect(feed.changes.contains { $0.kind == .announcement && $0.message == "Họp tổ thứ Sáu" })

            #expect(try await officer.get(client, "/console/lang/en?back=/console/dashboard").headers[.location] == "/console/dashboard")
            let english = String(buffer: try await officer.get(client, "/console/dashboard").body)
            #expect(english.contains("Households visited") && english.contains(#"<html lang="en">"#))
            #expect(try await officer.get(client, "/console/lang/vi?back=https://evil.example").headers[.location] == "/console")
        }
    }

    @Test("Accessibility basics on every page: labels, alt text, one h1, no skipped heading; the palette meets WCAG AA")
    func accessibility() async throws {
        for entry in ConsoleStyle.palette {
            #expect(ConsoleStyle.contrast(entry.foreground, entry.background) >= 4.5, "\(entry.name): \(entry.foreground) on \(entry.background)")
        }
        #expect(ConsoleStyle.contrast(ConsoleCharts.bar, "#ffffff") >= 3, "chart bars against the page")
        try await app().test(.router) { client in
            let (_, upload) = try await staffed.volunteerWithDossier(client)
            var officer = ConsoleBrowser()
            let login = String(buffer: try await officer.get(client, "/console/login").body)
            #expect(ConsoleAccessibility.problems(login).isEmpty, "login: \(ConsoleAccessibility.problems(login))")
            _ = try await officer.signIn(client, token: staffed.officer)
            for path in ["/console/queue", "/console/dossiers/\(upload.id)", "/console/dashboard"] {
                let html = String(buffer: try await officer.get(client, path).body)
                #expect(ConsoleAccessibility.problems(html).isEmpty, "\(path): \(ConsoleAccessibility.problems(html))")
                #expect(!html.contains("<script") && !html.contains(#"src="http"#) && !html.contains(#"href="http"#),
                        "\(path): works with JavaScript off, nothing from another site")
            }
            var admin = ConsoleBrowser()
            _ = try await admin.signIn(client, token: staffed.admin)
            for path in ["/console/admin/codes", "/console/admin/devices", "/console/admin/officers", "/console/admin/audit", "/console/dashboard"] {
                let html = String(buffer: try await admin.get(client, path).body)
                #expect(ConsoleAccessibility.problems(html).isEmpty, "\(path): \(ConsoleAccessibility.problems(html))")
            }
            let css = try await officer.get(client, "/console/static/console.css")
            #expect(css.status == .ok && String(buffer: css.body).contains("@media print"))
        }
    }

    @Test("Under TLS the session cookie is also Secure")
    func secureCookieUnderTLS() async throws {
        // The router alone: the certificate is read only when the server starts.
        var configuration = HubConfiguration(dataDirectory: staffed.hub.directory, host: "127.0.0.1", port: 0,
                                             tlsCertificate: "/nonexistent/cert.pem", tlsKey: "/nonexistent/key.pem")
        configuration.console = ConsoleSettings()
        let (router, _) = buildRouter(store: staffed.hub.store, configuration: configuration)
        try await Application(router: router).test(.router) { client in
            var browser = ConsoleBrowser()
            let signed = try await browser.signIn(client, token: staffed.officer)
            #expect(signed.status == .seeOther)
            let cookie = signed.headers[values: .setCookie].first { $0.hasPrefix(ConsoleRoutes.sessionCookie + "=") } ?? ""
            #expect(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(signed.headers[.strictTransportSecurity] != nil)
        }
    }

    static func dossierLinks(_ html: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: #"href="/console/dossiers/([0-9a-f-]{36})" class="open-dossier""#) else { return [] }
        return expression.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
            Range($0.range(at: 1), in: html).map { String(html[$0]) }
        }
    }
}
