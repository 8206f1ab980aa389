import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SoTayTestSupport
import SoTayWire
import Testing

@Suite("End to end: officers, admins and the audit log on a real hub", .serialized)
struct HubAccessEndToEndTests {
    /// A GET with a bearer token, as an officer's script or browser extension would make it.
    static func get(_ hub: HubProcess, _ path: String, token: String) async throws -> (Int, Data, HTTPURLResponse) {
        var request = URLRequest(url: try #require(URL(string: hub.url + path)))
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, data, http)
    }

    @Test("An officer added on the command line reads a synced dossier over HTTP; that read and the CLI's show both appear in `sotay-hub audit --json`")
    func officerReadIsAudited() async throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let id = try laptop.readyDossier("Trần Thị Mai")
        #expect(try laptop.sotay.run(["sync"]).status == 0)

        let added = try hub.admin(["officers", "add", "--name", "Lê Thị Hoa"])
        #expect(added.status == 0, "\(added.stderr)")
        let token = try #require(added.stdout.split(separator: "\n").map(String.init).first { $0.hasPrefix("sotay_off-") })
        let listed = try #require(try hub.adminJSON(["officers", "list", "--json"]) as? [[String: Any]])
        #expect(listed.map { $0["name"] as? String } == ["Lê Thị Hoa"])
        #expect(!String(describing: listed).contains(token))

        let (status, data, response) = try await Self.get(hub, "/v1/officer/dossiers/\(id)", token: token)
        #expect(status == 200)
        #expect(String(decoding: data, as: UTF8.self).contains("Trần Thị Mai"))
        #expect(response.value(forHTTPHeaderField: "Cache-Control") == "no-store")
        let (refused, _, _) = try await Self.get(hub, "/v1/admin/audit", token: token)
        #expect(refused == 403)

        #expect(try hub.admin(["dossiers", "show", String(id.prefix(8))]).status == 0)

        let all = try #require(try hub.adminJSON(["audit", "--json"]) as? [[String: Any]])
        // The laptop's enrolment came first (code issued on the command line, device enrolled).
        #expect(all.prefix(2).map { $0["action"] as? String } == ["enroll-code.issue", "device.enroll"])
        let audit = all.filter { ($0["action"] as? String)?.hasPrefix("dossier.") == true }
        #expect(audit.map { $0["action"] as? String } == ["dossier.show", "dossier.show"])
        #expect(audit.map { $0["actorRole"] as? String } == ["officer", "local"])
        #expect(audit.allSatisfy { $0["dossierId"] as? String == id })
        #expect(audit[0]["actorName"] as? String == "Lê Thị Hoa")
        #expect(audit[0]["clientAddress"] as? String == "127.0.0.1")

        let vietnamese = try hub.admin(["audit"])
        #expect(vietnamese.stdout.contains("cán bộ Lê Thị Hoa") && vietnamese.stdout.contains("xem hồ sơ"))
        let english = try hub.admin(["audit", "--lang", "en", "--since", "2000-01-01"])
        #expect(english.stdout.contains("officer Lê Thị Hoa") && english.stdout.contains("opened the dossier"))
        let future = try hub.admin(["audit", "--since", "2999-01-01", "--lang", "en"])
        #expect(future.stdout.contains("The audit log is empty."))
        let bad = try hub.admin(["audit", "--since", "hôm qua"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("YYYY-MM-DD") && !bad.stderr.contains("Error("))

        // Revoked on the command line: the token stops at once.
        #expect(try hub.admin(["officers", "revoke", String(token.dropFirst("sotay_".count).prefix(12))]).status == 0)
        let (afterRevoke, _, _) = try await Self.get(hub, "/v1/officer/dossiers", token: token)
        #expect(afterRevoke == 401)
    }
}
