import Foundation
import GRDB
import SoTayTestSupport
import SoTayWire
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 exchange over a plain socket, so that a test can send what no HTTP library
/// would: invalid UTF-8, a lying `Content-Length`, a body far over the limit.
struct RawHTTP {
    let port: Int

    struct Reply {
        var status: Int
        /// Header names lowercased.
        var headers: [String: String]
        var body: Data
    }

    /// Sends `head` (the request line and headers, without the blank line) and `body`, and reads
    /// the answer to the end (every request says `Connection: close`). `nil`: the connection
    /// ended without an answer.
    func exchange(_ head: Data, body: Data = Data(), isHead: Bool = false) throws -> Reply? {
        let descriptor = try Sockets.connect(port: port, timeout: 15)
        defer { close(descriptor) }
        // The hub may answer and close before it has read everything (a body over the limit):
        // a failed send is not the test's failure, a missing answer is.
        let request = head + Data("\r\n".utf8) + body
        var sent = 0
        while sent < request.count {
            let result = request.withUnsafeBytes { send(descriptor, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            if result <= 0 { break }
            sent += result
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return Self.parse(received, isHead: isHead)
    }

    static func parse(_ data: Data, isHead: Bool) -> Reply? {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[end.upperBound...])
        if isHead { body = Data() } else if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: Data) -> Data {
        var body = Data()
        var rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)), let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0 {
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
            body.append(rest[start..<rest.index(start, offsetBy: size)])
            rest = rest[rest.index(start, offsetBy: size)...].dropFirst(2)
        }
        return body
    }
}

/// A hostile request and what it must get.
struct Hostile {
    let label: String
    let method: String
    let target: String
    var headers: [(String, Data)] = []
    var body: Data? = nil
    /// `Content-Length` as sent, when it should not be the body's real length.
    var contentLength: String? = nil
    var token = true
    var status: ClosedRange<Int> = 400...499
    var code: ErrorCode? = nil
    /// Refused by the HTTP parser (SwiftNIO, under Hummingbird) before any of the hub's code
    /// runs: a bare `400` with `Connection: close`, without the protocol header or body.
    var byParser = false

    init(_ label: String, _ method: String, _ target: String, headers: [(String, String)] = [], body: Data? = nil, contentLength: String? = nil,
         token: Bool = true, status: ClosedRange<Int> = 400...499, code: ErrorCode? = nil) {
        self.label = label
        self.method = method
        self.target = target
        self.headers = headers.map { ($0.0, Data($0.1.utf8)) }
        self.body = body
        self.contentLength = contentLength
        self.token = token
        self.status = status
        self.code = code
    }

    var refusedByParser: Hostile {
        var copy = self
        copy.byParser = true
        return copy
    }

    func with(rawHeader name: String, _ value: Data) -> Hostile {
        var copy = self
        copy.headers.append((name, value))
        return copy
    }
}

@Suite("End to end: hostile inputs against a running hub", .serialized)
struct HostileInputTests {
    /// A valid dossier body as a dictionary, to spoil one field at a time.
    static func dossier(id: String = UUID().uuidString.lowercased()) -> [String: Any] {
        [
            "id": id, "revision": 1, "procedureId": "dang-ky-khai-sinh", "packVersion": "2026.11.24", "residentId": UUID().uuidString.lowercased(),
            "village": "Thôn Đông", "commune": "Xã An Bình", "requiredCount": 4, "satisfiedCount": 4,
            "answers": ["resident_name": ["type": "text", "value": "Trần Văn Bình"]],
            "createdAt": "2026-11-24T02:40:05.120Z", "readyAt": "2026-11-24T03:02:11.004Z",
        ]
    }

    static func json(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    static func spoiled(_ change: (inout [String: Any]) -> Void) -> (id: String, body: Data) {
        var body = dossier()
        change(&body)
        return ((body["id"] as? String) ?? "x", json(body))
    }

    static func activity(_ change: (inout [String: Any]) -> Void = { _ in }) -> [String: Any] {
        var entry: [String: Any] = ["id": UUID().uuidString.lowercased(), "kind": "visit", "occurredAt": "2026-11-24T02:40:05.120Z", "village": "Thôn Đông"]
        change(&entry)
        return entry
    }

    static func nested(_ depth: Int, open: String = "[", close: String = "]") -> String {
        String(repeating: open, count: depth) + String(repeating: close, count: depth)
    }

    static let sqlTexts = ["'; DROP TABLE dossier; --", "\" OR 1=1 --", "x') ; DELETE FROM activity; --", "%' UNION SELECT tokenHash FROM device --"]
    static let traversals = ["../../hub.sqlite", "..%2F..%2Fhub.sqlite", "..", "/etc/passwd", "..\\..\\hub.sqlite", "blobs/../hub-data.key", "%2e%2e%2fhub-signing.key"]

    /// Counts of every table and the data folder's file names, to compare before and after.
    struct Snapshot: Equatable, CustomStringConvertible {
        var rows: [String: Int]
        var files: [String]
        var description: String { "rows \(rows.sorted { $0.key < $1.key }), files \(files)" }
    }

    static func snapshot(_ hub: HubProcess) throws -> Snapshot {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: hub.data.appending(path: "hub.sqlite").path, configuration: configuration)
        var rows: [String: Int] = [:]
        try queue.read { db in
            for table in ["volunteer", "device", "enrollCode", "dossier", "dossierRevision", "activity", "change", "blob", "blobHolder", "upload"] {
                rows[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)")
            }
            rows["upload offsets"] = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(offset), 0) FROM upload")
        }
        var files: [String] = []
        let walker = FileManager.default.enumerator(atPath: hub.data.path)
        while let path = walker?.nextObject() as? String { files.append(path) }
        return Snapshot(rows: rows, files: files.sorted())
    }

    static func tus(_ headers: [(String, String)]) -> [(String, String)] {
        [("Tus-Resumable", "1.0.0")] + headers
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// Every route, spoiled every way the issue lists.
    static func battery(upload: String, stored: String) -> [Hostile] {
        var cases: [Hostile] = []
        let validHash = String(repeating: "ab", count: 32)
        let badUTF8 = Data("{\"id\": \"".utf8) + Data([0xFF, 0xFE, 0xC0, 0xAF]) + Data("\"}".utf8)

        // PUT /v1/dossiers/{id}
        let id = UUID().uuidString.lowercased()
        cases += [
            Hostile("dossier: Content-Length of 2 MiB", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], contentLength: "2097152", status: 413...413, code: .bodyTooLarge),
            Hostile("dossier: Content-Length beyond Int64", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], contentLength: "99999999999999999999999").refusedByParser,
            Hostile("dossier: 1.5 MiB body, chunked", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
                    body: Self.chunked(Data(repeating: 0x20, count: 1_500_000)), status: 413...413, code: .bodyTooLarge),
            Hostile("dossier: invalid UTF-8", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], body: badUTF8, code: .invalidJSON),
            Hostile("dossier: invalid UTF-8 inside an answer", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")],
                    body: Self.json(dossier(id: id)).replacing(Data("Tr".utf8), with: Data([0xC3, 0x28]))),
            Hostile("dossier: arrays nested 100 000 deep", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], body: Data(nested(100_000).utf8)),
            Hostile("dossier: objects nested 10 000 deep in an answer", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")],
                    body: Data(String(decoding: Self.json(dossier(id: id)), as: UTF8.self)
                        .replacingOccurrences(of: "\"Trần Văn Bình\"", with: nested(10_000, open: "{\"a\":", close: "}").replacingOccurrences(of: "{\"a\":}", with: "{\"a\":1}")).utf8)),
            Hostile("dossier: empty body", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], body: Data()),
            Hostile("dossier: null", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], body: Data("null".utf8)),
            Hostile("dossier: a number too large for any type", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], body: Data("1e999999".utf8)),
            Hostile("dossier: text/plain", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "text/plain")], body: Self.json(dossier(id: id)), status: 415...415),
            Hostile("dossier: no token", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], body: Self.json(dossier(id: id)), token: false,
                    status: 401...401),
        ]
        let revisions: [(String, Any)] = [("-1", -1), ("0", 0), ("Int64.max", Int64.max), ("2^63", 9_223_372_036_854_775_808 as Double), ("1e300", 1e300),
                                          ("a string", "1"), ("1.5", 1.5)]
        for (label, value) in revisions {
            let (spoiledID, body) = spoiled { $0["revision"] = value }
            cases.append(Hostile("dossier: revision \(label)", "PUT", "/v1/dossiers/\(spoiledID)", headers: [("Content-Type", "application/json")], body: body))
        }
        let spoilers: [(String, (inout [String: Any]) -> Void)] = [
            ("negative requiredCount", { $0["requiredCount"] = -1; $0["satisfiedCount"] = -1 }),
            ("satisfiedCount over requiredCount", { $0["satisfiedCount"] = Int64.max }),
            ("an unknown answer type", { $0["answers"] = ["resident_name": ["type": "sql", "value": "DROP TABLE dossier"]] }),
            ("an answer that is a bare string", { $0["answers"] = ["resident_name": "Trần Văn Bình"] }),
            ("a control character in the village", { $0["village"] = "Thôn\u{0}Đông" }),
            ("a 201-character commune", { $0["commune"] = String(repeating: "x", count: 201) }),
            ("a 4001-character answer", { $0["answers"] = ["ghi_chu": ["type": "text", "value": String(repeating: "ư", count: 4001)]] }),
            ("501 answers", { $0["answers"] = Dictionary(uniqueKeysWithValues: (0..<501).map { ("q\($0)", ["type": "bool", "value": true] as [String: Any]) }) }),
            ("readyAt before createdAt", { $0["readyAt"] = "2020-01-01T00:00:00.000Z" }),
            ("a date that is not one", { $0["createdAt"] = "'; DROP TABLE dossier; --" }),
            ("a missing id", { $0["id"] = nil }),
            ("an attachment the hub does not hold", { $0["attachments"] = [["sha256": validHash, "size": 10, "mediaType": "image/jpeg"]] }),
            ("an attachment of 21 MB", { $0["attachments"] = [["sha256": validHash, "size": 22_000_000, "mediaType": "image/jpeg"]] }),
            ("an attachment of another media type", { $0["attachments"] = [["sha256": validHash, "size": 10, "mediaType": "text/html"]] }),
            ("a packVersion of 41 characters", { $0["packVersion"] = String(repeating: "9", count: 41) }),
        ]
        for (label, change) in spoilers {
            let (spoiledID, body) = spoiled(change)
            cases.append(Hostile("dossier: \(label)", "PUT", "/v1/dossiers/\(spoiledID.isEmpty ? id : spoiledID)", headers: [("Content-Type", "application/json")], body: body))
        }
        // The same id and revision as a stored dossier, with other content.
        cases.append(Hostile("dossier: revision 1 of a stored dossier, other content", "PUT", "/v1/dossiers/\(stored)", headers: [("Content-Type", "application/json")],
                             body: Self.json(dossier(id: stored)), status: 409...409, code: .revisionConflict))
        for text in sqlTexts + traversals {
            for field in ["id", "procedureId", "residentId"] {
                let (_, body) = spoiled { $0[field] = text }
                cases.append(Hostile("dossier: \(field) = \(text)", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], body: body))
            }
            let (keyID, keyBody) = spoiled { $0["answers"] = [text: ["type": "text", "value": "x"]] }
            cases.append(Hostile("dossier: answer key \(text)", "PUT", "/v1/dossiers/\(keyID)", headers: [("Content-Type", "application/json")], body: keyBody))
            let (attachmentID, attachmentBody) = spoiled { $0["attachments"] = [["sha256": text, "size": 10, "mediaType": "image/jpeg", "document": text]] }
            cases.append(Hostile("dossier: attachment sha256 and document \(text)", "PUT", "/v1/dossiers/\(attachmentID)", headers: [("Content-Type", "application/json")],
                                 body: attachmentBody))
            let escaped = text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? text
            cases.append(Hostile("dossier: path id \(text)", "PUT", "/v1/dossiers/\(escaped)", headers: [("Content-Type", "application/json")], body: Self.json(dossier())))
            cases.append(Hostile("dossier: GET \(text)", "GET", "/v1/dossiers/\(escaped)"))
        }

        // POST /v1/activities
        cases += [
            Hostile("activities: Content-Length of 2 MiB", "POST", "/v1/activities", headers: [("Content-Type", "application/json")], contentLength: "2097152", status: 413...413),
            Hostile("activities: invalid UTF-8", "POST", "/v1/activities", headers: [("Content-Type", "application/json")], body: badUTF8, code: .invalidJSON),
            Hostile("activities: nested 100 000 deep", "POST", "/v1/activities", headers: [("Content-Type", "application/json")], body: Data(nested(100_000, open: "{\"activities\":", close: "}").utf8)),
            Hostile("activities: not a list", "POST", "/v1/activities", headers: [("Content-Type", "application/json")], body: Self.json(["activities": "all"])),
            Hostile("activities: 501 entries", "POST", "/v1/activities", headers: [("Content-Type", "application/json")],
                    body: Self.json(["activities": (0..<501).map { _ in activity() }])),
            Hostile("activities: the same id twice", "POST", "/v1/activities", headers: [("Content-Type", "application/json")],
                    body: { let entry = activity(); return Self.json(["activities": [entry, entry]]) }()),
        ]
        let entrySpoilers: [(String, (inout [String: Any]) -> Void)] = [
            ("participants -1", { $0["participants"] = -1 }), ("participants 100 001", { $0["participants"] = 100_001 }),
            ("participants 1e20", { $0["participants"] = 1e20 }), ("satisfaction 6", { $0["satisfaction"] = 6 }),
            ("an unknown outcome", { $0["outcome"] = "' OR 1=1 --" }), ("a 4001-character note", { $0["notes"] = String(repeating: "a", count: 4001) }),
            ("an undo without retracts", { $0["kind"] = "undo" }), ("occurredAt that is not a date", { $0["occurredAt"] = "yesterday" }),
        ]
        for (label, change) in entrySpoilers {
            cases.append(Hostile("activities: \(label)", "POST", "/v1/activities", headers: [("Content-Type", "application/json")],
                                 body: Self.json(["activities": [activity(), activity(change)]])))
        }
        for text in sqlTexts + traversals {
            for field in ["id", "kind", "procedureId", "residentId", "dossierId", "payment", "channel", "reason"] {
                cases.append(Hostile("activities: \(field) = \(text)", "POST", "/v1/activities", headers: [("Content-Type", "application/json")],
                                     body: Self.json(["activities": [activity { $0[field] = text }]])))
            }
            cases.append(Hostile("activities: undo retracts \(text)", "POST", "/v1/activities", headers: [("Content-Type", "application/json")],
                                 body: Self.json(["activities": [activity { $0["kind"] = "undo"; $0["retracts"] = text }]])))
        }

        // POST /v1/blobs/query
        cases += [
            Hostile("blob query: Content-Length of 200 KiB", "POST", "/v1/blobs/query", headers: [("Content-Type", "application/json")], contentLength: "204800", status: 413...413),
            Hostile("blob query: no hashes", "POST", "/v1/blobs/query", headers: [("Content-Type", "application/json")], body: Self.json(["sha256": [String]()])),
            Hostile("blob query: 1001 hashes", "POST", "/v1/blobs/query", headers: [("Content-Type", "application/json")],
                    body: Self.json(["sha256": (0..<1001).map { String(format: "%064x", $0) }])),
            Hostile("blob query: invalid UTF-8", "POST", "/v1/blobs/query", headers: [("Content-Type", "application/json")], body: badUTF8),
            Hostile("blob query: nested", "POST", "/v1/blobs/query", headers: [("Content-Type", "application/json")], body: Data(nested(50_000).utf8)),
        ]
        for text in sqlTexts + traversals {
            cases.append(Hostile("blob query: \(text)", "POST", "/v1/blobs/query", headers: [("Content-Type", "application/json")], body: Self.json(["sha256": [text]])))
        }

        // tus: POST, PATCH, HEAD, DELETE /v1/uploads
        let metadata = "sha256 \(base64(validHash))"
        cases += [
            Hostile("tus create: no Tus-Resumable", "POST", "/v1/uploads", headers: [("Upload-Length", "10"), ("Upload-Metadata", metadata)], status: 412...412),
            Hostile("tus create: Upload-Length beyond Int64", "POST", "/v1/uploads", headers: tus([("Upload-Length", "99999999999999999999"), ("Upload-Metadata", metadata)])),
            Hostile("tus create: Upload-Length -5", "POST", "/v1/uploads", headers: tus([("Upload-Length", "-5"), ("Upload-Metadata", metadata)])),
            Hostile("tus create: Upload-Length 0", "POST", "/v1/uploads", headers: tus([("Upload-Length", "0"), ("Upload-Metadata", metadata)])),
            Hostile("tus create: Upload-Length 1e9", "POST", "/v1/uploads", headers: tus([("Upload-Length", "1e9"), ("Upload-Metadata", metadata)])),
            Hostile("tus create: Upload-Length over Tus-Max-Size", "POST", "/v1/uploads", headers: tus([("Upload-Length", "20971521"), ("Upload-Metadata", metadata)]),
                    status: 413...413),
            Hostile("tus create: Upload-Defer-Length", "POST", "/v1/uploads", headers: tus([("Upload-Defer-Length", "1"), ("Upload-Metadata", metadata)])),
            Hostile("tus create: metadata not base64", "POST", "/v1/uploads", headers: tus([("Upload-Length", "10"), ("Upload-Metadata", "sha256 !!!not-base64!!!")])),
            Hostile("tus create: metadata of three parts", "POST", "/v1/uploads", headers: tus([("Upload-Length", "10"), ("Upload-Metadata", "sha256 a b")])),
            Hostile("tus create: metadata base64 of invalid UTF-8", "POST", "/v1/uploads",
                    headers: tus([("Upload-Length", "10"), ("Upload-Metadata", "sha256 \(Data([0xFF, 0xFE, 0xC0]).base64EncodedString())")])),
            Hostile("tus create: no sha256", "POST", "/v1/uploads", headers: tus([("Upload-Length", "10"), ("Upload-Metadata", "filename \(base64("a.jpg"))")])),
            Hostile("tus create: Upload-Length not a number", "POST", "/v1/uploads", headers: tus([("Upload-Length", "x")])),
        ]
        for text in sqlTexts + traversals + ["a/b.jpg", "..", ".", "a\\b.jpg"] {
            cases.append(Hostile("tus create: sha256 \(text)", "POST", "/v1/uploads", headers: tus([("Upload-Length", "10"), ("Upload-Metadata", "sha256 \(base64(text))")])))
            if text.contains("/") || text.contains("\\") || text == "." || text == ".." {
                cases.append(Hostile("tus create: filename \(text)", "POST", "/v1/uploads",
                                     headers: tus([("Upload-Length", "10"), ("Upload-Metadata", "\(metadata),filename \(base64(text))")])))
            }
        }
        let octets = ("Content-Type", "application/offset+octet-stream")
        cases += [
            Hostile("tus patch: Upload-Offset -1", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "-1")]), body: Data("x".utf8)),
            Hostile("tus patch: Upload-Offset beyond Int64", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "99999999999999999999")]), body: Data("x".utf8)),
            Hostile("tus patch: Upload-Offset not a number", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "0x10")]), body: Data("x".utf8)),
            Hostile("tus patch: Upload-Offset past the hub's", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "500")]), body: Data("x".utf8),
                    status: 409...409, code: .offsetMismatch),
            Hostile("tus patch: more bytes than Upload-Length", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "0")]), body: Data(repeating: 7, count: 2000),
                    status: 413...413),
            Hostile("tus patch: more bytes than Upload-Length, chunked", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "0"), ("Transfer-Encoding", "chunked")]),
                    body: Self.chunked(Data(repeating: 7, count: 3000)), status: 413...413),
            Hostile("tus patch: JSON content type", "PATCH", upload, headers: tus([("Content-Type", "application/json"), ("Upload-Offset", "0")]), body: Data("{}".utf8),
                    status: 415...415),
            Hostile("tus patch: bad Upload-Checksum", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "0"), ("Upload-Checksum", "sha256 !!!")]), body: Data("x".utf8)),
            Hostile("tus patch: unknown checksum algorithm", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "0"), ("Upload-Checksum", "md5 AAAA")]), body: Data("x".utf8)),
            Hostile("tus patch: no Tus-Resumable", "PATCH", upload, headers: [octets, ("Upload-Offset", "0")], body: Data("x".utf8), status: 412...412),
        ]
        for text in traversals + sqlTexts + [String(repeating: "a", count: 5000)] {
            let escaped = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
            for target in ["/v1/uploads/\(escaped)", "/v1/uploads/\(text.replacingOccurrences(of: " ", with: "%20"))"] {
                cases.append(Hostile("tus patch: id \(target.prefix(60))", "PATCH", target, headers: tus([octets, ("Upload-Offset", "0")]), body: Data("x".utf8)))
                cases.append(Hostile("tus head: id \(target.prefix(60))", "HEAD", target, headers: tus([])))
                cases.append(Hostile("tus delete: id \(target.prefix(60))", "DELETE", target, headers: tus([])))
            }
        }

        // GET /v1/changes
        for query in ["since=-1", "since=abc", "since=1e5", "since=99999999999999999999", "since=%27%20OR%201%3D1%20--", "since=%00",
                      "limit=0", "limit=1001", "limit=-1", "limit=abc", "limit=99999999999999999999"] {
            cases.append(Hostile("changes: \(query)", "GET", "/v1/changes?\(query)", code: .invalidField))
        }

        // POST /v1/enroll (three wrong codes at most: ten would lock enrolment from this address)
        cases += [
            Hostile("enroll: not JSON", "POST", "/v1/enroll", headers: [("Content-Type", "application/json")], body: Data("code=K7PX-3MQA".utf8), token: false, code: .invalidJSON),
            Hostile("enroll: invalid UTF-8", "POST", "/v1/enroll", headers: [("Content-Type", "application/json")], body: badUTF8, token: false),
            Hostile("enroll: nested", "POST", "/v1/enroll", headers: [("Content-Type", "application/json")], body: Data(nested(100_000).utf8), token: false),
            Hostile("enroll: 20 KiB", "POST", "/v1/enroll", headers: [("Content-Type", "application/json")],
                    body: Self.json(["code": String(repeating: "A", count: 20_000), "deviceName": "x"]), token: false, status: 413...413),
            Hostile("enroll: a number for the code", "POST", "/v1/enroll", headers: [("Content-Type", "application/json")], body: Self.json(["code": 5, "deviceName": "x"]), token: false),
            Hostile("enroll: control characters in the device name", "POST", "/v1/enroll", headers: [("Content-Type", "application/json")],
                    body: Self.json(["code": "K7PX-3MQA", "deviceName": "a\u{1b}[2Jb"]), token: false),
            Hostile("enroll: SQL in the code", "POST", "/v1/enroll", headers: [("Content-Type", "application/json")],
                    body: Self.json(["code": "' OR '1'='1", "deviceName": "x"]), token: false, status: 403...403, code: .invalidCode),
            Hostile("enroll: a path for the code", "POST", "/v1/enroll", headers: [("Content-Type", "application/json")],
                    body: Self.json(["code": "../../hub.sqlite", "deviceName": "../../hub.sqlite"]), token: false, status: 403...403),
        ]

        // A key twice in one object: Foundation keeps one value silently while the receipt signs
        // the raw bytes, which another reader would read with the other value.
        let dossierText = String(decoding: Self.json(dossier(id: id)), as: UTF8.self)
        let json = ("Content-Type", "application/json")
        cases += [
            Hostile("duplicate key: dossier village twice", "PUT", "/v1/dossiers/\(id)", headers: [json],
                    body: Data(dossierText.replacingOccurrences(of: "{\"answers\"", with: "{\"village\":\"Thôn Tây\",\"answers\"").utf8), status: 400...400, code: .invalidJSON),
            Hostile("duplicate key: dossier village twice, one escaped", "PUT", "/v1/dossiers/\(id)", headers: [json],
                    body: Data(dossierText.replacingOccurrences(of: "{\"answers\"", with: "{\"\\u0076illage\":\"Thôn Tây\",\"answers\"").utf8), status: 400...400, code: .invalidJSON),
            Hostile("duplicate key: inside an answer", "PUT", "/v1/dossiers/\(id)", headers: [json],
                    body: Data(dossierText.replacingOccurrences(of: "\"value\":\"Trần Văn Bình\"", with: "\"value\":\"Trần Văn Bình\",\"value\":\"Lê Thị Hoa\"").utf8),
                    status: 400...400, code: .invalidJSON),
            Hostile("duplicate key: activity kind twice", "POST", "/v1/activities", headers: [json],
                    body: Data(String(decoding: Self.json(["activities": [activity()]]), as: UTF8.self).replacingOccurrences(of: "\"kind\":\"visit\"", with: "\"kind\":\"visit\",\"kind\":\"training\"").utf8),
                    status: 400...400, code: .invalidJSON),
            Hostile("duplicate key: blob query sha256 twice", "POST", "/v1/blobs/query", headers: [json],
                    body: Data("{\"sha256\":[\"\(validHash)\"],\"sha256\":[]}".utf8), status: 400...400, code: .invalidJSON),
            Hostile("duplicate key: enrolment code twice", "POST", "/v1/enroll", headers: [json],
                    body: Data("{\"code\":\"K7PX-3MQA\",\"deviceName\":\"x\",\"code\":\"K7PX-3MQB\"}".utf8), token: false, status: 400...400, code: .invalidJSON),
            Hostile("tus create: Upload-Length +10", "POST", "/v1/uploads", headers: tus([("Upload-Length", "+10"), ("Upload-Metadata", metadata)]), status: 400...400),
            Hostile("tus create: Upload-Length with a space", "POST", "/v1/uploads", headers: tus([("Upload-Length", "1 0"), ("Upload-Metadata", metadata)]), status: 400...400),
            Hostile("tus create: sha256 twice in the metadata", "POST", "/v1/uploads",
                    headers: tus([("Upload-Length", "10"), ("Upload-Metadata", "\(metadata),sha256 \(base64(String(repeating: "ef", count: 32)))")]), status: 400...400),
            Hostile("tus patch: Upload-Offset +0", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "+0")]), body: Data("x".utf8), status: 400...400),
            // Bodies the HTTP parser cannot read: 400 (it was 500 with an error-level log line).
            Hostile("chunked: Transfer-Encoding xchunked", "PUT", "/v1/dossiers/\(id)", headers: [json, ("Transfer-Encoding", "xchunked")],
                    body: Self.chunked(Self.json(dossier(id: id))), status: 400...400).refusedByParser,
            Hostile("chunked: a chunk size past 64 bits", "PUT", "/v1/dossiers/\(id)", headers: [json, ("Transfer-Encoding", "chunked")],
                    body: Data("ffffffffffffffffff\r\n{}\r\n0\r\n\r\n".utf8), status: 400...400).refusedByParser,
            Hostile("chunked: a chunk size past 64 bits, tus", "PATCH", upload, headers: tus([octets, ("Upload-Offset", "0"), ("Transfer-Encoding", "chunked")]),
                    body: Data("ffffffffffffffffff\r\nxx\r\n0\r\n\r\n".utf8), status: 400...400).refusedByParser,
        ]

        // Tokens and routes
        cases += [
            Hostile("auth: SQL for a token", "GET", "/v1/changes", headers: [("Authorization", "Bearer ' OR 1=1 --")], token: false, status: 401...401),
            Hostile("auth: a path for a token", "GET", "/v1/changes", headers: [("Authorization", "Bearer ../../hub-signing.key")], token: false, status: 401...401),
            Hostile("auth: invalid UTF-8 token", "GET", "/v1/changes", token: false, status: 401...401).with(rawHeader: "Authorization", Data("Bearer ".utf8) + Data([0xFF, 0xFE])),
            Hostile("route: ../ above /v1", "GET", "/v1/../../etc/passwd", status: 404...404),
            Hostile("route: encoded ../ above /v1", "GET", "/v1/%2e%2e/%2e%2e/hub.sqlite", status: 404...404),
            Hostile("route: a file of the data folder", "GET", "/hub.sqlite", status: 404...404),
            Hostile("route: DELETE of a dossier", "DELETE", "/v1/dossiers/\(stored)", status: 404...404),
            Hostile("route: an unknown method", "BREW", "/v1/changes").refusedByParser,
            Hostile("route: invalid UTF-8 in the path", "GET", "/v1/dossiers/%FF%FE%C0%AF", status: 400...404),
            Hostile("headers: a 100 KB header", "GET", "/v1/changes", headers: [("X-Padding", String(repeating: "a", count: 100_000))]).refusedByParser,
            Hostile("headers: 2000 headers", "GET", "/v1/changes", headers: (0..<2000).map { ("X-H\($0)", "1") }).refusedByParser,
        ]
        return cases
    }

    static func chunked(_ data: Data) -> Data {
        var body = Data()
        var offset = 0
        while offset < data.count {
            let size = min(32 << 10, data.count - offset)
            body += Data((String(size, radix: 16) + "\r\n").utf8) + data[offset..<(offset + size)] + Data("\r\n".utf8)
            offset += size
        }
        return body + Data("0\r\n\r\n".utf8)
    }

    static func send(_ hostile: Hostile, to hub: HubProcess, token: String) throws -> RawHTTP.Reply? {
        var head = Data("\(hostile.method) \(hostile.target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
        if hostile.token { head += Data("Authorization: Bearer \(token)\r\n".utf8) }
        for (name, value) in hostile.headers { head += Data("\(name): ".utf8) + value + Data("\r\n".utf8) }
        let chunked = hostile.headers.contains { $0.0 == "Transfer-Encoding" }
        if let length = hostile.contentLength {
            head += Data("Content-Length: \(length)\r\n".utf8)
        } else if let body = hostile.body, !chunked {
            head += Data("Content-Length: \(body.count)\r\n".utf8)
        }
        return try RawHTTP(port: hub.port).exchange(head, body: hostile.contentLength == nil ? hostile.body ?? Data() : Data(), isHead: hostile.method == "HEAD")
    }

    @Test("Every route, sent oversized bodies, invalid UTF-8, deep nesting, bad revisions, paths and SQL: a 4xx with the protocol's error body, nothing stored, no stray file, the hub still serving")
    func battery() async throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let raw = RawHTTP(port: hub.port)
        let code = try hub.enrolmentCode()
        let enrolled = try #require(try raw.exchange(Data("POST /v1/enroll HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(Self.json(["code": code, "deviceName": "Laptop"]).count)\r\n".utf8),
                                                     body: Self.json(["code": code, "deviceName": "Laptop"])))
        #expect(enrolled.status == 201)
        let token = try #require(try JSONSerialization.jsonObject(with: enrolled.body) as? [String: Any])["token"] as? String ?? ""
        // A stored dossier and an upload in progress, for the cases that need one.
        let stored = UUID().uuidString.lowercased()
        let put = try #require(try Self.send(Hostile("setup", "PUT", "/v1/dossiers/\(stored)", headers: [("Content-Type", "application/json")],
                                                     body: Self.json(Self.dossier(id: stored)).replacing(Data("Tr".utf8), with: Data("Lê Tr".utf8))), to: hub, token: token))
        #expect(put.status == 201)
        let created = try #require(try Self.send(Hostile("setup", "POST", "/v1/uploads", headers: Self.tus([("Upload-Length", "1000"),
                                                         ("Upload-Metadata", "sha256 \(Self.base64(String(repeating: "cd", count: 32)))")])), to: hub, token: token))
        let upload = try #require(created.headers["location"])
        let before = try Self.snapshot(hub)

        let cases = Self.battery(upload: upload, stored: stored)
        var failures: [String] = []
        for hostile in cases {
            guard let reply = try Self.send(hostile, to: hub, token: token) else {
                failures.append("\(hostile.label): the connection ended without an answer")
                continue
            }
            var problems: [String] = []
            if hostile.byParser {
                // Refused before any route runs (or mid-body by the parser): a 400 that closes the
                // connection and still carries the protocol and security headers.
                if reply.status != 400 { problems.append("status \(reply.status)") }
                if reply.headers["sotay-protocol"] != "1" { problems.append("no Sotay-Protocol header") }
                if reply.headers["x-content-type-options"] != "nosniff" || reply.headers["cache-control"] != "no-store" { problems.append("no security headers") }
                if !problems.isEmpty { failures.append("\(hostile.label): " + problems.joined(separator: "; ")) }
                continue
            }
            if !hostile.status.contains(reply.status) { problems.append("status \(reply.status)") }
            if reply.headers["sotay-protocol"] != "1" { problems.append("no Sotay-Protocol header") }
            if hostile.method != "HEAD" {
                if let body = try? WireProtocol.decoder().decode(ErrorBody.self, from: reply.body) {
                    if let code = hostile.code, body.error != code { problems.append("error \(body.error.rawValue), expected \(code.rawValue)") }
                } else {
                    problems.append("body is not the protocol's error: \(String(decoding: reply.body.prefix(200), as: UTF8.self))")
                }
            }
            if !problems.isEmpty { failures.append("\(hostile.label): " + problems.joined(separator: "; ")) }
        }
        let report = failures.joined(separator: "\n")
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) hostile requests were not refused cleanly:\n\(report)")
        #expect(cases.count > 250)

        let after = try Self.snapshot(hub)
        #expect(after == before, "the battery changed what the hub holds:\nbefore \(before)\nafter  \(after)")
        #expect(hub.isRunning)
        // Still serving: health, and a dossier from the same device.
        let health = try #require(try Self.send(Hostile("health", "GET", "/v1/health", token: false), to: hub, token: token))
        #expect(health.status == 200)
        let again = UUID().uuidString.lowercased()
        let accepted = try #require(try Self.send(Hostile("after", "PUT", "/v1/dossiers/\(again)", headers: [("Content-Type", "application/json")],
                                                          body: Self.json(Self.dossier(id: again))), to: hub, token: token))
        #expect(accepted.status == 201)
    }

    @Test("Text fields that are free text keep SQL and path characters as data: stored exactly, nothing else touched")
    func sqlInFreeText() async throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let raw = RawHTTP(port: hub.port)
        let code = try hub.enrolmentCode()
        let enrolment = Self.json(["code": code, "deviceName": "'; DROP TABLE device; --"])
        let enrolled = try #require(try raw.exchange(Data("POST /v1/enroll HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(enrolment.count)\r\n".utf8),
                                                     body: enrolment))
        #expect(enrolled.status == 201)
        let token = try #require(try JSONSerialization.jsonObject(with: enrolled.body) as? [String: Any])["token"] as? String ?? ""
        let text = Self.sqlTexts.joined(separator: " ") + " ../../hub.sqlite"
        let id = UUID().uuidString.lowercased()
        var body = Self.dossier(id: id)
        body["village"] = "Thôn '; DROP TABLE dossier; --"
        body["answers"] = ["resident_name": ["type": "text", "value": text], "ghi_chu": ["type": "choice", "value": text]]
        let reply = try #require(try Self.send(Hostile("sql", "PUT", "/v1/dossiers/\(id)", headers: [("Content-Type", "application/json")], body: Self.json(body)),
                                               to: hub, token: token))
        #expect(reply.status == 201)
        let shown = try #require(try hub.adminJSON(["dossiers", "show", id, "--json"]) as? [String: Any])
        #expect((shown["dossier"] as? [String: Any])?["residentName"] as? String == text)
        #expect((shown["dossier"] as? [String: Any])?["village"] as? String == "Thôn '; DROP TABLE dossier; --")
        let snapshot = try Self.snapshot(hub)
        #expect(snapshot.rows["dossier"] == 1 && snapshot.rows["device"] == 1)
    }
}
