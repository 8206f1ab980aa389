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

/// Signed content packs the hub offers its laptops: files `content-packs/VERSION.sotaypack` in
/// the data folder (written whole, then renamed into place), announced in the change feed.
extension HubStore {
    public var contentPacksDirectory: URL { directory.appending(path: "content-packs") }

    /// The hub's key as a content publisher: the same Ed25519 key the laptops pinned at
    /// enrolment (receipts sign a different prefix, so neither signature passes for the other).
    public var contentPublisherKey: ContentSigningKey { ContentSigningKey(signingKey.privateKey) }

    /// The packs on offer, newest last.
    public func contentPacks() -> [ContentAnnouncement] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: contentPacksDirectory.path)) ?? []
        return names.compactMap { name -> ContentAnnouncement? in
            guard name.hasSuffix(".sotaypack"), let version = Int(name.dropLast(".sotaypack".count)),
                  let data = FileManager.default.contents(atPath: contentPacksDirectory.appending(path: name).path)
            else { return nil }
            return ContentAnnouncement(version: version, size: data.count, sha256: Hashes.sha256Hex(data))
        }.sorted { $0.version < $1.version }
    }

    public func contentPackURL(version: Int) -> URL? {
        let url = contentPacksDirectory.appending(path: "\(version).sotaypack")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Checks a signed pack (a key this hub's laptops trust, a version above every pack offered
    /// so far), stores it and announces it. The content itself was checked by the caller.
    @discardableResult
    public func publishContentPack(_ data: Data, now: Date = Date()) throws -> VerifiedPack {
        let newest = contentPacks().last?.version
        let verified: VerifiedPack
        do {
            verified = try PackTrust(hubKey: signingKey.publicKey).verify(data, newerThan: newest, packId: nil)
        } catch {
            throw ContentPublishError.refused(error)
        }
        let folder = contentPacksDirectory
        let target = folder.appending(path: "\(verified.manifest.version).sotaypack")
        let temporary = folder.appending(path: ".\(verified.manifest.version).\(UUID().uuidString).part")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try data.write(to: temporary, options: .atomic)
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ContentPublishError.cannotStore(path: target.path)
        }
        let announcement = ContentAnnouncement(version: verified.manifest.version, size: data.count, sha256: Hashes.sha256Hex(data))
        let text = String(decoding: try WireProtocol.encoder().encode(announcement), as: UTF8.self)
        do {
            try write { db in
                var change = ChangeRecord(seq: nil, volunteerId: nil, kind: .content, dossierId: nil, status: nil, reason: nil,
                                          portalCode: nil, message: text, at: now)
                try change.insert(db)
            }
        } catch {
            // Not announced: not offered either, so a later publish of the same version works.
            try? FileManager.default.removeItem(at: target)
            throw error
        }
        return verified
    }
}
