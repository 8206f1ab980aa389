import Foundation
import SoTayCore

/// Why a content pack was refused. Nothing of a refused pack is used: the laptop keeps the
/// library it had.
public enum PackRefusal: Error, Sendable, Hashable, LocalizedMessage {
    /// Not a pack, or cut short (not valid JSON, a field missing).
    case malformed
    /// Fewer bytes than the hub announced, or other bytes (SHA-256 differs).
    case incomplete(expected: Int, got: Int)
    /// No signature by a key this laptop trusts.
    case unknownSigner(keyIds: [String])
    /// A file's bytes do not match the signed manifest, or a file is missing or extra.
    case tampered(file: String)
    /// Not above the newest version this laptop has taken (a replayed older pack).
    case notNewer(version: Int, have: Int)
    /// A pack of another library (`pack.yaml` id).
    case otherLibrary(id: String, expected: String)
    /// A root rotation not signed by the root before it.
    case badRootRotation(version: Int)

    public func message(_ language: Language) -> String {
        switch self {
        case .malformed:
            pick(language, vi: "Gói thư viện thủ tục bị hỏng hoặc không đầy đủ; không dùng. Vẫn giữ thư viện hiện tại.",
                 en: "The procedure library pack is damaged or incomplete; not used. The current library is kept.")
        case .incomplete(let expected, let got):
            pick(language, vi: "Gói thư viện thủ tục tải về không trọn vẹn (\(got)/\(expected) byte hoặc sai mã băm); không dùng. Vẫn giữ thư viện hiện tại; lần đồng bộ sau sẽ tải lại.",
                 en: "The downloaded procedure library pack is incomplete (\(got)/\(expected) bytes or a wrong hash); not used. The current library is kept; the next sync downloads it again.")
        case .unknownSigner(let keyIds):
            pick(language, vi: "Gói thư viện thủ tục được ký bằng khóa không được tin cậy (\(keyIds.joined(separator: ", "))); không dùng. Vẫn giữ thư viện hiện tại. Báo cho cán bộ xã.",
                 en: "The procedure library pack is signed by a key this laptop does not trust (\(keyIds.joined(separator: ", "))); not used. The current library is kept. Tell the commune staff.")
        case .tampered(let file):
            pick(language, vi: "Gói thư viện thủ tục đã bị sửa sau khi ký (tệp \(file) không khớp chữ ký); không dùng. Vẫn giữ thư viện hiện tại. Báo cho cán bộ xã.",
                 en: "The procedure library pack was changed after it was signed (file \(file) does not match the signature); not used. The current library is kept. Tell the commune staff.")
        case .notNewer(let version, let have):
            pick(language, vi: "Gói thư viện thủ tục phiên bản \(version) cũ hơn hoặc bằng phiên bản máy đã nhận (\(have)); không dùng lại gói cũ. Vẫn giữ thư viện hiện tại.",
                 en: "Procedure library pack version \(version) is not newer than the version this laptop has taken (\(have)); an older pack is never used again. The current library is kept.")
        case .otherLibrary(let id, let expected):
            pick(language, vi: "Gói \"\(id)\" không phải thư viện \"\(expected)\" của máy này; không dùng. Vẫn giữ thư viện hiện tại.",
                 en: "Pack \"\(id)\" is not this laptop's library \"\(expected)\"; not used. The current library is kept.")
        case .badRootRotation(let version):
            pick(language, vi: "Khóa gốc mới (phiên bản \(version)) trong gói không được khóa gốc cũ ký; không dùng. Vẫn giữ thư viện hiện tại.",
                 en: "The new root of trust (version \(version)) in the pack is not signed by the old one; not used. The current library is kept.")
        }
    }
}

/// A pack whose signature, files and version have been checked.
public struct VerifiedPack: Sendable {
    public var manifest: PackManifest
    public var files: [(path: String, data: Data)]
    /// Who signed it: `project` (a root key) or `hub` (the commune hub's key).
    public var signer: Signer
    public var keyId: String
    /// The newest root the pack carried, when it rotated the project's root.
    public var root: SignedRoot?
    public var rootVersion: Int

    public enum Signer: String, Sendable, Codable { case project, hub }

    public func isExpired(now: Date) -> Bool {
        WireDate.date(manifest.expiresAt).map { $0 < now } ?? true
    }
}

/// The keys a laptop trusts: the project's root (pinned, or rotated since) and the hub's key
/// learned at enrolment.
public struct PackTrust: Sendable {
    public var root: ContentRoot
    public var hubKey: String?

    public init(root: ContentRoot = .pinned, hubKey: String?) {
        self.root = root
        self.hubKey = hubKey
    }

    /// Checks `data` as a pack; `newerThan` is the newest version taken before (nil: none).
    public func verify(_ data: Data, newerThan have: Int?, packId expected: String?) throws(PackRefusal) -> VerifiedPack {
        guard let pack = try? WireProtocol.decoder().decode(SignedPack.self, from: data), pack.format == SignedPack.format,
              let manifestBytes = Data(base64Encoded: pack.manifest),
              let manifest = try? WireProtocol.decoder().decode(PackManifest.self, from: manifestBytes), manifest.format == SignedPack.format
        else { throw .malformed }
        // Rotations first: each new root must be signed by the one before and by itself.
        var root = root
        var newestRoot: SignedRoot?
        for signed in pack.roots ?? [] {
            guard let bytes = Data(base64Encoded: signed.root), let next = try? WireProtocol.decoder().decode(ContentRoot.self, from: bytes),
                  next.format == ContentRoot.format
            else { throw .malformed }
            if next.version <= root.version { continue }
            let message = SignedRoot.signedMessage(root: bytes)
            guard next.version == root.version + 1,
                  Receipt.anyValid(signed.signatures, message, keys: root.keyIds) != nil,
                  Receipt.anyValid(signed.signatures, message, keys: next.keyIds) != nil
            else { throw .badRootRotation(version: next.version) }
            root = next
            newestRoot = signed
        }
        let message = SignedPack.signedMessage(manifest: manifestBytes)
        let signer: VerifiedPack.Signer
        let keyId: String
        if let id = Receipt.anyValid(pack.signatures, message, keys: root.keyIds) {
            (signer, keyId) = (.project, id)
        } else if let hubKey, let raw = Data(base64Encoded: hubKey),
                  let id = Receipt.anyValid(pack.signatures, message, keys: [Receipt.keyID(of: raw): hubKey]) {
            (signer, keyId) = (.hub, id)
        } else {
            throw .unknownSigner(keyIds: pack.signatures.map(\.keyId))
        }
        // Every file named, none more, each with its signed hash.
        var files: [(path: String, data: Data)] = []
        guard Set(manifest.files.map(\.path)).count == manifest.files.count else { throw .malformed }
        for entry in manifest.files {
            guard let text = pack.files[entry.path], let bytes = Data(base64Encoded: text),
                  bytes.count == entry.size, Hashes.sha256Hex(bytes) == entry.sha256
            else { throw .tampered(file: entry.path) }
            guard Self.isSafePath(entry.path) else { throw .tampered(file: entry.path) }
            files.append((entry.path, bytes))
        }
        if let extra = Set(pack.files.keys).subtracting(manifest.files.map(\.path)).sorted().first { throw .tampered(file: extra) }
        if let expected, manifest.packId != expected { throw .otherLibrary(id: manifest.packId, expected: expected) }
        if let have, manifest.version <= have { throw .notNewer(version: manifest.version, have: have) }
        return VerifiedPack(manifest: manifest, files: files, signer: signer, keyId: keyId, root: newestRoot, rootVersion: root.version)
    }

    /// A relative path inside the folder: no `..`, no leading `/`.
    static func isSafePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains { $0 == ".." || $0 == "." || $0.isEmpty }
    }
}

/// What changed between two libraries, by procedure file (`procedures/ID.yaml`).
public struct LibraryDiff: Sendable, Hashable {
    public var added: [String]
    public var changed: [String]
    public var removed: [String]
    /// Other files that changed (fees, guides, the catalogue).
    public var otherFiles: [String]

    public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty && otherFiles.isEmpty }

    public init(old: [(path: String, data: Data)], new: [(path: String, data: Data)]) {
        let before = Dictionary(old.map { ($0.path, Hashes.sha256Hex($0.data)) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.path, Hashes.sha256Hex($0.data)) }, uniquingKeysWith: { first, _ in first })
        func procedure(_ path: String) -> String? {
            guard path.hasPrefix("procedures/"), path.hasSuffix(".yaml") else { return nil }
            return String(path.dropFirst("procedures/".count).dropLast(".yaml".count))
        }
        var added: [String] = [], changed: [String] = [], removed: [String] = [], other: [String] = []
        for path in Set(before.keys).union(after.keys).sorted() where before[path] != after[path] {
            guard let id = procedure(path) else { other.append(path); continue }
            if before[path] == nil { added.append(id) } else if after[path] == nil { removed.append(id) } else { changed.append(id) }
        }
        self.added = added
        self.changed = changed
        self.removed = removed
        self.otherFiles = other
    }

    /// "thêm: a, b; sửa: c; bỏ: d".
    public func summary(_ language: Language) -> String {
        var parts: [String] = []
        let vi = language == .vi
        // A whole new library names a dozen procedures at most; `sotay content diff` lists all.
        func names(_ ids: [String]) -> String {
            ids.count <= 12 ? ids.joined(separator: ", ") : ids.prefix(10).joined(separator: ", ") + (vi ? " và \(ids.count - 10) thủ tục khác" : " and \(ids.count - 10) more")
        }
        if !added.isEmpty { parts.append((vi ? "thêm " : "added ") + names(added)) }
        if !changed.isEmpty { parts.append((vi ? "sửa " : "changed ") + names(changed)) }
        if !removed.isEmpty { parts.append((vi ? "bỏ " : "removed ") + names(removed)) }
        if !otherFiles.isEmpty {
            parts.append(otherFiles.count <= 5 ? (vi ? "tệp khác: " : "other files: ") + otherFiles.joined(separator: ", ")
                                               : (vi ? "\(otherFiles.count) tệp khác" : "\(otherFiles.count) other files"))
        }
        return parts.isEmpty ? (vi ? "không có thủ tục nào đổi" : "no procedure changed") : parts.joined(separator: "; ")
    }
}
