import Foundation
import PostgresNIO
import SoTayContent
import SoTayCore
import SoTayHub
import SoTayTestSupport
import SoTayWire

/// The console's pages on a province hub (`sotay-hub serve --database`): the same pages as
/// `ConsoleBench`, timed the same way, for an officer of one commune of two, each with 100,000
/// dossiers (and 100,000 activities for the dashboard's report), so the tenancy filter has the
/// other commune's rows to leave out. Each page also reads and touches the session row.
extension ConsoleBench {
    static func postgresPages(work: URL, pack: ContentPack, month: ReportMonth, scale: Scale) async throws -> [BenchResult] {
        let perCommune = scale.smoke ? 300 : 100_000
        let runs = scale.smoke ? 1 : 9
        let database = try await PostgresBench.freshDatabase("console", server: try PostgresBench.server())
        let folder = work.appending(path: "console-pg")
        let (someID, village, token) = try await fillPostgres(database, folder: folder, perCommune: perCommune, pack: pack, month: month)
        let hub: HubProcess
        do {
            hub = try HubProcess(data: folder, serveArguments: ["--database", database.absoluteString])
        } catch let failed as HubProcess.HubFailed {
            throw BenchFailure(command: "sotay-hub serve --database", status: nil, output: failed.log, what: "did not start")
        }
        defer { hub.cleanUp() }
        return try await timePages(base: hub.url, token: token, dossier: someID, village: village, runs: runs) { page in
            (id: "console-pg-\(page.id)", title: "Console on PostgreSQL, 2 × \(Scale.count(perCommune)) dossiers: \(page.title)",
             detail: "HTTP, signed in, an officer of one commune")
        }
    }

    /// Two communes of 30 volunteers, `perCommune` dossiers each written by the server itself
    /// (one INSERT … SELECT over generate_series: received over the last 90 days, a tenth
    /// waiting for a supplement), one dossier stored as a laptop's (sealed, with its revision)
    /// for the dossier page, the activities, and an officer of the first commune. Returns that
    /// dossier's id, a village of the first commune and the officer's token.
    static func fillPostgres(_ database: URL, folder: URL, perCommune: Int, pack: ContentPack, month: ReportMonth) async throws
        -> (String, String, String) {
        let store = try await PostgresHubStore.open(url: database.absoluteString, directory: folder, logger: PostgresBench.quietLogger)
        do {
            var volunteers: [HubVolunteer] = []
            for commune in ["Xã An Bình", "Xã Gia Lộc"] {
                for index in 0..<30 {
                    volunteers.append(try await store.addVolunteer(name: "Tình nguyện viên \(index)", village: "Thôn \(index % 12)", commune: commune,
                                                                   now: Date()))
                }
            }
            let code = try await store.makeEnrollCode(for: volunteers[0], validity: 3600, now: Date()).code
            // A device only to own the dossier: nobody syncs with it, so its token hash is a placeholder.
            guard case .enrolled(let device, _) = try await store.enrol(code: code, deviceName: "Máy đo", deviceID: "dev-bench-console",
                                                                        tokenHash: String(repeating: "0", count: 64), clientAddress: nil, now: Date())
            else { throw BenchFailure("the benchmark's laptop was not enrolled") }
            let created = WireDate.truncated(Date())
            let upload = DossierUpload(
                id: UUID().uuidString.lowercased(), revision: 1, procedureId: pack.procedures[0].id, packVersion: pack.version,
                residentId: UUID().uuidString.lowercased(), village: volunteers[0].village, commune: volunteers[0].commune, requiredCount: 4,
                satisfiedCount: 4, answers: ["resident_name": .text("Người dân đo"), "resident_phone": .text("0912345678")],
                createdAt: created, readyAt: created)
            let body = String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self)
            guard case .stored = try await store.storeDossier(upload, body: body, device: device, now: Date()) else {
                throw BenchFailure("the benchmark's dossier was not stored")
            }
            let procedures = pack.procedures.map(\.id)
            try await PostgresBench.withClient(database) { client in
                try await client.query("SELECT setseed(0.4)")
                try await client.query("""
                    INSERT INTO dossier (id, commune_id, volunteer_id, procedure_id, village, commune, status, reason, latest_revision,
                                         received_at, updated_at)
                    SELECT md5(s.g::text)::uuid::text, v.commune_id, v.id, (\(procedures)::text[])[1 + s.g % \(procedures.count)], v.village, v.commune,
                           s.status, CASE WHEN s.status = 'needs-supplement' THEN 'Thiếu giấy' END, 1, s.at, s.at
                    FROM (SELECT g, now() - make_interval(secs => random() * 90 * 86400) AS at,
                                 CASE WHEN random() < 0.1 THEN 'needs-supplement' ELSE 'received' END AS status
                          FROM generate_series(1, \(2 * perCommune)) AS g) s
                    JOIN volunteer v ON v.id = 1 + s.g % 60
                    """)
                try await client.query("ANALYZE dossier")
                try await PostgresBench.fill(client, activities: 2 * perCommune, volunteers: 60, month: ReportMonth(containing: Date()), pack: pack)
            }
            let token = try await store.addStaff(role: .officer, name: "Cán bộ đo", commune: "Xã An Bình", now: Date()).token
            await store.close()
            return (upload.id, volunteers[0].village, token)
        } catch {
            await store.close()
            throw error
        }
    }
}
