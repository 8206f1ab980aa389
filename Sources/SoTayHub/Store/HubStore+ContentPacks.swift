import Crypto
import Foundation
import GRDB
import SoTayCore
import SoTayWire

/// Why `sotay-hub content publish` published nothing.
public enum ContentPublishError: Error, LocalizedMessage {
    case refused(PackRefusal)
    case unreadable(path: String)
    case cannotStore(path: String)

    public func message(_ language: Language) -> String {
        switch self {
        case .refused(let refusal):
            refusal.message(language) + pick(language, vi: " Không có gì được xuất bản.", en: " Nothing was published.")
        case .unreadable(let path):
            pick(language, vi: "Không đọc được \(path). Không có gì được xuất bản.", en: "Cannot read \(path). Nothing was published.")
        case .cannotStore(let path):
            pick(language, vi: "Không ghi được gói vào \(path) (đĩa đầy hoặc không có quyền ghi). Không có gì được xuất bản.",
                 en: "Cannot write the pack to \(path) (disk full or not writable). Nothing was published.")
        }
    }
}

/// Signed content packs a hub offers its laptops: files `content-packs/VERSION.sotaypack` in
/// the data folder (written whole, then renamed into place). On a province hub that folder is
/// the shared storage every `serve` process reads, as for the blobs (sync/deploy/PROVINCE.md).
public struct ContentShelf: Sendable {
    public let directory: URL
    public let hubKey: HubSigningKey

    public init(dataDirectory: URL, hubKey: HubSigningKey) {
        directory = dataDirectory.appending(path: "content-packs")
        self.hubKey = hubKey
    }

    /// The hub's key as a content publisher: the same Ed25519 key the laptops pinned at
    /// enrolment (receipts sign a different prefix, so neither signature passes for the other).
    public var publisherKey: ContentSigningKey { ContentSigningKey(hubKey.privateKey) }

    /// The packs on offer, newest last.
    public func packs() -> [ContentAnnouncement] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name -> ContentAnnouncement? in
            guard name.hasSuffix(".sotaypack"), let version = Int(name.dropLast(".sotaypack".count)),
                  let data = FileManager.default.contents(atPath: directory.appending(path: name).path)
            else { return nil }
            return ContentAnnouncement(version: version, size: data.count, sha256: Hashes.sha256Hex(data))
        }.sorted { $0.version < $1.version }
    }

    public func url(version: Int) -> URL? {
        let url = directory.appending(path: "\(version).sotaypack")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Checks a signed pack (a key this hub's laptops trust, a version above every pack offered
    /// so far) and puts it on the shelf; the store then announces it, or takes it back with
    /// `withdraw` when it cannot. The content itself was checked by the caller.
    func place(_ data: Data) throws -> (pack: VerifiedPack, announcement: String, file: URL) {
        let verified: VerifiedPack
        do {
            verified = try PackTrust(hubKey: hubKey.publicKey).verify(data, newerThan: packs().last?.version, packId: nil)
        } catch {
            throw ContentPublishError.refused(error)
        }
        let target = directory.appending(path: "\(verified.manifest.version).sotaypack")
        let temporary = directory.appending(path: ".\(verified.manifest.version).\(UUID().uuidString).part")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try data.write(to: temporary, options: .atomic)
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ContentPublishError.cannotStore(path: target.path)
        }
        let announcement = ContentAnnouncement(version: verified.manifest.version, size: data.count, sha256: Hashes.sha256Hex(data))
        do {
            return (verified, String(decoding: try WireProtocol.encoder().encode(announcement), as: UTF8.self), target)
        } catch {
            withdraw(target)
            throw error
        }
    }

    /// A pack that was not announced is not offered either, so a later publish of the same
    /// version works.
    func withdraw(_ file: URL) {
        try? FileManager.default.removeItem(at: file)
    }
}

/// Publishing content packs, on either store: the shelf is the same folder, the announcement
/// goes into the store's change feed (every commune's, on a province hub).
public protocol HubContentRepository: Sendable {
    var contentShelf: ContentShelf { get }
    /// Checks, stores and announces a signed pack; see `ContentShelf.place`.
    @discardableResult
    func publishContentPack(_ data: Data, now: Date) async throws -> VerifiedPack
}

extension HubStore: HubContentRepository {
    public var contentShelf: ContentShelf { ContentShelf(dataDirectory: directory, hubKey: signingKey) }
    public var contentPacksDirectory: URL { contentShelf.directory }
    public var contentPublisherKey: ContentSigningKey { contentShelf.publisherKey }

    /// The packs on offer, newest last.
    public func contentPacks() -> [ContentAnnouncement] { contentShelf.packs() }

    public func contentPackURL(version: Int) -> URL? { contentShelf.url(version: version) }

    @discardableResult
    public func publishContentPack(_ data: Data, now: Date = Date()) throws -> VerifiedPack {
        let shelf = contentShelf
        let placed = try shelf.place(data)
        do {
            try write { db in
                var change = ChangeRecord(seq: nil, volunteerId: nil, kind: .content, dossierId: nil, status: nil, reason: nil,
                                          portalCode: nil, message: placed.announcement, at: now)
                try change.insert(db)
            }
        } catch {
            shelf.withdraw(placed.file)
            throw error
        }
        return placed.pack
    }
}
