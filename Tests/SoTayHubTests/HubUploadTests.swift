import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import SoTayHub
import SoTayWire
import Testing

/// tus requests as a client makes them.
extension TestClientProtocol {
    func tus(_ method: HTTPRequest.Method, _ uri: String, token: String?, headers extra: [String: String] = [:], body: Data? = nil,
             version: String? = WireProtocol.tusVersion) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let version { headers[TusRoutes.Header.resumable] = version }
        for (name, value) in extra {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    /// Creates an upload for `data` and returns its path.
    func createUpload(for data: Data, token: String, sha256: String? = nil) async throws -> String {
        let hash = sha256 ?? Hashes.sha256Hex(data)
        let response = try await tus(.post, "/v1/uploads", token: token, headers: [
            "Upload-Length": String(data.count), "Upload-Metadata": "sha256 \(Data(hash.utf8).base64EncodedString())",
        ])
        guard response.status == .created, let location = response.headers[.location] else {
            throw FixtureError.unexpected(response.status.code, String(buffer: response.body))
        }
        return location
    }

    func patch(_ path: String, offset: Int, bytes: Data, token: String, extra: [String: String] = [:]) async throws -> TestResponse {
        try await tus(.patch, path, token: token, headers: ["Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset)].merging(extra) { $1 },
                      body: bytes)
    }
}

@Suite("Hub: tus uploads and blobs")
struct HubUploadTests {
    static func bytes(_ count: Int) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    }

    @Test("OPTIONS tells the version, extensions, size limit and checksum algorithms, without a token")
    func options() async throws {
        let hub = try HubFixture()
        try await hub.app().test(.router) { client in
            let response = try await client.tus(.options, "/v1/uploads", token: nil, version: nil)
            #expect(response.status == .noContent)
            #expect(response.headers[TusRoutes.Header.version] == "1.0.0")
            #expect(response.headers[TusRoutes.Header.resumable] == "1.0.0")
            #expect(response.headers[TusRoutes.Header.extensionList] == "creation,expiration,checksum,termination")
            #expect(response.headers[TusRoutes.Header.maxSize] == String(WireProtocol.maxBlobSize))
            #expect(response.headers[TusRoutes.Header.checksumAlgorithm] == "sha1,sha256")
        }
    }

    @Test("Creation refuses a missing Tus-Resumable, a missing hash, a size over the limit and a file name that is a path")
    func creationRefusals() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            let hash = Data(Hashes.sha256Hex(Self.bytes(10)).utf8).base64EncodedString()
            let noVersion = try await client.tus(.post, "/v1/uploads", token: token, headers: ["Upload-Length": "10", "Upload-Metadata": "sha256 \(hash)"], version: nil)
            #expect(noVersion.status.code == 412)
            #expect(noVersion.headers[TusRoutes.Header.version] == "1.0.0")
            let noHash = try await client.tus(.post, "/v1/uploads", token: token, headers: ["Upload-Length": "10"])
            #expect(noHash.status == .badRequest)
            let tooLarge = try await client.tus(.post, "/v1/uploads", token: token, headers: ["Upload-Length": String(WireProtocol.maxBlobSize + 1), "Upload-Metadata": "sha256 \(hash)"])
            #expect(tooLarge.status.code == 413)
            let traversal = try await client.tus(.post, "/v1/uploads", token: token, headers: [
                "Upload-Length": "10", "Upload-Metadata": "sha256 \(hash),filename \(Data("../../hub.sqlite".utf8).base64EncodedString())",
            ])
            #expect(traversal.status == .badRequest)
            #expect(traversal.errorCode == .invalidField)
            let noToken = try await client.tus(.post, "/v1/uploads", token: nil, headers: ["Upload-Length": "10", "Upload-Metadata": "sha256 \(hash)"])
            #expect(noToken.status == .unauthorized)
        }
        #expect(try await hub.store.openUploads().isEmpty)
    }

    @Test("Chunks append at the recorded offset; a wrong offset, type or checksum changes nothing; the whole blob is verified and stored once")
    func chunks() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        let data = Self.bytes(300_000)
        let sha256 = Hashes.sha256Hex(data)
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            let path = try await client.createUpload(for: data, token: token)
            #expect(path.hasPrefix("/v1/uploads/"))

            let first = try await client.patch(path, offset: 0, bytes: data.prefix(100_000), token: token)
            #expect(first.status == .noContent)
            #expect(first.headers[TusRoutes.Header.uploadOffset] == "100000")
            #expect(first.headers[TusRoutes.Header.uploadExpires]?.hasSuffix(" GMT") == true)

            let wrongOffset = try await client.patch(path, offset: 0, bytes: data.prefix(10), token: token)
            #expect(wrongOffset.status == .conflict)
            #expect(wrongOffset.errorCode == .offsetMismatch)
            let wrongType = try await client.tus(.patch, path, token: token, headers: ["Content-Type": "application/json", "Upload-Offset": "100000"], body: data)
            #expect(wrongType.status.code == 415)
            let chunk = data[100_000..<200_000]
            let badSum = try await client.patch(path, offset: 100_000, bytes: chunk, token: token,
                                                extra: ["Upload-Checksum": "sha256 \(Data(SHA256.hash(data: Data("other".utf8))).base64EncodedString())"])
            #expect(badSum.status.code == 460)
            let unknownAlgorithm = try await client.patch(path, offset: 100_000, bytes: chunk, token: token, extra: ["Upload-Checksum": "md5 AAAA"])
            #expect(unknownAlgorithm.errorCode == .unsupportedChecksum)

            let head = try await client.tus(.head, path, token: token)
            #expect(head.status == .ok)
            #expect(head.headers[TusRoutes.Header.uploadOffset] == "100000")
            #expect(head.headers[TusRoutes.Header.uploadLength] == "300000")

            let goodSum = try await client.patch(path, offset: 100_000, bytes: chunk, token: token,
                                                 extra: ["Upload-Checksum": "sha1 \(Data(Insecure.SHA1.hash(data: chunk)).base64EncodedString())"])
            #expect(goodSum.headers[TusRoutes.Header.uploadOffset] == "200000")
            let last = try await client.patch(path, offset: 200_000, bytes: data[200_000...], token: token)
            #expect(last.headers[TusRoutes.Header.uploadOffset] == "300000")

            let query = try await client.json(.post, "/v1/blobs/query", token: token,
                                              body: try WireProtocol.encoder().encode(BlobQuery(sha256: [sha256, String(repeating: "0", count: 64)])))
            #expect(try query.decode(BlobQueryReply.self).missing == [String(repeating: "0", count: 64)])
        }
        #expect(try hub.store.blobData(sha256: sha256) == data)
        #expect(try Data(contentsOf: hub.store.blobURL(sha256: sha256)) != data, "the stored file is sealed")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: hub.store.uploadsFolder.path)) == [])
    }

    @Test("A blob that does not hash to what was announced is discarded, and its upload is gone")
    func wrongWholeHash() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        let data = Self.bytes(50_000)
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            let path = try await client.createUpload(for: data, token: token, sha256: String(repeating: "ab", count: 32))
            let response = try await client.patch(path, offset: 0, bytes: data, token: token)
            #expect(response.status.code == 460)
            #expect(response.errorCode == .checksumMismatch)
            #expect(try await client.tus(.head, path, token: token).status == .gone)
        }
        #expect(!FileManager.default.fileExists(atPath: hub.store.blobURL(sha256: Hashes.sha256Hex(data)).path))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: hub.store.uploadsFolder.path)) == [])
    }

    @Test("Another volunteer's device cannot see, write or end an upload, and cannot name the first volunteer's blobs")
    func ownership() async throws {
        let hub = try HubFixture()
        let first = try hub.code(for: try hub.volunteer("Lan"))
        let second = try hub.code(for: try hub.volunteer("Hùng"))
        let data = Self.bytes(1000)
        try await hub.app().test(.router) { client in
            let owner = try await client.enroll(first).token
            let other = try await client.enroll(second).token
            let path = try await client.createUpload(for: data, token: owner)
            #expect(try await client.tus(.head, path, token: other).status == .notFound)
            #expect(try await client.patch(path, offset: 0, bytes: data, token: other).status == .notFound)
            #expect(try await client.tus(.delete, path, token: other).status == .notFound)
            #expect(try await client.patch(path, offset: 0, bytes: data, token: owner).status == .noContent)

            var upload = DossierUpload.sample()
            upload.attachments = [AttachmentRef(sha256: Hashes.sha256Hex(data), size: 1000, mediaType: "image/jpeg", document: "giay_chung_sinh")]
            let refused = try await client.put(upload, token: other)
            #expect(refused.status.code == 422)
            #expect(try refused.decode(ErrorBody.self).missing == [Hashes.sha256Hex(data)])
            #expect(try await client.put(upload, token: owner).status == .created)
        }
        #expect(try hub.dossierCount() == 1)
    }

    @Test("A dossier naming blobs the hub lacks is refused with the list, and accepted once they are uploaded")
    func missingBlobs() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        let photos = [Self.bytes(2000), Self.bytes(3000)]
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            var upload = DossierUpload.sample()
            upload.attachments = photos.map { AttachmentRef(sha256: Hashes.sha256Hex($0), size: Int64($0.count), mediaType: "image/png", document: nil) }
            let refused = try await client.put(upload, token: token)
            #expect(refused.status.code == 422)
            #expect(refused.errorCode == .missingBlobs)
            #expect(try refused.decode(ErrorBody.self).missing == photos.map(Hashes.sha256Hex))
            let path = try await client.createUpload(for: photos[0], token: token)
            _ = try await client.patch(path, offset: 0, bytes: photos[0], token: token)
            #expect(try await client.put(upload, token: token).decode(ErrorBody.self).missing == [Hashes.sha256Hex(photos[1])])
            let second = try await client.createUpload(for: photos[1], token: token)
            _ = try await client.patch(second, offset: 0, bytes: photos[1], token: token)
            #expect(try await client.put(upload, token: token).status == .created)
        }
        #expect(try hub.revisionCount() == 1)
    }

    @Test("Unfinished uploads expire: the sweep removes their rows and part files, and the client is told to start again")
    func expiry() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        let data = Self.bytes(10_000)
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            let path = try await client.createUpload(for: data, token: token)
            _ = try await client.patch(path, offset: 0, bytes: data.prefix(4000), token: token)
            let id = String(path.split(separator: "/").last ?? "")
            #expect(FileManager.default.fileExists(atPath: hub.store.partURL(id).path))
            #expect(try await hub.store.sweepExpiredUploads(now: Date()) == 0)
            #expect(try await hub.store.sweepExpiredUploads(now: Date().addingTimeInterval(73 * 3600)) == 1)
            #expect(!FileManager.default.fileExists(atPath: hub.store.partURL(id).path))
            #expect(try await client.tus(.head, path, token: token).status == .notFound)
        }
    }

    @Test("Termination ends an upload and removes its bytes")
    func termination() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        let data = Self.bytes(10_000)
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            let path = try await client.createUpload(for: data, token: token)
            _ = try await client.patch(path, offset: 0, bytes: data.prefix(4000), token: token)
            #expect(try await client.tus(.delete, path, token: token).status == .noContent)
            #expect(try await client.tus(.head, path, token: token).status == .notFound)
        }
        #expect((try? FileManager.default.contentsOfDirectory(atPath: hub.store.uploadsFolder.path)) == [])
    }

    @Test("The blob query refuses hashes that are not hashes, and more than 1000 at once")
    func queryRefusals() async throws {
        let hub = try HubFixture()
        let code = try hub.code(for: try hub.volunteer())
        try await hub.app().test(.router) { client in
            let token = try await client.enroll(code).token
            let bad = try await client.json(.post, "/v1/blobs/query", token: token, body: Data(#"{"sha256":["../../etc/passwd"]}"#.utf8))
            #expect(bad.status == .badRequest)
            let many = BlobQuery(sha256: Array(repeating: String(repeating: "a", count: 64), count: 1001))
            #expect(try await client.json(.post, "/v1/blobs/query", token: token, body: try WireProtocol.encoder().encode(many)).status == .badRequest)
        }
    }
}
