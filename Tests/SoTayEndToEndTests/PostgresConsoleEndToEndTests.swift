import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SoTayTestSupport
import Testing

/// The officer's console on a province hub run as nginx would see it: two `sotay-hub serve
/// --database` processes on one database and one data folder, each request sent to either.
@Suite("End to end: the console on two PostgreSQL hub processes", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["SOTAY_TEST_POSTGRES_URL"] != nil
                    || ProcessInfo.processInfo.environment["SOTAY_TEST_POSTGRES_REQUIRED"] == "1",
                "SOTAY_TEST_POSTGRES_URL is unset: run make test, or scripts/with-pg-test-cluster.sh swift test --skip-build --filter PostgresConsoleEndToEndTests"))
struct PostgresConsoleEndToEndTests {
    /// A browser without a cookie jar of its own and without following redirects: what it sends
    /// and keeps is what the test says.
    final class Browser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        var cookies: [String: String] = [:]
        lazy var session: URLSession = {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpCookieStorage = nil
            configuration.httpShouldSetCookies = false
            configuration.urlCache = nil
            return URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        }()

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
            completionHandler(nil)
        }

        func send(_ hub: HubProcess, _ path: String, form: [String: String]? = nil) async throws -> (status: Int, body: String) {
            var request = URLRequest(url: try #require(URL(string: hub.url + path)))
            if !cookies.isEmpty { request.setValue(cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "), forHTTPHeaderField: "Cookie") }
            if let form {
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                request.httpMethod = "POST"
                request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
                    .joined(separator: "&").utf8)
            }
            let (data, response) = try await session.data(for: request)
            let http = try #require(response as? HTTPURLResponse)
            // Several Set-Cookie fields may come folded into one: read each cookie by its name.
            let set = http.value(forHTTPHeaderField: "Set-Cookie") ?? ""
            for name in ["sotay_console", "sotay_console_login"] {
                guard let match = set.firstMatch(of: try Regex("(?:^|[ ,])\(name)=([^;]*);[^,]*")) else { continue }
                let value = String(match.output[1].substring ?? "")
                cookies[name] = String(set[match.range]).contains("Max-Age=0") ? nil : value
            }
            return (http.statusCode, String(decoding: data, as: UTF8.self))
        }

        func signIn(_ hub: HubProcess, token: String) async throws -> Int {
            let form = try await send(hub, "/console/login")
            let csrf = try #require(Self.csrf(form.body))
            return try await send(hub, "/console/login", form: ["csrf": csrf, "token": token]).status
        }

        static func csrf(_ html: String) -> String? {
            html.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/).map { String($0.1) }
        }
    }

    @Test("Signed in through one process, the officer is signed in on the other; signing out on either, or a revoked token, ends it on both")
    func sessionsAcrossProcesses() async throws {
        let url = try await PostgresSyncEndToEndTests.freshDatabase()
        let data = FileManager.default.temporaryDirectory.appending(path: "sotay-hub-pg-console-\(UUID().uuidString)")
        let first = try HubProcess(data: data, serveArguments: ["--database", url])
        defer { first.cleanUp() }
        let second = try HubProcess(data: data, serveArguments: ["--database", url])
        defer { second.cleanUp() }
        #expect(try first.admin(["communes", "add", "Xã Gia Lộc", "--database", url]).status == 0)
        let added = try first.admin(["officers", "add", "--name", "Lê Thị Hoa", "--database", url])
        let token = String(try #require(added.stdout.firstMatch(of: /sotay_off-[A-Za-z0-9._-]+/)?.0, "\(added.stdout)\(added.stderr)"))
        let id = String(try #require(token.firstMatch(of: /off-[a-z0-9]+/)?.0))

        let browser = Browser()
        #expect(try await browser.signIn(first, token: token) == 303)
        #expect(browser.cookies["sotay_console"]?.count == 64)
        let queue = try await browser.send(second, "/console/queue")
        #expect(queue.status == 200 && queue.body.contains("Lê Thị Hoa"), "signed in on one process, served by the other")
        let csrf = try #require(Browser.csrf(queue.body))
        let kept = browser.cookies
        #expect(try await browser.send(second, "/console/logout", form: ["csrf": csrf]).status == 303)
        browser.cookies = kept
        #expect(try await browser.send(first, "/console/queue").status == 401, "signed out on the second, gone on the first")
        #expect(try await browser.send(second, "/console/queue").status == 401)

        let again = Browser()
        #expect(try await again.signIn(second, token: token) == 303)
        #expect(try await again.send(first, "/console/queue").status == 200)
        #expect(try first.admin(["officers", "revoke", id, "--database", url]).status == 0)
        #expect(try await again.send(first, "/console/queue").status == 401, "the token revoked on the command line ends every session")
        #expect(try await again.send(second, "/console/queue").status == 401)
    }
}
