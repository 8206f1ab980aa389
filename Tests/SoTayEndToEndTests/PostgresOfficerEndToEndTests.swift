import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import SoTayHub
import SoTayTestSupport
import SoTayWire
import Testing

/// A province hub (`sotay-hub serve --database`) with two communes: an officer added for one
/// commune works that commune's queue over HTTP, their decision reaches the volunteer's
/// `sotay status`, and the other commune's dossiers are "not found" to them, whatever they ask.
@Suite("End to end: an officer of one commune on a province hub", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["SOTAY_TEST_POSTGRES_URL"] != nil
                    || ProcessInfo.processInfo.environment["SOTAY_TEST_POSTGRES_REQUIRED"] == "1",
                "SOTAY_TEST_POSTGRES_URL is unset: run make test, or scripts/with-pg-test-cluster.sh swift test --skip-build --filter PostgresOfficerEndToEndTests"))
struct PostgresOfficerEndToEndTests {
    static func request(_ hub: HubProcess, _ method: String, _ path: String, token: String, body: [String: Any]? = nil) async throws -> (Int, Any?) {
        var request = URLRequest(url: try #require(URL(string: hub.url + path)))
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(WireProtocol.version, forHTTPHeaderField: "Sotay-Protocol")
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }

    @Test("An officer of one commune lists, opens and decides that commune's dossiers only; the decision reaches the laptop")
    func officerOfOneCommune() async throws {
        let (hub, url) = try await PostgresSyncEndToEndTests.provinceHub()
        defer { hub.cleanUp() }
        for commune in ["Xã Gia Lộc", "Xã An Bình"] {
            #expect(try hub.admin(["communes", "add", commune, "--database", url]).status == 0)
        }

        // One laptop per commune, two dossiers each, synced.
        var laptops: [Sotay] = []
        defer { for laptop in laptops { laptop.cleanUp() } }
        var ids: [[String]] = []
        for (index, commune) in ["Xã Gia Lộc", "Xã An Bình"].enumerated() {
            let added = try hub.admin(["volunteers", "add", "Tình nguyện viên \(index)", "--village", "Thôn Đông", "--commune", commune, "--database", url])
            let number = try #require(added.stdout.firstMatch(of: /số (\d+)/)?.1, "\(added.stderr)")
            let issued = try hub.admin(["enroll-code", String(number), "--database", url])
            let code = String(try #require(issued.stdout.firstMatch(of: /([2-9A-Z]{4}-[2-9A-Z]{4})/)?.1, "\(issued.stderr)"))
            var laptop = try Sotay()
            laptop.environment["SOTAY_PROBE_SECONDS"] = "1"
            try laptop.initProfile()
            laptops.append(laptop)
            #expect(try laptop.run(["enroll", hub.url, code]).status == 0)
            let answers = laptop.home.appending(path: "answers.json")
            var made: [String] = []
            for number in 0..<2 {
                try JSONSerialization.data(withJSONObject: [
                    "resident_name": "Người dân \(index)-\(number)", "resident_phone": "0912345678", "ngay_sinh": "01/02/2026", "noi_sinh": "1",
                    "giay_chung_sinh": true, "so_cccd_me": "001326012345", "so_con": 1,
                ] as [String: Any]).write(to: answers)
                let guided = try laptop.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", answers.path, "--no-input", "--ready"])
                made.append(try #require(guided.stdout.split(separator: "\n").first.map(String.init), "\(guided.stderr)"))
            }
            ids.append(made)
            // Outreach logged: two visits in Gia Lộc, one in An Bình, for the province's report.
            for _ in 0..<(2 - index) { #expect(try laptop.run(["log", "visit"]).status == 0) }
            let synced = try laptop.run(["sync"])
            #expect(synced.status == 0, "\(synced.stdout)\(synced.stderr)")
        }

        // On a hub of two communes an officer must belong to one: said plainly, nothing added.
        let vague = try hub.admin(["officers", "add", "--name", "Lê Thị Hoa", "--database", url])
        #expect(vague.status != 0 && vague.stderr.contains("--commune"), "\(vague.stdout)\(vague.stderr)")
        let unknown = try hub.admin(["officers", "add", "--name", "Lê Thị Hoa", "--commune", "Xã Không Có", "--database", url])
        #expect(unknown.status != 0 && unknown.stderr.contains("communes list"), "\(unknown.stderr)")
        let officer = try hub.admin(["officers", "add", "--name", "Lê Thị Hoa", "--commune", "Xã Gia Lộc", "--database", url])
        #expect(officer.status == 0, "\(officer.stderr)")
        let token = String(try #require(officer.stdout.firstMatch(of: /(sotay_off-[^\s]+)/)?.1, "\(officer.stdout)"))
        let listed = try #require(try hub.adminJSON(["officers", "list", "--json", "--database", url]) as? [[String: Any]])
        #expect(listed.count == 1 && listed.first?["commune"] as? String == "Xã Gia Lộc")

        // The queue: Gia Lộc's two dossiers, not An Bình's.
        let (listStatus, list) = try await Self.request(hub, "GET", "/v1/officer/dossiers", token: token)
        #expect(listStatus == 200)
        let queue = try #require((list as? [String: Any])?["dossiers"] as? [[String: Any]])
        #expect(Set(queue.compactMap { $0["id"] as? String }) == Set(ids[0]))
        // Gia Lộc's dossier opens, with the resident's name; An Bình's is not found, to read, to decide or to download from.
        let (shownStatus, shown) = try await Self.request(hub, "GET", "/v1/officer/dossiers/\(ids[0][0])", token: token)
        #expect(shownStatus == 200 && (shown as? [String: Any])?["residentName"] as? String == "Người dân 0-0")
        #expect(try await Self.request(hub, "GET", "/v1/officer/dossiers/\(ids[1][0])", token: token).0 == 404)
        let other = try await Self.request(hub, "POST", "/v1/officer/dossiers/\(ids[1][0])/status", token: token,
                                           body: ["status": "rejected", "reason": "Không thuộc xã"])
        #expect(other.0 == 404)
        #expect(try await Self.request(hub, "GET", "/v1/officer/dossiers/\(ids[1][0])/attachments/\(String(repeating: "a", count: 64))", token: token).0 == 404)

        // The decision on Gia Lộc's dossier reaches its volunteer; An Bình's volunteer has nothing to follow up.
        let decided = try await Self.request(hub, "POST", "/v1/officer/dossiers/\(ids[0][1])/status", token: token,
                                             body: ["status": "needs-supplement", "reason": "Thiếu bản chụp giấy chứng sinh"])
        #expect(decided.0 == 200, "\(String(describing: decided.1))")
        for laptop in laptops { #expect(try laptop.run(["sync"]).status == 0) }
        let followUps = try #require(try laptops[0].json(["status", "--json"]) as? [String: Any])["followUps"] as? [[String: Any]]
        #expect(followUps?.map { $0["id"] as? String } == [ids[0][1]])
        #expect(followUps?.first?["reason"] as? String == "Thiếu bản chụp giấy chứng sinh")
        let untouched = try #require(try laptops[1].json(["status", "--json"]) as? [String: Any])["followUps"] as? [[String: Any]]
        #expect(untouched?.isEmpty ?? true)

        // The province's reader: every commune's counts, one commune's, never a name; the roles do not mix.
        let reader = try hub.admin(["province", "add", "--name", "Sở Thông tin và Truyền thông", "--database", url])
        #expect(reader.status == 0, "\(reader.stderr)")
        let provinceToken = String(try #require(reader.stdout.firstMatch(of: /(sotay_prv-[^\s]+)/)?.1, "\(reader.stdout)"))
        let (communesStatus, communesBody) = try await Self.request(hub, "GET", "/v1/province/communes", token: provinceToken)
        #expect(communesStatus == 200 && ((communesBody as? [String: Any])?["communes"] as? [[String: Any]])?.count == 2)
        let (reportStatus, whole) = try await Self.request(hub, "GET", "/v1/province/report", token: provinceToken)
        #expect(reportStatus == 200 && (whole as? [String: Any])?["entries"] as? Int == 3, "\(String(describing: whole))")
        let (_, giaLoc) = try await Self.request(hub, "GET", "/v1/province/report?commune=X%C3%A3%20Gia%20L%E1%BB%99c&by=procedure", token: provinceToken)
        #expect((giaLoc as? [String: Any])?["entries"] as? Int == 2, "\(String(describing: giaLoc))")
        // Each laptop logged its visits in a Thôn Đông: one village name, two villages, counted apart.
        let (_, byVillage) = try await Self.request(hub, "GET", "/v1/province/report?by=village", token: provinceToken)
        let groups = try #require(((byVillage as? [String: Any])?["grouping"] as? [String: Any])?["groups"] as? [[String: Any]], "\(String(describing: byVillage))")
        #expect(groups.map { $0["label"] as? String ?? "" } == ["Xã An Bình · Thôn Đông", "Xã Gia Lộc · Thôn Đông"], "\(groups)")
        #expect(groups.map { $0["entries"] as? Int ?? 0 } == [1, 2], "\(groups)")
        let villageRows = ((byVillage as? [String: Any])?["breakdowns"] as? [[String: Any]])?.first { $0["dimension"] as? String == "village" }?["rows"] as? [[String: Any]]
        #expect(villageRows?.map { $0["key"] as? String ?? "" } == ["Xã Gia Lộc · Thôn Đông", "Xã An Bình · Thôn Đông"], "\(String(describing: villageRows))")
        // One commune's report names its villages plainly.
        let (_, giaLocVillages) = try await Self.request(hub, "GET", "/v1/province/report?commune=X%C3%A3%20Gia%20L%E1%BB%99c&by=village", token: provinceToken)
        let giaLocGroups = ((giaLocVillages as? [String: Any])?["grouping"] as? [String: Any])?["groups"] as? [[String: Any]]
        #expect(giaLocGroups?.map { $0["label"] as? String ?? "" } == ["Thôn Đông"], "\(String(describing: giaLocGroups))")
        let rawReport = try JSONSerialization.data(withJSONObject: whole ?? [:])
        #expect(!String(decoding: rawReport, as: UTF8.self).contains("Người dân"))
        #expect(try await Self.request(hub, "GET", "/v1/province/report?commune=Kh%C3%B4ng", token: provinceToken).0 == 404)
        #expect(try await Self.request(hub, "GET", "/v1/province/report?by=volunteer", token: provinceToken).0 == 400)
        #expect(try await Self.request(hub, "GET", "/v1/province/report", token: token).0 == 403)
        #expect(try await Self.request(hub, "GET", "/v1/officer/dossiers", token: provinceToken).0 == 403)
        let oneCommune = try #require(try hub.adminJSON(["report", "--format", "json", "--commune", "Xã An Bình", "--database", url]) as? [String: Any])
        #expect(oneCommune["entries"] as? Int == 1, "\(oneCommune)")

        // The reads are in the audit log (the province's database), and a revoked token stops at once.
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let store = try await PostgresHubStore.open(url: url, directory: hub.data, logger: logger)
        let audit = try await store.auditEntries(since: nil, after: 0, limit: nil)
        #expect(audit.contains { $0.action == .dossierShow && $0.dossierId == ids[0][0] })
        #expect(!audit.contains { $0.dossierId == ids[1][0] && $0.actorRole == .officer })
        await store.close()
        let id = try #require(listed.first?["id"] as? String)
        #expect(try hub.admin(["officers", "revoke", id, "--database", url]).status == 0)
        #expect(try await Self.request(hub, "GET", "/v1/officer/dossiers", token: token).0 == 401)
    }
}
