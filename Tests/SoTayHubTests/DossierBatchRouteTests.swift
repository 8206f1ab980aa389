import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SoTayCore
@testable import SoTayHub
import SoTayWire
import Testing

/// `POST /v1/dossiers` through the hub's router: each line answered as its `PUT` would be; a
/// batch that cannot be read as a whole refused whole, with nothing stored.
@Suite("Hub: dossier batches")
struct DossierBatchRouteTests {
    static func line(_ upload: DossierUpload) throws -> Data { try WireProtocol.encoder().encode(upload) }

    static func post(_ client: some TestClientProtocol, _ lines: [Data], token: String,
                     contentType: String = WireProtocol.dossierBatchMediaType) async throws -> TestResponse {
        try await client.json(.post, "/v1/dossiers", token: token, body: WireProtocol.batchBody(lines), contentType: contentType)
    }

    @Test("Each line is answered as its PUT would be: stored, stored before, refused alone; the receipt signs the line's bytes")
    func eachLineItsOwnAnswer() async throws {
        let hub = try HubFixture()
        let lan = try hub.volunteer()
        let code = try hub.code(for: lan)
        let other = try hub.code(for: try hub.volunteer("Lê Văn Cường"))
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            let theirToken = try await client.enroll(other, deviceName: "Laptop khác").token
            let theirs = DossierUpload.sample()
            #expect(try await client.put(theirs, token: theirToken).status == .created)
            let held = DossierUpload.sample()
            #expect(try await client.put(held, token: token).status == .created)

            let fresh = DossierUpload.sample()
            var invalid = DossierUpload.sample()
            invalid.village = ""
            var missing = DossierUpload.sample()
            missing.attachments = [AttachmentRef(sha256: String(repeating: "ab", count: 32), size: 10, mediaType: "image/jpeg", document: nil)]
            var notMine = theirs
            notMine.revision = 2
            let lines = try [fresh, held, invalid, missing, notMine].map(Self.line)
            let response = try await Self.post(client, lines, token: token)
            #expect(response.status == .ok)
            let results = try response.decode(DossierBatchReply.self).results
            #expect(results.map(\.status) == [201, 200, 400, 422, 403])
            #expect(results.map(\.dossierId) == [fresh.id, held.id, invalid.id, missing.id, notMine.id])
            let accepted = try #require(results[0].accepted)
            #expect(accepted.receipt.contentSHA256 == Hashes.sha256Hex(lines[0]))
            #expect(accepted.receipt.isSigned(by: hub.store.signingKey.publicKey))
            #expect(results[2].error?.error == .invalidField && results[2].error?.fields?.first?.field == "village")
            #expect(results[3].error?.error == .missingBlobs && results[3].error?.missing == [String(repeating: "ab", count: 32)])
            #expect(results[4].error?.error == .forbidden)
            // Stored are the two sent by PUT and the new one, nothing else.
            #expect(try hub.dossierCount() == 3)
            // The same line by PUT is answered with the batch's receipt.
            let put = try await client.put(fresh, token: token)
            #expect(try put.status == .ok && put.decode(DossierAccepted.self) == accepted)
        }
    }

    @Test("A batch the hub cannot read whole is refused whole, and nothing in it is stored")
    func refusedWhole() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            let good = try Self.line(DossierUpload.sample())
            let twice = DossierUpload.sample()
            let cases: [(String, TestResponse, Int, ErrorCode)] = [
                ("a line that is not JSON", try await Self.post(client, [good, Data("{\"id\":".utf8)], token: token), 400, .invalidJSON),
                ("one dossier twice", try await Self.post(client, [good, try Self.line(twice), try Self.line(twice)], token: token), 400, .invalidField),
                ("65 lines", try await Self.post(client, [good] + (0..<64).map { _ in try Self.line(DossierUpload.sample()) }, token: token),
                 400, .invalidField),
                ("no line", try await Self.post(client, [], token: token), 400, .invalidField),
                ("JSON instead of lines", try await Self.post(client, [good], token: token, contentType: "application/json"), 415, .unsupportedMediaType),
                ("a line over 1 MiB", try await Self.post(client, [good, Data(repeating: 0x20, count: WireProtocol.maxDossierBody + 1)], token: token),
                 413, .bodyTooLarge),
            ]
            for (label, response, status, code) in cases {
                #expect(Int(response.status.code) == status, "\(label)")
                #expect(response.errorCode == code, "\(label)")
            }
            #expect(String(buffer: cases[0].1.body).contains("Line 2"))
            #expect(try hub.dossierCount() == 0)
            // Without a token: 401, as for every device route.
            #expect(try await client.json(.post, "/v1/dossiers", body: WireProtocol.batchBody([good]),
                                          contentType: WireProtocol.dossierBatchMediaType).status == .unauthorized)
        }
    }
}
