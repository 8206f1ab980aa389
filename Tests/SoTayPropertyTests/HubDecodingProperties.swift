import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PropertyBased
import SoTayCore
@testable import SoTayHub
import SoTayWire
import Testing

/// A request body spoiled on purpose, with what was done to it.
struct HostileRequest: Sendable, CustomTestStringConvertible {
    enum Route: String, Sendable {
        case dossier, activities, enroll, blobQuery
    }

    /// What a single change to a valid body should lead to.
    enum Expectation: Sendable, Equatable {
        /// Accepted as the valid body was: unknown fields are ignored.
        case accepted
        /// Refused naming this path, when the refusal is about fields.
        case namesField(String)
        /// The same, but Foundation loses the path of a number no integer holds in an optional
        /// field, and the hub can only name "(body)" (reported).
        case namesFieldOrBody(String)
        /// Anything but a 5xx.
        case anyClean
        /// 400 `invalid_json`: a key twice in one object, at any depth.
        case invalidJSON
    }

    var route: Route
    var pathID: String
    var body: [UInt8]
    var contentType: String?
    var changes: [String]
    var expectation: Expectation

    var testDescription: String {
        "\(route) \(changes) \(String(reflecting: String(decoding: body.prefix(800), as: UTF8.self)))"
    }
}

/// Valid bodies of each request, as the volunteer's laptop sends them.
enum ValidBodies {
    static let createdAt = "2026-11-24T03:15:42.123Z"

    static func uuid(_ rng: inout some RandomNumberGenerator) -> String {
        UUID(uuid: (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }.withUnsafeBytes { $0.load(as: uuid_t.self) }).uuidString.lowercased()
    }

    static func sha256(_ rng: inout some RandomNumberGenerator) -> String {
        String((0..<64).map { _ in Fuzz.pick(Array("0123456789abcdef"), &rng) })
    }

    static func dossier(_ rng: inout some RandomNumberGenerator) -> JSONValue {
        .object([
            .init(key: "id", value: .string(uuid(&rng))), .init(key: "revision", value: .int(Fuzz.int(1...5, &rng))),
            .init(key: "procedureId", value: .string("dang-ky-khai-sinh")), .init(key: "packVersion", value: .string("2026.11.24")),
            .init(key: "residentId", value: .string(uuid(&rng))), .init(key: "village", value: .string("Thôn Đông")),
            .init(key: "commune", value: .string("Xã An Bình")), .init(key: "requiredCount", value: .int(4)), .init(key: "satisfiedCount", value: .int(3)),
            .init(key: "answers", value: .object([
                .init(key: "resident_name", value: .object([.init(key: "type", value: .string("text")), .init(key: "value", value: .string(Fuzz.vietnamese(&rng, words: 2...4)))])),
                .init(key: "noi_sinh", value: .object([.init(key: "type", value: .string("choice")), .init(key: "value", value: .string("co_so_y_te"))])),
                .init(key: "giay_chung_sinh", value: .object([.init(key: "type", value: .string("bool")), .init(key: "value", value: .bool(true))])),
                .init(key: "ngay_sinh", value: .object([.init(key: "type", value: .string("date")), .init(key: "value", value: .string("2026-10-01"))])),
                .init(key: "so_con", value: .object([.init(key: "type", value: .string("integer")), .init(key: "value", value: .int(2))])),
            ])),
            .init(key: "createdAt", value: .string(createdAt)), .init(key: "readyAt", value: .string("2026-11-24T03:25:42.123Z")),
        ])
    }

    static func activity(_ rng: inout some RandomNumberGenerator) -> JSONValue {
        var members: [JSONValue.Member] = [
            .init(key: "id", value: .string(uuid(&rng))), .init(key: "kind", value: .string(Fuzz.pick(["visit", "guidance", "training"], &rng))),
            .init(key: "occurredAt", value: .string(createdAt)), .init(key: "village", value: .string("Thôn Đông")),
        ]
        if Fuzz.chance(0.5, &rng) {
            members += [.init(key: "procedureId", value: .string("dang-ky-khai-sinh")), .init(key: "outcome", value: .string("not-yet")),
                        .init(key: "reason", value: .string("missing-papers")), .init(key: "participants", value: .int(12)),
                        .init(key: "satisfaction", value: .int(4)), .init(key: "notes", value: .string(Fuzz.vietnamese(&rng)))]
        }
        return .object(members)
    }

    static func body(for route: HostileRequest.Route, _ rng: inout some RandomNumberGenerator) -> JSONValue {
        switch route {
        case .dossier: dossier(&rng)
        case .activities: .object([.init(key: "activities", value: .array((0..<Fuzz.int(1...3, &rng)).map { _ in activity(&rng) }))])
        case .enroll: .object([.init(key: "code", value: .string(HubDecodingProperties.codePlaceholder)), .init(key: "deviceName", value: .string("Laptop thôn Đông"))])
        case .blobQuery: .object([.init(key: "sha256", value: .array((0..<Fuzz.int(1...5, &rng)).map { _ in .string(sha256(&rng)) }))])
        }
    }
}

/// Spoils a valid body: one change most of the time, so the refusal can be held to naming it.
enum RequestMutation {
    static func hostileValue(_ rng: inout some RandomNumberGenerator) -> JSONValue {
        switch Fuzz.int(0...5, &rng) {
        case 0: .number(Fuzz.pick(JSONValue.hostileNumbers + ["-1", "-9223372036854775808", "0"], &rng))
        case 1: .string(String(repeating: Fuzz.pick(["a", "ầ", "🙂", "\u{0}"], &rng), count: Fuzz.pick([0, 1, 201, 4_001, 100_000], &rng)))
        case 2: .raw(JSONValue.nested(Fuzz.pick([2, 100, 511, 513, 2_000, 50_000], &rng)))
        default: JSONValue.random(&rng)
        }
    }

    static func apply(to value: JSONValue, _ rng: inout some RandomNumberGenerator) -> (JSONValue, String, HostileRequest.Expectation) {
        let places = value.paths()
        guard !places.isEmpty else { return (JSONValue.random(&rng), "random JSON", .anyClean) }
        let place = Fuzz.pick(places, &rng)
        switch Fuzz.int(0...9, &rng) {
        case 0, 1:
            return (value.replacing(place.steps[...], with: nil), "delete \(place.path)", .namesField(place.path))
        case 2...5:
            let replacement = hostileValue(&rng)
            let outOfRange = if case .number(let literal) = replacement { Int(literal) == nil } else { false }
            return (value.replacing(place.steps[...], with: replacement), "set \(place.path) to \(replacement.text.prefix(60))",
                    outOfRange ? .namesFieldOrBody(place.path) : .namesField(place.path))
        case 6:
            guard case .object(var members) = value else { return (value, "none", .accepted) }
            members.append(.init(key: Fuzz.pick(["extra", "__proto__", "ID", "revision ", Fuzz.anyText(&rng)], &rng), value: JSONValue.random(&rng)))
            guard !members.dropLast().contains(where: { $0.key == members.last?.key }) else { return (.object(members), "duplicate key", .invalidJSON) }
            if members.last?.value.hasDuplicateKeys == true { return (.object(members), "unknown field with a key twice inside", .invalidJSON) }
            // A lone surrogate escape, or a number beyond a Double, makes Foundation refuse the whole body.
            let extra = members.last?.value.text.lowercased() ?? ""
            guard !extra.contains("\\ud") && !extra.contains("e309") else { return (.object(members), "unknown field, unreadable value", .anyClean) }
            return (.object(members), "unknown field \(members.last?.key ?? "")", .accepted)
        case 7:
            guard case .object(var members) = value, let first = members.first else { return (value, "none", .accepted) }
            members.append(.init(key: first.key, value: hostileValue(&rng)))  // the same key twice
            return (.object(members), "duplicate \(first.key)", .invalidJSON)
        case 8:
            return (JSONValue.random(&rng), "random JSON", .anyClean)
        default:
            return (.raw(JSONValue.nested(Fuzz.pick([10, 513, 100_000], &rng))), "nested arrays", .anyClean)
        }
    }

    /// Byte-level damage: not UTF-8, cut short, re-encoded, or noise.
    static func damage(_ bytes: [UInt8], _ rng: inout some RandomNumberGenerator) -> ([UInt8], String) {
        var bytes = bytes
        switch Fuzz.int(0...4, &rng) {
        case 0:
            bytes.insert(contentsOf: Fuzz.pick([[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE1, 0xBA]], &rng), at: Fuzz.int(0...bytes.count, &rng))
            return (bytes, "invalid UTF-8")
        case 1: return (Array(bytes.prefix(Fuzz.int(0...bytes.count, &rng))), "cut short")
        case 2: return (Array(String(decoding: bytes, as: UTF8.self).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), "UTF-16LE")
        case 3: return ([0xEF, 0xBB, 0xBF] + bytes, "UTF-8 BOM")
        default: return ((0..<Fuzz.int(0...64, &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, "noise")
        }
    }

    static let generator = Generator<HostileRequest, Shrink.None<HostileRequest>>.from { rng in
        let route = Fuzz.pick([HostileRequest.Route.dossier, .dossier, .dossier, .activities, .activities, .enroll, .blobQuery], &rng)
        var value = ValidBodies.body(for: route, &rng)
        let pathID = value["id"].flatMap { if case .string(let id) = $0 { id } else { nil } } ?? ValidBodies.uuid(&rng)
        var changes: [String] = []
        var expectation = HostileRequest.Expectation.accepted
        let count = Fuzz.pick([0, 1, 1, 1, 1, 1, 1, 2, 3], &rng)
        for _ in 0..<count {
            let (next, change, expected) = apply(to: value, &rng)
            value = next
            changes.append(change)
            expectation = count == 1 ? expected : .anyClean
        }
        var bytes = Array(value.text.utf8)
        if Fuzz.chance(0.08, &rng) {
            let (damaged, change) = damage(bytes, &rng)
            bytes = damaged
            changes.append(change)
            expectation = .anyClean
        }
        var contentType: String? = "application/json"
        if Fuzz.chance(0.05, &rng) {
            contentType = Fuzz.pick([nil, "text/plain", "application/json; charset=utf-8", "APPLICATION/JSON", "multipart/form-data"], &rng)
            changes.append("content type \(contentType ?? "none")")
            if contentType?.lowercased().hasPrefix("application/json") != true && contentType != nil { expectation = .anyClean }
        }
        return HostileRequest(route: route, pathID: pathID, body: bytes, contentType: contentType, changes: changes, expectation: expectation)
    }
}

// No shrinking: the hub keeps state, so replaying a failing request (a dossier already stored)
// would not fail the same way, and the checker would report the input without the expectation.
@Suite("Hub request decoding: hostile bodies, never a 5xx, every refusal a 4xx with the protocol's error body", .shrinking(false))
struct HubDecodingProperties {
    static let codePlaceholder = "CODE-PLACEHOLDER"

    @Test("spoiled dossiers, activity batches, enrolments and blob queries are stored whole or refused cleanly, naming the field",
          .timeLimit(.minutes(2)))
    func hostileBodies() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sotay-props-hub-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try HubStore.open(directory: directory)
        let volunteer = try store.addVolunteer(name: "Nguyễn Thị Lan", village: "Thôn Đông", commune: "Xã An Bình")
        var logger = Logger(label: "hub-props")
        logger.logLevel = .critical
        let configuration = HubConfiguration(dataDirectory: directory, host: "127.0.0.1", port: 0, enrollFailuresAllowed: 1_000_000, authFailuresAllowed: 1_000_000)
        let app = try buildApplication(configuration: configuration, store: store, logger: logger)
        try await app.test(.router) { client in
            let code = try store.makeEnrollCode(for: volunteer).code
            let enrolled = try await client.execute(uri: "/v1/enroll", method: .post, headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(bytes: try WireProtocol.encoder().encode(EnrollRequest(code: code, deviceName: "Máy thôn Đông"))))
            let token = try WireProtocol.decoder().decode(EnrollReply.self, from: Data(enrolled.body.readableBytesView)).token
            var stored = 0
            await propertyCheck(count: 2000, input: MutationGenerator.requests) { request in
                var body = request.body
                if request.route == .enroll {
                    // Each enrolment gets a fresh code of its own, so the unspoiled one is accepted.
                    let fresh = try store.makeEnrollCode(for: volunteer).code
                    body = Array(String(decoding: body, as: UTF8.self).replacingOccurrences(of: Self.codePlaceholder, with: fresh).utf8)
                }
                let response = try await send(request, body: body, token: token, client: client)
                if request.route == .dossier && response.status == .created {
                    stored += 1
                    let revisions = try store.revisions(of: request.pathID)
                    // A UTF-16 body is a known hub bug with a test of its own, below.
                    if !request.changes.contains("UTF-16LE") {
                        #expect(revisions.last.map { Array($0.body.utf8) } == body, "the stored revision is the bytes sent")
                    }
                }
                expectClean(response, request)
            }
            #expect(try store.dossiers().count == stored, "only accepted dossiers are stored")
        }
    }

    @Test("a negative requiredCount is refused naming requiredCount (found by the property above)")
    func negativeRequiredCount() {
        var upload = DossierUpload(id: UUID().uuidString.lowercased(), revision: 1, procedureId: "dang-ky-khai-sinh", packVersion: "1",
                                   residentId: UUID().uuidString.lowercased(), village: "Thôn Đông", commune: "Xã An Bình", requiredCount: 2,
                                   satisfiedCount: 0, answers: [:], createdAt: Date(timeIntervalSince1970: 0), readyAt: Date(timeIntervalSince1970: 0))
        #expect(upload.problems.isEmpty)
        upload.requiredCount = -1
        #expect(upload.problems.map(\.field) == ["requiredCount"])
        upload.requiredCount = 2
        upload.satisfiedCount = 3
        #expect(upload.problems.map(\.field) == ["satisfiedCount"])
    }

    /// Known hub bug, reported rather than fixed here (SoTayHub is being changed elsewhere): the
    /// property above found that `JSONBody.decode` lets Foundation read a UTF-16 body, and the store
    /// then keeps it as UTF-8 text cut at the first NUL ("{") under a signed receipt.
    @Test("a dossier sent as UTF-16 is refused, not stored mangled under a receipt")
    func utf16Dossier() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "sotay-props-hub-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try HubStore.open(directory: directory)
        let volunteer = try store.addVolunteer(name: "Nguyễn Thị Lan", village: "Thôn Đông", commune: "Xã An Bình")
        let app = try buildApplication(configuration: HubConfiguration(dataDirectory: directory), store: store, logger: Logger(label: "hub-props"))
        try await app.test(.router) { client in
            let enrolment = try WireProtocol.encoder().encode(EnrollRequest(code: try store.makeEnrollCode(for: volunteer).code, deviceName: "Máy"))
            let enrolled = try await client.execute(uri: "/v1/enroll", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: enrolment))
            let token = try WireProtocol.decoder().decode(EnrollReply.self, from: Data(enrolled.body.readableBytesView)).token
            var rng = SystemRandomNumberGenerator()
            let id = ValidBodies.uuid(&rng)
            var dossier = ValidBodies.dossier(&rng)
            dossier = dossier.replacing([.member(0)], with: .string(id))
            let utf16 = Array(dossier.text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            let response = try await client.execute(uri: "/v1/dossiers/\(id)", method: .put,
                                                    headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(bytes: utf16))
            #expect(response.status.code == 400, "\(response.status.code)")
            #expect((try? store.dossiers().isEmpty) == true, "nothing stored")
        }
    }

    private func send(_ request: HostileRequest, body: [UInt8], token: String, client: some TestClientProtocol) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if request.route != .enroll { headers[.authorization] = "Bearer \(token)" }
        if let type = request.contentType { headers[.contentType] = type }
        let (method, uri): (HTTPRequest.Method, String) = switch request.route {
        case .dossier: (.put, "/v1/dossiers/\(request.pathID)")
        case .activities: (.post, "/v1/activities")
        case .enroll: (.post, "/v1/enroll")
        case .blobQuery: (.post, "/v1/blobs/query")
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: body))
    }

    private func expectClean(_ response: TestResponse, _ request: HostileRequest) {
        let status = response.status.code
        #expect(status < 500, "\(status): \(String(buffer: response.body))")
        #expect(response.headers[HTTPField.Name(WireProtocol.header)!] == WireProtocol.version)
        switch request.expectation {
        case .accepted: #expect(status < 300, "\(status): \(String(buffer: response.body))")
        case .invalidJSON:
            // A body over the route's limit is refused for that first, before it is read.
            #expect(status == 413 || (status == 400 && String(buffer: response.body).contains("invalid_json")), "\(status): \(String(buffer: response.body))")
        case .namesField, .namesFieldOrBody, .anyClean: break
        }
        guard status >= 400 else { return }
        #expect(status >= 400 && status < 500)
        guard let error = try? WireProtocol.decoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView)) else {
            Issue.record("a \(status) without the protocol's error body: \(String(buffer: response.body))")
            return
        }
        #expect(!error.message.isEmpty)
        guard error.error == .invalidField else { return }
        let fields = error.fields ?? []
        #expect(!fields.isEmpty && fields.allSatisfy { !$0.field.isEmpty && !$0.problem.isEmpty }, "\(fields)")
        let path: String?, bodyWillDo: Bool
        switch request.expectation {
        case .namesField(let named): (path, bodyWillDo) = (named, false)
        case .namesFieldOrBody(let named): (path, bodyWillDo) = (named, true)
        default: (path, bodyWillDo) = (nil, false)
        }
        if let path {
            // Decoding errors write `activities.[0].kind`, field checks `activities[0].kind`.
            let named = fields.map { $0.field.replacingOccurrences(of: ".[", with: "[") }
            // Two fields checked against each other may be named by either.
            let partners = ["requiredCount": "satisfiedCount", "createdAt": "readyAt"]
            let accepted = [path] + partners.filter { $0.key == path }.map(\.value) + (bodyWillDo ? ["(body)"] : [])
            #expect(named.contains { field in accepted.contains { field.hasPrefix($0) || $0.hasPrefix(field) } }, "\(path) changed, refusal names \(named)")
        }
    }
}

enum MutationGenerator {
    static let requests = RequestMutation.generator
}
