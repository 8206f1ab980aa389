import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SoTayCore
@testable import SoTayHub
import SoTayWire

/// A hub on a fresh temp data folder, with helpers to talk to it as a device would.
struct HubFixture {
    let directory: URL
    let store: HubStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "sotay-hub-test-\(UUID().uuidString)")
        store = try HubStore.open(directory: directory)
    }

    func volunteer(_ name: String = "Nguyễn Thị Lan", village: String = "Thôn Đông") throws -> HubVolunteer {
        try store.addVolunteer(name: name, village: village, commune: "Xã An Bình")
    }

    func code(for volunteer: HubVolunteer, validity: TimeInterval = 24 * 3600, now: Date = Date()) throws -> String {
        try store.makeEnrollCode(for: volunteer, validity: validity, now: now).code
    }

    func app(enrollFailuresAllowed: Int = 10, authFailuresAllowed: Int = 30) throws -> some ApplicationProtocol {
        var logger = Logger(label: "hub-test")
        logger.logLevel = .warning
        let configuration = HubConfiguration(dataDirectory: directory, host: "127.0.0.1", port: 0,
                                             enrollFailuresAllowed: enrollFailuresAllowed, authFailuresAllowed: authFailuresAllowed)
        return try buildApplication(configuration: configuration, store: store, logger: logger)
    }

    func dossierCount() throws -> Int {
        try store.dossiers().count
    }

    func revisionCount() throws -> Int {
        try store.dossiers().reduce(0) { $0 + (try store.revisions(of: $1.id).count) }
    }
}

/// Requests as the volunteer's laptop makes them.
extension TestClientProtocol {
    func json(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: Data? = nil,
              contentType: String = "application/json") async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    func enroll(_ code: String, deviceName: String = "Laptop thôn Đông") async throws -> EnrollReply {
        let response = try await json(.post, "/v1/enroll", body: try WireProtocol.encoder().encode(EnrollRequest(code: code, deviceName: deviceName)))
        guard response.status == .created else { throw FixtureError.unexpected(response.status.code, String(buffer: response.body)) }
        return try response.decode(EnrollReply.self)
    }

    func put(_ upload: DossierUpload, token: String) async throws -> TestResponse {
        try await json(.put, "/v1/dossiers/\(upload.id)", token: token, body: try WireProtocol.encoder().encode(upload))
    }
}

enum FixtureError: Error {
    case unexpected(Int, String)
}

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try WireProtocol.decoder().decode(type, from: Data(body.readableBytesView))
    }

    var errorCode: ErrorCode? {
        (try? decode(ErrorBody.self))?.error
    }
}

extension DossierUpload {
    static func sample(id: String = UUID().uuidString.lowercased(), revision: Int = 1, name: String = "Trần Văn Bình",
                       procedure: String = "dang-ky-khai-sinh") -> DossierUpload {
        let created = WireDate.truncated(Date(timeIntervalSince1970: 1_795_000_000))
        return DossierUpload(
            id: id, revision: revision, procedureId: procedure, packVersion: "2026.11.24", residentId: UUID().uuidString.lowercased(),
            village: "Thôn Đông", commune: "Xã An Bình", requiredCount: 4, satisfiedCount: 4,
            answers: ["resident_name": .text(name), "noi_sinh": .choice("co_so_y_te"), "giay_chung_sinh": .bool(true)],
            createdAt: created, readyAt: created.addingTimeInterval(600))
    }
}
