import Foundation
import SoTayTestSupport
import Testing

/// A captive portal answers the laptop's requests with a redirect to its login page. The
/// protocol has no redirects: the laptop must not follow one, so its token goes nowhere else.
@Suite("End to end: a redirect is a refusal, never followed")
struct RedirectEndToEndTests {
    @Test("A 302 or 307 to another server is not followed: the login page never sees the token, and the volunteer is told to log in", arguments: [302, 307])
    func redirectNotFollowed(status: Int) throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        try laptop.readyDossier()
        let loginPage = try RecordingHTTPServer(reply: .loginPage)
        defer { loginPage.shutdown() }
        let portal = try RecordingHTTPServer(reply: .redirect(status, to: loginPage.url + "/login?next=hub"))
        defer { portal.shutdown() }

        let refused = try laptop.sotay.run(["sync", "--hub", portal.url])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("cần đăng nhập"), "\(refused.stderr)")
        #expect(refused.stderr.contains("127.0.0.1:\(loginPage.port)") || refused.stderr.contains("127.0.0.1"))
        #expect(!portal.requests.isEmpty, "the laptop should have asked the address it was given")
        #expect(loginPage.requests.isEmpty, "the redirect was followed: \(loginPage.requests.map { "\($0.method) \($0.path) \($0.headers)" })")
        #expect(loginPage.requests.allSatisfy { $0.headers["authorization"] == nil })
        // Nothing was taken as sent; the real hub still gets it afterwards.
        #expect(try laptop.status()["pendingDossiers"] as? Int == 1)
        let english = try laptop.sotay.run(["sync", "--hub", portal.url, "--lang", "en"])
        #expect(english.status != 0)
        #expect(english.stderr.contains("needs a login"), "\(english.stderr)")
        #expect(loginPage.requests.isEmpty)
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(try hubDossiers(hub).count == 1)
    }
}
