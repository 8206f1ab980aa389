import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import SoTayHub
import SoTayWire
import Testing

@Suite("Hub: content packs on offer")
struct HubContentPackTests {
    static func pack(version: Int, key: ContentSigningKey) throws -> Data {
        try SignedPack.build(files: [("pack.yaml", Data("id: thu\nversion: \"1\"\ntitle: Thử\n".utf8))], packId: "thu", version: version,
                             createdAt: Date(), expiresAt: Date().addingTimeInterval(86400), publisher: "Xã Thử", key: key)
    }

    @Test("A published pack is announced only to laptops that ask with content=1, and served whole or from an offset")
    func offerAndRanges() async throws {
        let hub = try HubFixture()
        let lan = try hub.code(for: try hub.volunteer())
        let data = try Self.pack(version: 7, key: hub.store.contentPublisherKey)
        try hub.store.publishContentPack(data)
        // The same version again, an older one, and a stranger's key are refused: nothing more on offer.
        #expect(throws: ContentPublishError.self) { try hub.store.publishContentPack(data) }
        #expect(throws: ContentPublishError.self) { try hub.store.publishContentPack(try Self.pack(version: 6, key: hub.store.contentPublisherKey)) }
        #expect(throws: ContentPublishError.self) { try hub.store.publishContentPack(try Self.pack(version: 8, key: .generate())) }
        #expect(hub.store.contentPacks().map(\.version) == [7])

        try await hub.app().test(.router) { client in
            let device = try await client.enroll(lan)
            let old = try await client.json(.get, "/v1/changes?since=0", token: device.token).decode(ChangesPage.self)
            #expect(old.changes.isEmpty)
            let new = try await client.json(.get, "/v1/changes?since=0&content=1", token: device.token).decode(ChangesPage.self)
            #expect(new.changes.map(\.kind) == [.content])
            #expect(new.changes.first?.content == ContentAnnouncement(version: 7, size: data.count, sha256: Hashes.sha256Hex(data)))
            let offer = try await client.json(.get, "/v1/content", token: device.token).decode(ContentOffer.self)
            #expect(offer.pack?.version == 7)

            #expect(try await client.json(.get, "/v1/content/packs/7").status == .unauthorized)
            let whole = try await client.json(.get, "/v1/content/packs/7", token: device.token)
            #expect(whole.status == .ok)
            #expect(Data(whole.body.readableBytesView) == data)
            var headers: HTTPFields = [.authorization: "Bearer \(device.token)", .range: "bytes=10-"]
            let tail = try await client.execute(uri: "/v1/content/packs/7", method: .get, headers: headers, body: nil)
            #expect(tail.status == .partialContent)
            #expect(tail.headers[.contentRange] == "bytes 10-\(data.count - 1)/\(data.count)")
            #expect(Data(tail.body.readableBytesView) == data.dropFirst(10))
            headers[.range] = "bytes=\(data.count)-"
            let past = try await client.execute(uri: "/v1/content/packs/7", method: .get, headers: headers, body: nil)
            #expect(past.status == .rangeNotSatisfiable)
            #expect(past.headers[.contentRange] == "bytes */\(data.count)")
            #expect(try await client.json(.get, "/v1/content/packs/8", token: device.token).status == .notFound)
        }
    }
}
