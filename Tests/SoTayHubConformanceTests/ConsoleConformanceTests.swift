import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SoTayCore
@testable import SoTayHub
import SoTayWire
import Testing

/// A browser as the console tests keep it: the cookies the hub set, sent back on every request.
struct ConsoleVisitor {
    var cookies: [String: String] = [:]

    mutating func keep(_ response: TestResponse) {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            cookies[String(pair[0])] = field.value.contains("Max-Age=0") ? nil : String(pair[1])
        }
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
        keep(response)
        return response
    }

    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ form: [String: String]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        keep(response)
        return response
    }

    /// Signs in through the login form, as a person does.
    mutating func signIn(_ client: some TestClientProtocol, token: String) async throws -> TestResponse {
        let form = String(buffer: try await get(client, "/console/login").body)
        let csrf = try #require(Self.csrf(in: form))
        return try await post(client, "/console/login", ["csrf": csrf, "token": token])
    }

    /// The CSRF token of a page's forms.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) else { return nil }
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    /// The dossiers a queue page links to, in its order.
    static func dossierLinks(_ html: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: #"href="/console/dossiers/([0-9a-f-]{36})" class="open-dossier""#) else { return [] }
        return expression.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
            Range($0.range(at: 1), in: html).map { String(html[$0]) }
        }
    }

    static func nextLink(_ html: String) -> String? {
        html.range(of: #"href="(/console/queue\?[^"]*after=[^"]+)""#, options: .regularExpression).map {
            String(html[$0].dropFirst(6).dropLast()).replacingOccurrences(of: "&amp;", with: "&")
        }
    }
}

/// A hub with two communes' dossiers (on SQLite one commune: the hub is one), an officer of
/// Xã An Bình and an admin, and the router `sotay-hub serve` builds for the store.
struct ConsoleHub: Sendable {
    let hub: StoreUnderTest
    let officer: String
    let officerID: String
    let admin: String
    /// Xã An Bình's dossiers, Thôn Đông, oldest first.
    let ours: [String]
    /// Another commune's (on SQLite the same commune's), Thôn Bến.
    let theirs: [String]
    let ourDevice: HubDevice

    static func make(_ backend: Backend, dossiers: Int = 3) async throws -> ConsoleHub {
        let hub = try await StoreUnderTest.make(backend)
        let repository = hub.repository
        let otherCommune = backend == .postgres ? "Xã Gia Lộc" : "Xã An Bình"
        let (_, ourDevice, _) = try await HubRepositoryConformanceTests.enrol(repository, name: "Nguyễn Thị Lan", commune: "Xã An Bình")
        let (_, theirDevice, _) = try await HubRepositoryConformanceTests.enrol(repository, name: "Trần Văn Bình", commune: otherCommune)
        var ours: [String] = []
        var theirs: [String] = []
        // A second apart, so that "newest first" is one order on both stores.
        let start = Date().addingTimeInterval(-3600)
        for index in 0..<(dossiers + 2) {
            let isOurs = index < dossiers
            var upload = DossierUpload.sample(name: isOurs ? "Cư dân An Bình \(index)" : "Cư dân Gia Lộc \(index)")
            upload.village = isOurs ? "Thôn Đông" : "Thôn Bến"
            let body = String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self)
            guard case .stored = try await repository.storeDossier(upload, body: body, device: isOurs ? ourDevice : theirDevice,
                                                                      now: start.addingTimeInterval(Double(index))) else {
                throw HubRepositoryConformanceTests.ConformanceError.notEnrolled
            }
            if isOurs { ours.append(upload.id) } else { theirs.append(upload.id) }
        }
        let officer: (staff: HubStaff, token: String)
        if let postgres = hub.postgres {
            officer = try await postgres.addStaff(role: .officer, name: "Lê Thị Hoa", commune: "Xã An Bình", now: Date())
        } else {
            officer = try await repository.addStaff(role: .officer, name: "Lê Thị Hoa", now: Date())
        }
        let admin = try await repository.addStaff(role: .admin, name: "Đỗ Văn Quản", now: Date())
        return ConsoleHub(hub: hub, officer: officer.token, officerID: officer.staff.id, admin: admin.token, ours: ours, theirs: theirs,
                          ourDevice: ourDevice)
    }

    /// The router of `sotay-hub serve` on this store (for PostgreSQL, `store`: one process of several).
    func router(_ store: StoreUnderTest? = nil, clock: @escaping @Sendable () -> Date = { Date() }) -> Router<HubRequestContext> {
        let store = store ?? hub
        var configuration = HubConfiguration(dataDirectory: store.directory, host: "127.0.0.1", port: 0)
        configuration.console = ConsoleSettings(idleLifetime: 30 * 60, absoluteLifetime: 10 * 3600, clock: clock)
        if let postgres = store.postgres { return buildRouter(postgres: postgres, configuration: configuration).0 }
        guard let sqlite = store.sqlite else { return Router(context: HubRequestContext.self) }
        return buildRouter(store: sqlite, configuration: configuration).0
    }

    /// The audit log after the enrolments of `make`.
    func audit() async throws -> [HubAuditEntry] {
        try await hub.repository.auditEntries(since: nil, after: 0, limit: nil).filter { $0.action != .deviceEnrolled }
    }
}

/// The officer's web console on both stores: the same pages, the same refusals, the same audit
/// rows; on PostgreSQL an officer's pages are their commune's only, and the sessions are shared
/// by every `serve` process.
@Suite("Console on both stores")
struct ConsoleConformanceTests {
    @Test(arguments: Backend.enabled)
    func theQueuePagesNewestFirstFiltersAndShowsOnlyTheOfficersCommune(_ backend: Backend) async throws {
        let console = try await ConsoleHub.make(backend, dossiers: 55)
        defer { Task { await console.hub.close() } }
        _ = try await console.hub.repository.setStatus(console.ours[7], to: .needsSupplement, portalCode: nil, reason: "Thiếu giấy", now: Date())
        try await Application(router: console.router()).test(.router) { client in
            var officer = ConsoleVisitor()
            let signedIn = try await officer.signIn(client, token: console.officer)
            #expect(signedIn.status == .seeOther && officer.cookies[ConsoleRoutes.sessionCookie] != nil)
            #expect(try await officer.get(client, "/console").headers[.location] == "/console/queue")

            let first = String(buffer: try await officer.get(client, "/console/queue").body)
            let page1 = ConsoleVisitor.dossierLinks(first)
            #expect(page1.count == 50)
            #expect(!first.contains("Cư dân"), "no resident's name in the queue")
            let next = try #require(ConsoleVisitor.nextLink(first))
            let page2 = ConsoleVisitor.dossierLinks(String(buffer: try await officer.get(client, next).body))
            let visible = backend == .postgres ? console.ours : console.ours + console.theirs
            #expect(page1 + page2 == Array(visible.reversed()), "newest first, the pages neither overlapping nor skipping")
            if backend == .postgres {
                #expect(Set(page1 + page2).isDisjoint(with: console.theirs), "another commune's dossiers are not in the queue")
                #expect(!first.contains("Thôn Bến"), "nor its villages among the filters")
                #expect(!first.contains("Trần Văn Bình"), "nor its volunteers")
            }

            let filtered = String(buffer: try await officer.get(client, "/console/queue?status=needs-supplement").body)
            #expect(ConsoleVisitor.dossierLinks(filtered) == [console.ours[7]])
            #expect(filtered.contains("Cần bổ sung</span> <strong>1</strong>"))
            let village = ConsoleVisitor.dossierLinks(String(buffer: try await officer.get(client, "/console/queue?village=Th%C3%B4n%20B%E1%BA%BFn").body))
            #expect(Set(village) == (backend == .postgres ? [] : Set(console.theirs)))
            #expect(ConsoleVisitor.dossierLinks(String(buffer: try await officer.get(client, "/console/queue?from=2999-01-01").body)).isEmpty)
            #expect(try await officer.get(client, "/console/queue?after=garbage").status.code == 422)
            #expect(try await console.audit().isEmpty, "the queue shows no personal data, so it writes no audit row")
        }
    }

    @Test("A province reader's token does not sign in to the console: a 403 that says what it is for, and no session", arguments: Backend.enabled.filter { $0 == .postgres })
    func aProvinceTokenDoesNotSignIn(_ backend: Backend) async throws {
        let console = try await ConsoleHub.make(backend, dossiers: 1)
        defer { Task { await console.hub.close() } }
        let reader = try await console.hub.repository.addStaff(role: .province, name: "Sở TT&TT", now: Date())
        try await Application(router: console.router()).test(.router) { client in
            var visitor = ConsoleVisitor()
            let refused = try await visitor.signIn(client, token: reader.token)
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("người đọc báo cáo tỉnh"))
            #expect(visitor.cookies[ConsoleRoutes.sessionCookie] == nil)
            #expect(try await visitor.get(client, "/console/queue").status == .unauthorized, "still signed out")
        }
    }

    @Test(arguments: Backend.enabled)
    func aDossierPageAndItsStatusFormAreAuditedAndAnotherCommunesDossierIsNotFound(_ backend: Backend) async throws {
        let console = try await ConsoleHub.make(backend)
        defer { Task { await console.hub.close() } }
        try await Application(router: console.router()).test(.router) { client in
            var officer = ConsoleVisitor()
            _ = try await officer.signIn(client, token: console.officer)
            let id = console.ours[0]
            let page = try await officer.get(client, "/console/dossiers/\(id)")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Cư dân An Bình 0"), "the resident's name, opened from its sealed column")
            #expect(html.contains("Nguyễn Thị Lan (số"))
            #expect(try await console.audit().map(\.action) == [.dossierShow])

            let csrf = try #require(ConsoleVisitor.csrf(in: html))
            let path = "/console/dossiers/\(id)/status"
            #expect(try await officer.post(client, path, ["status": "needs-supplement", "reason": "Thiếu giấy"]).status == .forbidden)
            #expect(try await officer.post(client, path, ["csrf": csrf, "status": "needs-supplement", "reason": " "]).status.code == 422)
            #expect(try await console.hub.repository.dossier(id).status == .received, "nothing saved by a refused form")
            let saved = try await officer.post(client, path, ["csrf": csrf, "status": "needs-supplement", "reason": "Thiếu bản chụp CCCD của mẹ"])
            #expect(saved.status == .seeOther && saved.headers[.location] == "/console/dossiers/\(id)?saved=1")
            let dossier = try await console.hub.repository.dossier(id)
            #expect(dossier.status == .needsSupplement && dossier.reason == "Thiếu bản chụp CCCD của mẹ")
            let entries = try await console.audit()
            #expect(entries.map(\.action) == [.dossierShow, .statusChange])
            #expect(entries.last?.actorName == "Lê Thị Hoa" && entries.last?.actorRole == .officer && entries.last?.dossierId == id)
            let feed = try await console.hub.repository.changes(after: 0, limit: 50, device: console.ourDevice, now: Date())
            #expect(feed.changes.contains { $0.dossierId == id && $0.status == .needsSupplement })

            let theirs = console.theirs[0]
            let other = try await officer.get(client, "/console/dossiers/\(theirs)")
            let otherStatus = try await officer.post(client, "/console/dossiers/\(theirs)/status", ["csrf": csrf, "status": "completed"])
            switch backend {
            case .sqlite:
                // One commune: every dossier is the officer's.
                #expect(other.status == .ok && otherStatus.status == .seeOther)
            case .postgres:
                #expect(other.status == .notFound && otherStatus.status == .notFound)
                #expect(!String(buffer: other.body).contains("Cư dân Gia Lộc"))
                #expect(try await console.hub.repository.dossier(theirs).status == .received, "another commune's dossier is left as it was")
                #expect(try await console.audit().count == 2, "nothing read, nothing audited")
                let photo = try await officer.get(client, "/console/dossiers/\(theirs)/files/\(String(repeating: "a", count: 64))")
                #expect(photo.status == .notFound)
            }
        }
    }

    @Test(arguments: Backend.enabled)
    func signOutIdleTimeAndARevokedTokenEndTheSession(_ backend: Backend) async throws {
        let console = try await ConsoleHub.make(backend)
        defer { Task { await console.hub.close() } }
        let clock = ConsoleClock()
        try await Application(router: console.router(clock: { clock.now() })).test(.router) { client in
            var officer = ConsoleVisitor()
            _ = try await officer.signIn(client, token: console.officer)
            let csrf = try #require(ConsoleVisitor.csrf(in: String(buffer: try await officer.get(client, "/console/queue").body)))
            let kept = officer
            #expect(try await officer.post(client, "/console/logout", [:]).status == .forbidden, "sign-out needs the form's token too")
            let out = try await officer.post(client, "/console/logout", ["csrf": csrf])
            #expect(out.status == .seeOther && officer.cookies[ConsoleRoutes.sessionCookie] == nil)
            var replay = kept
            #expect(try await replay.get(client, "/console/queue").status == .unauthorized, "the old cookie opens nothing")

            var idle = ConsoleVisitor()
            _ = try await idle.signIn(client, token: console.officer)
            clock.advance(29 * 60)
            #expect(try await idle.get(client, "/console/queue").status == .ok, "each page restarts the idle timer")
            clock.advance(29 * 60)
            #expect(try await idle.get(client, "/console/queue").status == .ok)
            clock.advance(31 * 60)
            #expect(try await idle.get(client, "/console/queue").status == .unauthorized)

            // Revoked from the admin's page: the officer's open session ends at once.
            var revoked = ConsoleVisitor()
            _ = try await revoked.signIn(client, token: console.officer)
            var admin = ConsoleVisitor()
            _ = try await admin.signIn(client, token: console.admin)
            let adminCSRF = try #require(ConsoleVisitor.csrf(in: String(buffer: try await admin.get(client, "/console/admin/officers").body)))
            #expect(try await admin.post(client, "/console/admin/officers/\(console.officerID)/revoke", ["csrf": adminCSRF]).status == .seeOther)
            #expect(try await revoked.get(client, "/console/queue").status == .unauthorized)
            #expect(try await revoked.signIn(client, token: console.officer).status == .unauthorized)
        }
        if let postgres = console.hub.postgres {
            let left = try await postgres.rows("SELECT count(*) FROM console_session WHERE staff_id = \(console.officerID)").first?.value(Int64.self)
            #expect(left == 0, "a revoked officer's sessions are gone from the table")
            let stored = try await postgres.rows("SELECT key_hash FROM console_session").map { try $0.value(String.self) }
            #expect(stored.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) }, "only the cookie's SHA-256 is kept")
        }
    }

    @Test(arguments: Backend.enabled)
    func theAdminsPagesCoverTheWholeHubAndTheOfficersDashboardTheirCommune(_ backend: Backend) async throws {
        let console = try await ConsoleHub.make(backend)
        defer { Task { await console.hub.close() } }
        try await Application(router: console.router()).test(.router) { client in
            var admin = ConsoleVisitor()
            _ = try await admin.signIn(client, token: console.admin)
            #expect(try await admin.get(client, "/console").headers[.location] == "/console/dashboard")
            #expect(try await admin.get(client, "/console/queue").status == .forbidden)
            #expect(try await admin.get(client, "/console/dossiers/\(console.ours[0])").status == .forbidden)

            let codes = String(buffer: try await admin.get(client, "/console/admin/codes").body)
            #expect(codes.contains("Nguyễn Thị Lan") && codes.contains("Trần Văn Bình"), "every commune's volunteers")
            let csrf = try #require(ConsoleVisitor.csrf(in: codes))
            let volunteers = try await console.hub.repository.volunteers()
            let number = try #require(volunteers.first { $0.name == "Trần Văn Bình" }?.id)
            let made = try await admin.post(client, "/console/admin/codes", ["csrf": csrf, "volunteer": String(number)])
            #expect(made.status == .ok && String(buffer: made.body).contains(#"id="enrol-code""#))
            #expect(try await console.audit().map(\.action) == [.enrollCodeIssued])

            let devices = String(buffer: try await admin.get(client, "/console/admin/devices").body)
            #expect(devices.contains(console.ourDevice.id) && devices.contains("Laptop Trần Văn Bình"))

            let officers = String(buffer: try await admin.get(client, "/console/admin/officers").body)
            #expect(officers.contains("Lê Thị Hoa"))
            // Two communes (PostgreSQL): the admin says whose officer the new one is.
            #expect(officers.contains(#"<select id="officer-commune" name="commune""#) == (backend == .postgres))
            let added = try await admin.post(client, "/console/admin/officers", ["csrf": csrf, "name": "Phạm Văn Tư", "commune": "Xã Gia Lộc"])
            let html = String(buffer: added.body)
            let token = try #require(html.range(of: #"sotay_off-[A-Za-z0-9._-]+"#, options: .regularExpression).map { String(html[$0]) })
            var newOfficer = ConsoleVisitor()
            #expect(try await newOfficer.signIn(client, token: token).status == .seeOther)
            let queue = ConsoleVisitor.dossierLinks(String(buffer: try await newOfficer.get(client, "/console/queue").body))
            #expect(Set(queue) == Set(backend == .postgres ? console.theirs : console.ours + console.theirs), "the commune chosen for them")

            let audit = String(buffer: try await admin.get(client, "/console/admin/audit").body)
            #expect(audit.contains("enroll-code.issue") && audit.contains("Đỗ Văn Quản"))

            let month = ReportMonth(containing: Date()).description
            let adminBoard = try await admin.get(client, "/console/dashboard?month=\(month)")
            #expect(adminBoard.status == .ok)
            #expect(String(buffer: adminBoard.body).contains("Thôn Bến") && String(buffer: adminBoard.body).contains("Thôn Đông"))
            var officer = ConsoleVisitor()
            _ = try await officer.signIn(client, token: console.officer)
            let board = try await officer.get(client, "/console/dashboard?month=\(month)")
            #expect(board.status == .ok)
            #expect(String(buffer: board.body).contains("Thôn Bến") == (backend == .sqlite), "an officer's figures are their commune's")
            #expect(try await officer.get(client, "/console/reports/\(month).csv").status == .ok)
            let officerCSRF = try #require(ConsoleVisitor.csrf(in: String(buffer: board.body)))
            #expect(try await officer.post(client, "/console/announcements", ["csrf": officerCSRF, "message": "Họp tổ thứ Sáu"]).status == .seeOther)
            #expect(String(buffer: try await officer.get(client, "/console/dashboard").body).contains("Họp tổ thứ Sáu"))
        }
    }
}

/// Two `serve` processes on one PostgreSQL database, behind a load balancer that sends each
/// request where it likes: the console's session is the database's, not a process's.
@Suite("Console on two PostgreSQL processes", .enabled(if: Backend.postgresURL != nil || Backend.postgresRequired,
                                                       "SOTAY_TEST_POSTGRES_URL is unset: run scripts/with-pg-test-cluster.sh"))
struct ConsoleTwoProcessTests {
    @Test func aSessionOpenedOnOneProcessWorksOnTheOtherAndSigningOutOnEitherEndsItOnBoth() async throws {
        let console = try await ConsoleHub.make(.postgres)
        let second = try await console.hub.second()
        defer { Task { await second.close(removingFolder: false); await console.hub.close() } }
        try await Application(router: console.router()).test(.router) { one in
            try await Application(router: console.router(second)).test(.router) { two in
                var officer = ConsoleVisitor()
                #expect(try await officer.signIn(one, token: console.officer).status == .seeOther)
                let queue = try await officer.get(two, "/console/queue")
                #expect(queue.status == .ok, "signed in on one, served by the other")
                #expect(Set(ConsoleVisitor.dossierLinks(String(buffer: queue.body))) == Set(console.ours))
                let csrf = try #require(ConsoleVisitor.csrf(in: String(buffer: queue.body)))
                let page = try await officer.get(one, "/console/dossiers/\(console.ours[0])")
                #expect(page.status == .ok && ConsoleVisitor.csrf(in: String(buffer: page.body)) == csrf, "one session, one form token")
                #expect(try await officer.post(two, "/console/dossiers/\(console.ours[0])/status", ["csrf": csrf, "status": "completed"]).status == .seeOther)
                #expect(try await console.hub.repository.dossier(console.ours[0]).status == .completed)

                let kept = officer
                #expect(try await officer.post(two, "/console/logout", ["csrf": csrf]).status == .seeOther)
                var onOne = kept
                var onTwo = kept
                #expect(try await onOne.get(one, "/console/queue").status == .unauthorized, "signed out on two, gone on one")
                #expect(try await onTwo.get(two, "/console/queue").status == .unauthorized)

                // Revoked through one process: the session opened on the other ends too.
                var again = ConsoleVisitor()
                _ = try await again.signIn(two, token: console.officer)
                #expect(try await again.get(one, "/console/queue").status == .ok)
                _ = try await console.hub.repository.revokeStaff(console.officerID, role: .officer, now: Date())
                #expect(try await again.get(two, "/console/queue").status == .unauthorized)
                #expect(try await again.get(one, "/console/queue").status == .unauthorized)
            }
        }
    }
}

/// A clock the tests move forward, for session expiry.
final class ConsoleClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval = 0
    func advance(_ seconds: TimeInterval) { lock.withLock { offset += seconds } }
    func now() -> Date { lock.withLock { Date().addingTimeInterval(offset) } }
}
