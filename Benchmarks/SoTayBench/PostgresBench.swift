import Foundation
import Logging
import PostgresNIO
import SoTayContent
import SoTayCore
import SoTayHub
import SoTayReports
import SoTayStore
import SoTaySync
import SoTayTestSupport
import SoTayWire

/// The province hub on PostgreSQL (issue #18): ingest through one and two `sotay-hub serve
/// --database` processes against the same rows written directly on one connection, and the
/// province report over every commune's activities against `psql` running the same statements.
///
/// The server is the one `make bench` starts (scripts/with-pg-test-cluster.sh, with
/// SOTAY_PG_DURABLE=1: fsync and synchronous commit on, as a province runs it); each figure
/// gets a fresh database on it.
enum PostgresBench {
    // MARK: The server

    /// The server's URL, from the cluster script `make bench` and `make test` run the suite in.
    static func server() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["SOTAY_BENCH_POSTGRES_URL"] ?? environment["SOTAY_TEST_POSTGRES_URL"],
              let url = URL(string: text), url.host != nil
        else {
            throw BenchFailure("no PostgreSQL server: run the suite through scripts/with-pg-test-cluster.sh (as `make bench` does), "
                               + "or name one in SOTAY_BENCH_POSTGRES_URL")
        }
        return url
    }

    /// A connection pool to `url`'s database, running until `body` ends.
    static func withClient<T: Sendable>(_ url: URL, _ body: (PostgresClient) async throws -> T) async throws -> T {
        let configuration = PostgresClient.Configuration(host: url.host ?? "127.0.0.1", port: url.port ?? 5432, username: url.user ?? "postgres",
                                                         password: url.password, database: String(url.path.dropFirst()), tls: .disable)
        // Errors only: the pool says so when a query comes before `run()` has started, which it waits for.
        var logger = Logger(label: "sotay-bench.postgres")
        logger.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        return try await body(client)
    }

    /// A new, empty database on the server (dropped first if an earlier run left it), named
    /// `sotay_bench_` and `name`; its URL.
    static func freshDatabase(_ shortName: String, server: URL) async throws -> URL {
        let name = "sotay_bench_" + shortName
        try await withClient(server) { client in
            try await client.query("DROP DATABASE IF EXISTS \(unescaped: name)")
            try await client.query("CREATE DATABASE \(unescaped: name)")
        }
        var components = URLComponents(url: server, resolvingAgainstBaseURL: false)
        components?.path = "/" + name
        guard let url = components?.url else { throw BenchFailure("cannot name database \(name) on \(server)") }
        return url
    }

    /// Leaves the server idle for what runs next: the benchmark's databases dropped, a
    /// checkpoint written, and no autovacuum worker still at work (at most a minute). In one full
    /// run the field figures, measured right after the ingest, came out half as slow again (even
    /// `sotay --version`) while PostgreSQL worked through what the ingest had left it.
    static func settle() async throws {
        let server = try server()
        try await withClient(server) { client in
            // Only the ones `freshDatabase` made: the server may be someone's own (SOTAY_BENCH_POSTGRES_URL).
            // SOTAY_BENCH_KEEP=1 keeps them, for profiling.
            var databases: [String] = []
            let keep = ProcessInfo.processInfo.environment["SOTAY_BENCH_KEEP"] == "1"
            for try await name in try await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'sotay\\_bench\\_%'").decode(String.self) {
                databases.append(name)
            }
            for name in databases where !keep && name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                try await client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)")
            }
            try await client.query("CHECKPOINT")
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline,
                  try await scalar(client, "SELECT count(*)::bigint FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'") > 0 {
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Errors only, for the hub stores the suite opens itself: PostgresNIO warns when a query
    /// comes before the pool's `run()` has started, which the pool then waits for.
    static let quietLogger: Logger = {
        var logger = Logger(label: "sotay-bench.hub")
        logger.logLevel = .error
        return logger
    }()

    static func scalar(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int {
        for try await value in try await client.query(query).decode(Int.self) { return value }
        return 0
    }

    // MARK: Ingest

    static let ingestTarget = "≥ 0.5, zero errors"

    static func ingest(work: URL, pack: ContentPack, scale: Scale) async throws -> [BenchResult] {
        let server = try server()
        var results: [BenchResult] = []
        for clients in scale.postgresClients {
            let dossiersPerClient = clients >= 500 ? scale.postgresDossiersPerClient / 2 : scale.postgresDossiersPerClient
            // The baseline first, on its own database: the same number of dossiers, each with
            // the rows the hub writes (dossier and first revision, sealed), on one connection.
            var direct: DirectRates?
            var directFailure: String?
            for processes in [1, 2] {
                let title = "PostgreSQL hub ingest: \(clients) clients × \(dossiersPerClient) dossiers, \(processes) serve process\(processes == 1 ? "" : "es")"
                let id = "ingest-pg-\(clients)-\(processes)p"
                do {
                    let run = try await ingestOnce(clients: clients, dossiersPerClient: dossiersPerClient, processes: processes,
                                                   server: server, work: work, pack: pack)
                    if direct == nil && directFailure == nil {
                        do {
                            direct = try await directInserts(run.payloads, server: server, work: work, name: "direct_\(clients)")
                        } catch {
                            directFailure = BenchFailure.describe(error)
                        }
                    }
                    guard let direct else { throw BenchFailure("the direct-insert baseline failed: \(directFailure ?? "?")") }
                    let ratio = run.rate / direct.batched
                    results.append(BenchResult(
                        id: id, title: title, value: ratio, unit: "× direct batched INSERT", target: ingestTarget,
                        detail: String(format: "%.0f dossiers/s over HTTP (%.2f s, %d errors, clients spread over the processes); "
                                       + "one connection: batched INSERT (%d dossiers a transaction) %.0f dossiers/s, one transaction a dossier %.0f dossiers/s "
                                       + "(HTTP is %.2f× that); fsync on; CPU during the ingest, of %.2f s on %d cores: the hub %.2f s (%.2f ms a dossier), "
                                       + "the clients %.2f s, PostgreSQL and the rest %.2f s",
                                       run.rate, run.seconds, run.errors, DirectRates.batch, direct.batched, direct.perDossier, run.rate / direct.perDossier,
                                       Double(ProcCPU.cores) * run.seconds, ProcCPU.cores, run.cpu.hub,
                                       run.cpu.hub * 1000 / max(run.rate * run.seconds, 1), run.cpu.clients, run.cpu.rest),
                        met: ratio >= 0.5 && run.errors == 0))
                } catch {
                    results.append(.failed(id: id, title: title, target: ingestTarget, reason: BenchFailure.describe(error)))
                }
            }
        }
        return results
    }

    struct IngestRun {
        var rate: Double
        var seconds: Double
        var errors: Int
        var payloads: [Data]
        /// CPU seconds during the sync: the serve processes, the clients (this process), and
        /// the rest of the machine (PostgreSQL's backends, the kernel's own work).
        struct CPU {
            var hub: Double
            var clients: Double
            var rest: Double
        }
        var cpu: CPU
    }

    /// `clients` laptops, each enrolled with one of `processes` hub processes on one fresh
    /// database (laptop n with process n mod `processes`, as a load balancer spreads them),
    /// all syncing at once.
    static func ingestOnce(clients: Int, dossiersPerClient: Int, processes: Int, server: URL, work: URL, pack: ContentPack) async throws -> IngestRun {
        let database = try await freshDatabase("ingest_\(clients)_\(processes)", server: server)
        let data = work.appending(path: "ingest-pg-\(clients)-\(processes)")
        // The admin's handle, in this process: migrates the schema and makes the keys before any
        // serve process starts, then enrols the laptops as `sotay-hub volunteers add` and
        // `enroll-code --database` would.
        let admin = try await PostgresHubStore.open(url: database.absoluteString, directory: data, logger: quietLogger)
        var hubs: [HubProcess] = []
        defer {
            for hub in hubs { hub.cleanUp() }
        }
        do {
            for _ in 0..<processes {
                do {
                    // Every bench client comes from 127.0.0.1, as every laptop does from the load
                    // balancer's address behind nginx (sync/deploy/PROVINCE.md): the per-address cap
                    // (64 by default) is nginx's to keep there, per real client.
                    hubs.append(try HubProcess(data: data, serveArguments: ["--database", database.absoluteString,
                                                                            "--max-connections-per-address", String(clients * 2 + 64)]))
                } catch let failed as HubProcess.HubFailed {
                    throw BenchFailure(command: "sotay-hub serve --database", status: nil, output: failed.log, what: "did not start")
                }
            }
            var engines: [SyncEngine] = []
            var payloads: [Data] = []
            for client in 0..<clients {
                let folder = work.appending(path: "ingest-pg-\(clients)-\(processes)-laptop-\(client)")
                let store = try LaptopFiller.prepare(folder)
                try LaptopFiller(profile: LaptopFiller.profile, procedureID: "ly-lich-tu-phap", packVersion: pack.version, seed: 500 + UInt64(client))
                    .fill(folder, count: dossiersPerClient, ready: true)
                let sealed = try LaptopFiller.seal(store, logN: KeyDerivation.minimumLogN)
                payloads += try sealed.outbox(kind: .dossier).compactMap(\.payload)
                let volunteer = try await admin.addVolunteer(name: "Tình nguyện viên \(client)", village: "Thôn \(client % 12)", commune: "Xã An Bình", now: Date())
                let code = try await admin.makeEnrollCode(for: volunteer, validity: 3600, now: Date()).code
                let address = try HubAddress(hubs[client % processes].url, allowInsecure: true)
                _ = try await Enrollment.enroll(address: address, code: code, deviceName: "Máy \(client)", allowInsecure: true, store: sealed)
                engines.append(try SyncEngine.enrolled(store: sealed))
            }

            let hubCPU = { hubs.compactMap { $0.pid.flatMap(ProcCPU.seconds) }.reduce(0, +) }
            let cpuBefore = (hub: hubCPU(), clients: ProcCPU.ownSeconds(), machine: ProcCPU.machineBusySeconds())
            let (problems, seconds) = await SyncBench.syncAll(engines, dossiersPerClient: dossiersPerClient)
            let hubSeconds = hubCPU() - cpuBefore.hub, clientSeconds = ProcCPU.ownSeconds() - cpuBefore.clients
            let cpu = IngestRun.CPU(hub: hubSeconds, clients: clientSeconds,
                                    rest: ProcCPU.machineBusySeconds() - cpuBefore.machine - hubSeconds - clientSeconds)
            let held = try await withClient(database) { client in try await scalar(client, "SELECT count(*)::bigint FROM dossier") }
            let revisions = try await withClient(database) { client in try await scalar(client, "SELECT count(*)::bigint FROM dossier_revision") }
            await admin.close()
            let total = clients * dossiersPerClient
            // A dossier missing, or stored twice (a second revision row), is an error.
            let errors = problems + abs(total - held) + abs(revisions - held)
            return IngestRun(rate: Double(held) / seconds, seconds: seconds, errors: errors, payloads: payloads, cpu: cpu)
        } catch {
            await admin.close()
            throw error
        }
    }

    struct DirectRates {
        static let batch = 100
        var perDossier: Double
        var batched: Double
    }

    /// The baseline: the rows the hub writes for each dossier (the dossier with its sealed
    /// resident name, the first revision with its sealed body), sealed with that hub's key, on
    /// one connection with no HTTP, JSON, auth or signing in between; once one transaction a
    /// dossier (as the hub commits each request), once in batches of `DirectRates.batch`
    /// dossiers, each table's rows in one multi-row INSERT.
    static func directInserts(_ payloads: [Data], server: URL, work: URL, name: String) async throws -> DirectRates {
        let decoder = WireProtocol.decoder()
        let uploads = try payloads.map { try decoder.decode(DossierUpload.self, from: $0) }
        var rates: [Double] = []
        for batched in [false, true] {
            let database = try await freshDatabase(name + (batched ? "_batched" : "_each"), server: server)
            let hub = try await PostgresHubStore.open(url: database.absoluteString, directory: work.appending(path: "\(name)-\(batched)"), logger: quietLogger)
            let volunteer = try await hub.addVolunteer(name: "Tình nguyện viên", village: "Thôn Đông", commune: "Xã An Bình", now: Date())
            await hub.close()
            let rows = try zip(uploads, payloads).map { upload, body in
                let name: String? = if case .text(let name) = upload.answers["resident_name"] { name } else { nil }
                return (upload, try hub.sealedValues(residentName: name, body: String(decoding: body, as: UTF8.self), dossierID: upload.id, revision: upload.revision))
            }
            let seconds = try await withClient(database) { client in
                try await client.withConnection { connection in
                    let logger = Logger(label: "sotay-bench.direct")
                    let volunteerID = volunteer.id ?? 0
                    let start = DispatchTime.now().uptimeNanoseconds
                    let size = batched ? DirectRates.batch : 1
                    for first in stride(from: 0, to: rows.count, by: size) {
                        let chunk = rows[first..<min(first + size, rows.count)]
                        let now = Date()
                        let ids = chunk.map(\.0.id), procedures = chunk.map(\.0.procedureId), villages = chunk.map(\.0.village)
                        let communes = chunk.map(\.0.commune), names = chunk.map { $0.1.residentName ?? "" }, revisions = chunk.map(\.0.revision)
                        let bodies = chunk.map(\.1.body)
                        try await connection.query("BEGIN", logger: logger)
                        try await connection.query("""
                            INSERT INTO dossier (id, commune_id, volunteer_id, procedure_id, village, commune, resident_name, status, latest_revision, received_at, updated_at)
                            SELECT d.id, v.commune_id, v.id, d.procedure_id, d.village, d.commune, NULLIF(d.resident_name, ''), 'received', d.revision, \(now), \(now)
                            FROM unnest(\(ids)::text[], \(procedures)::text[], \(villages)::text[], \(communes)::text[], \(names)::text[], \(revisions)::integer[])
                                 AS d(id, procedure_id, village, commune, resident_name, revision)
                            JOIN volunteer v ON v.id = \(volunteerID)
                            """, logger: logger)
                        try await connection.query("""
                            INSERT INTO dossier_revision (dossier_id, revision, kind, device_id, content_sha256, body, received_at, signature)
                            SELECT r.id, r.revision, 'original', 'direct', '', r.body, \(WireDate.string(now)), ''
                            FROM unnest(\(ids)::text[], \(revisions)::integer[], \(bodies)::text[]) AS r(id, revision, body)
                            """, logger: logger)
                        try await connection.query("COMMIT", logger: logger)
                    }
                    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                }
            }
            let held = try await withClient(database) { client in try await scalar(client, "SELECT count(*)::bigint FROM dossier") }
            guard held == uploads.count else { throw BenchFailure("the direct inserts stored \(held) dossiers, not \(uploads.count)") }
            rates.append(Double(uploads.count) / seconds)
        }
        return DirectRates(perDossier: rates[0], batched: rates[1])
    }

    // MARK: The province report

    static let reportTarget = "≤ 1.5 × psql"

    static func provinceReport(work: URL, pack: ContentPack, month: ReportMonth, scale: Scale) async throws -> [BenchResult] {
        let activities = scale.provinceActivities, communes = scale.provinceCommunes
        let id = "report-pg-\(Scale.short(activities))"
        let title = "Province report (PostgreSQL) over \(Scale.count(activities)) activities across \(communes) communes, by procedure"
        let server = try server()
        let database = try await freshDatabase("province", server: server)
        let store = try await PostgresHubStore.open(url: database.absoluteString, directory: work.appending(path: "province"), logger: quietLogger)
        do {
            let fillStart = Date()
            for commune in 0..<communes {
                for volunteer in 0..<3 {
                    _ = try await store.addVolunteer(name: "Tình nguyện viên \(commune)-\(volunteer)", village: "Thôn \(volunteer * 4)",
                                                     commune: "Xã số \(commune + 1)", now: Date())
                }
            }
            try await withClient(database) { client in try await fill(client, activities: activities, volunteers: communes * 3, month: month, pack: pack) }
            say(String(format: "  (%@ activities written in %.0f s)", Scale.count(activities), Date().timeIntervalSince(fillStart)))

            let builder = ReportBuilder(indicators: pack.indicators, procedures: pack.procedures, language: .vi)
            let names = try await store.communeList().map(\.name)
            let scope = Report.Scope(kind: .commune, commune: names.joined(separator: ", "))
            let script = work.appending(path: "report-province.sql")
            try PostgresHubStore.inlinedReportStatements(month: month, scope: scope, by: .procedure, builder: builder)
                .map { $0 + ";" }.joined(separator: "\n").write(to: script, atomically: true, encoding: .utf8)
            let runs = activities > 1_000_000 ? 2 : scale.reportRuns
            let baseline = try Timing.best(of: runs) { try Psql.run(database: database, script: script) }
            var measured = Double.infinity
            var rows = 0
            for run in 0...runs {
                let start = DispatchTime.now().uptimeNanoseconds
                let report = try await store.report(month: month, scope: scope, by: .procedure, builder: builder)
                rows = ReportFormat.table.render(report).count
                if run > 0 { measured = min(measured, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
            }
            await store.close()
            guard rows > 0 else { throw BenchFailure("the province report came out empty") }
            return [BenchResult(
                id: id, title: title, value: measured / baseline, unit: "× psql", target: reportTarget,
                detail: String(format: "ours (PostgresNIO, in the hub's code) %.0f ms, psql -f with the same statements %.0f ms (best of %d after a warm-up)",
                               measured * 1000, baseline * 1000, runs),
                met: measured / baseline <= 1.5)]
        } catch {
            await store.close()
            throw error
        }
    }

    /// `count` activities written by the server itself (one INSERT … SELECT over
    /// generate_series, seeded), spread over the communes' volunteers: nine in ten in `month`,
    /// the rest in the weeks after, with the kinds, outcomes and procedures the laptops log.
    /// The report's index is built after the rows, as a restore would.
    static func fill(_ client: PostgresClient, activities count: Int, volunteers: Int, month: ReportMonth, pack: ContentPack) async throws {
        let (start, end) = month.interval
        let kinds = ActivityKind.logged.map(\.rawValue)
        let outcomes = GuidanceOutcome.allCases.map(\.rawValue)
        let reasons = NotYetReason.allCases.map(\.rawValue)
        let payments = PaymentWay.allCases.map(\.rawValue)
        let procedures = pack.procedures.map(\.id)
        let span = end.timeIntervalSince(start)
        let definition = try await client.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'activity_report'").decode(String.self)
        var index: String?
        for try await text in definition { index = text }
        guard let index else { throw BenchFailure("the hub's schema has no activity_report index") }
        try await client.withConnection { connection in
            let logger = Logger(label: "sotay-bench.fill")
            try await connection.query("DROP INDEX activity_report", logger: logger)
            try await connection.query("SELECT setseed(0.6)", logger: logger)
            try await connection.query("""
                INSERT INTO activity (id, commune_id, volunteer_id, device_id, kind, occurred_at, village, procedure_id, body, received_at,
                                      resident_id, outcome, reason, payment, outside_commune, participants, satisfaction, undone)
                SELECT lpad(to_hex(s.g), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(s.g), 12, '0'),
                       v.commune_id, v.id, 'bench', s.kind, s.at, v.village,
                       CASE WHEN s.kind = 'guidance' THEN (\(procedures)::text[])[1 + floor(random() * \(procedures.count))::int] END,
                       '{}', s.at,
                       CASE WHEN s.kind = 'guidance' AND random() < 0.5 THEN md5((s.g % \(max(count / 4, 1)))::text) END,
                       CASE WHEN s.kind = 'guidance' THEN s.outcome END,
                       CASE WHEN s.kind = 'guidance' AND s.outcome = \(GuidanceOutcome.notYet.rawValue)
                            THEN (\(reasons)::text[])[1 + floor(random() * \(reasons.count))::int] END,
                       CASE WHEN s.kind = 'guidance' THEN (\(payments)::text[])[1 + floor(random() * \(payments.count))::int] END,
                       s.kind = 'guidance' AND random() < 0.1,
                       CASE WHEN s.kind IN ('training', 'communication') THEN 5 + floor(random() * 56)::int END,
                       CASE WHEN s.kind = 'guidance' AND random() >= 1.0 / 6 THEN 1 + floor(random() * 5)::int END,
                       s.g % 97 = 0
                FROM (SELECT g,
                             (\(kinds)::text[])[1 + floor(random() * \(kinds.count))::int] AS kind,
                             (\(outcomes)::text[])[1 + floor(random() * \(outcomes.count))::int] AS outcome,
                             CASE WHEN g % 10 <> 0 THEN \(start)::timestamptz + make_interval(secs => random() * \(span))
                                  ELSE \(end)::timestamptz + make_interval(secs => random() * 20 * 86400) END AS at
                      FROM generate_series(1, \(count)) AS g) s
                JOIN volunteer v ON v.id = 1 + s.g % \(volunteers)
                """, logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: index), logger: logger)
            try await connection.query("ANALYZE activity", logger: logger)
        }
    }
}

/// PostgreSQL's own command-line client, `psql` (Debian package `postgresql-client-15`,
/// installed with `postgresql-15` by scripts/install-deps.sh).
enum Psql {
    static let executable = URL(fileURLWithPath: "/usr/bin/psql")

    static func run(database: URL, script: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw BenchFailure("\(executable.path) is missing: the province report is compared with psql (scripts/install-deps.sh installs postgresql-15)")
        }
        try CommandLineTool.run(executable, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.absoluteString, "-f", script.path, "-o", "/dev/null"],
                                shown: "psql -f \(script.lastPathComponent)")
    }
}
