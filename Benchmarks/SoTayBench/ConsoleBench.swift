import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import SoTayContent
import SoTayCore
import SoTayHub
import SoTayWire

/// Benchmark 6: the officer's console pages on a hub holding 100,000 dossiers (and 100,000
/// activities for the dashboard's report), timed as the browser waits for them: over HTTP from
/// the real `sotay-hub serve`, signed in through the login form with a session cookie.
enum ConsoleBench {
    static let target = "≤ 300 ms"
    static let limit = 0.300

    static func pages(work: URL, pack: ContentPack, month: ReportMonth, scale: Scale) async throws -> [BenchResult] {
        let dossiers = scale.smoke ? 300 : 100_000
        let runs = scale.smoke ? 1 : 9
        let hub = try BenchHub()
        defer { hub.stop() }
        let (someID, village) = try fill(hub.admin, count: dossiers, pack: pack, month: month)
        try ActivityGenerator(seed: 8, month: ReportMonth(containing: Date()), procedures: pack.procedures.map(\.id))
            .fillHub(path: hub.admin.databaseURL.path, count: dossiers)
        let token = try hub.admin.addStaff(role: .officer, name: "Cán bộ đo").token
        return try await timePages(base: hub.url, token: token, dossier: someID, village: village, runs: runs) { page in
            (id: "console-\(page.id)", title: "Console at \(Scale.count(dossiers)) dossiers: \(page.title)", detail: "HTTP, signed in")
        }
    }

    /// The five pages, signed in with `token` through the login form, each timed `runs` times
    /// after a first untimed visit; `name` gives each figure's id, title and what the detail
    /// adds about the visit.
    static func timePages(base: String, token: String, dossier: String, village: String, runs: Int,
                          name: (_ page: (id: String, title: String)) -> (id: String, title: String, detail: String)) async throws -> [BenchResult] {
        let client = ConsoleClient(base: base)
        try await client.signIn(token: token)

        // The queue's second page comes from the first one's link, as a click on "next" does.
        let first = try await client.get("/console/queue")
        guard let next = first.range(of: #"/console/queue\?after=[^"]+"#, options: .regularExpression).map({
            String(first[$0]).replacingOccurrences(of: "&amp;", with: "&")
        }) else { throw BenchFailure(command: "console queue", status: nil, output: String(first.prefix(500)), what: "has no next page") }
        let encodedVillage = village.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let cases: [(id: String, title: String, path: String)] = [
            ("queue", "the queue, first page, with counts per status", "/console/queue"),
            ("queue-next", "the queue, next page (keyset)", next),
            ("queue-filtered", "the queue filtered by status and village", "/console/queue?status=needs-supplement&village=\(encodedVillage)"),
            ("dossier", "one dossier (audited read, decrypted answers)", "/console/dossiers/\(dossier)"),
            ("dashboard", "the dashboard: the month's report and five SVG charts", "/console/dashboard"),
        ]
        var results: [BenchResult] = []
        for page in cases {
            let samples = try await time(runs) { _ = try await client.get(page.path) }
            let median = samples.sorted()[samples.count / 2]
            let named = name((page.id, page.title))
            results.append(BenchResult(
                id: named.id, title: named.title, value: median * 1000, unit: "ms", target: target,
                detail: String(format: "median of %d, fastest %.0f ms, slowest %.0f ms (%@)", samples.count,
                               (samples.min() ?? 0) * 1000, (samples.max() ?? 0) * 1000, named.detail),
                met: median <= limit))
        }
        return results
    }

    static func time(_ runs: Int, _ body: () async throws -> Void) async throws -> [Double] {
        try await body()
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try await body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return samples
    }

    /// `count` dossiers written straight into the hub's database as `putDossier` writes them,
    /// received over the last 90 days, a tenth of them waiting for a supplement. Returns one id
    /// and one village.
    static func fill(_ hub: HubStore, count: Int, pack: ContentPack, month: ReportMonth) throws -> (String, String) {
        let volunteers = try (0..<30).map { index in
            try hub.addVolunteer(name: "Tình nguyện viên \(index)", village: "Thôn \(index % 12)", commune: "Xã An Bình")
        }
        let procedures = pack.procedures.map(\.id)
        let encoder = WireProtocol.encoder()
        let queue = try HubRows.queue(hub.databaseURL.path)
        var someID = ""
        try queue.write { db in
            for index in 0..<count {
                let volunteer = volunteers[index % volunteers.count]
                let created = WireDate.truncated(Date())
                let upload = DossierUpload(
                    id: UUID().uuidString.lowercased(), revision: 1, procedureId: procedures[index % procedures.count], packVersion: pack.version,
                    residentId: UUID().uuidString.lowercased(), village: volunteer.village, commune: volunteer.commune, requiredCount: 4, satisfiedCount: 4,
                    answers: ["resident_name": .text("Người dân \(index)"), "resident_phone": .text("0912345678"), "so_con": .integer(index % 4)],
                    createdAt: created, readyAt: created)
                try HubRows.insert(try encoder.encode(upload), upload: upload, volunteerID: volunteer.id ?? 0, hub: hub, db: db)
                if index == count / 2 { someID = upload.id }
            }
            try db.execute(sql: """
                UPDATE dossier SET receivedAt = strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || (abs(random()) % 7776000) || ' seconds');
                UPDATE dossier SET updatedAt = receivedAt;
                UPDATE dossier SET status = 'needs-supplement', reason = 'Thiếu giấy' WHERE abs(random()) % 10 = 0;
                """)
        }
        return (someID, volunteers[0].village)
    }
}

/// A browser's part, as the benchmark needs it: its own cookies, no redirect followed (the
/// sign-in answer carries the session cookie).
final class ConsoleClient: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    let base: String
    private var cookies: [String: String] = [:]
    private var session: URLSession!

    init(base: String) {
        self.base = base
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
                    completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func signIn(token: String) async throws {
        let form = try await get("/console/login", expect: 200)
        guard let range = form.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression) else {
            throw BenchFailure(command: "console sign-in", status: nil, output: String(form.prefix(300)), what: "has no CSRF token")
        }
        let csrf = form[range].dropFirst(#"name="csrf" value=""#.count).dropLast()
        _ = try await send("POST", "/console/login", body: "csrf=\(csrf)&token=\(token)", expect: 303)
        guard cookies["sotay_console"] != nil else { throw BenchFailure(command: "console sign-in", status: nil, output: "", what: "set no session cookie") }
    }

    func get(_ path: String, expect status: Int = 200) async throws -> String {
        try await send("GET", path, body: nil, expect: status)
    }

    private func send(_ method: String, _ path: String, body: String?, expect status: Int) async throws -> String {
        guard let url = URL(string: base + path) else { throw BenchFailure(command: "console \(path)", status: nil, output: "", what: "bad URL") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if !cookies.isEmpty { request.setValue(cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "), forHTTPHeaderField: "Cookie") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, response): (Data, URLResponse) = try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let data, let response { continuation.resume(returning: (data, response)) } else {
                    continuation.resume(throwing: error ?? BenchFailure(command: "console \(path)", status: nil, output: "", what: "no answer"))
                }
            }.resume()
        }
        let http = response as? HTTPURLResponse
        for (name, value) in http?.allHeaderFields ?? [:] where (name as? String)?.lowercased() == "set-cookie" {
            for cookie in String(describing: value).components(separatedBy: ", ") {
                let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if pair.count == 2 { cookies[String(pair[0]).trimmingCharacters(in: .whitespaces)] = String(pair[1]) }
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        guard http?.statusCode == status else {
            throw BenchFailure(command: "console \(method) \(path)", status: http.map { Int32($0.statusCode) }, output: String(text.prefix(300)), what: "answered")
        }
        return text
    }
}
