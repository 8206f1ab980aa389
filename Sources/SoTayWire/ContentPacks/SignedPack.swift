import Crypto
import Foundation

/// A signed content pack (`sync/PROTOCOL.md`, "Content packs"): the `content/` folder as one
/// JSON file. The manifest is carried as the exact bytes that were signed (base64), so a
/// verifier in any language checks the signature over
/// `"sotay-content-pack/1\n" + manifest bytes` without re-encoding anything, then the SHA-256
/// of every file against the manifest.
public struct SignedPack: Codable, Sendable, Hashable {
    public static let format = "sotay-content-pack/1"
    /// Largest pack a laptop downloads or a hub publishes.
    public static let maxSize = 64 << 20

    public var format: String
    /// The manifest's JSON bytes, base64: what the signatures cover.
    public var manifest: String
    public var signatures: [PackSignature]
    /// Root rotations the verifier may not have seen yet, oldest first (each signed by the one before).
    public var roots: [SignedRoot]?
    /// Every file's bytes (base64) by path relative to the content folder.
    public var files: [String: String]

    public init(format: String = SignedPack.format, manifest: String, signatures: [PackSignature], roots: [SignedRoot]? = nil, files: [String: String]) {
        self.format = format
        self.manifest = manifest
        self.signatures = signatures
        self.roots = roots
        self.files = files
    }

    /// The bytes one signature covers.
    public static func signedMessage(manifest: Data) -> Data {
        Data((format + "\n").utf8) + manifest
    }

    /// Builds and signs a pack from the files of a content folder.
    public static func build(files: [(path: String, data: Data)], packId: String, version: Int, createdAt: Date, expiresAt: Date, publisher: String,
                             key: ContentSigningKey, roots: [SignedRoot]? = nil) throws -> Data {
        let entries = files.sorted { $0.path < $1.path }.map {
            PackManifest.Entry(path: $0.path, sha256: Hashes.sha256Hex($0.data), size: $0.data.count)
        }
        let manifest = PackManifest(format: format, packId: packId, version: version, createdAt: WireDate.string(createdAt),
                                    expiresAt: WireDate.string(expiresAt), publisher: publisher, files: entries)
        let manifestBytes = try WireProtocol.encoder().encode(manifest)
        let signature = try key.privateKey.signature(for: signedMessage(manifest: manifestBytes))
        let pack = SignedPack(manifest: manifestBytes.base64EncodedString(),
                              signatures: [PackSignature(keyId: key.keyId, signature: signature.base64EncodedString())],
                              roots: roots, files: Dictionary(files.map { ($0.path, $0.data.base64EncodedString()) }, uniquingKeysWith: { first, _ in first }))
        return try WireProtocol.encoder().encode(pack)
    }
}

/// What the signatures of a pack cover.
public struct PackManifest: Codable, Sendable, Hashable {
    public struct Entry: Codable, Sendable, Hashable {
        public var path: String
        public var sha256: String
        public var size: Int
    }

    public var format: String
    /// `pack.yaml`'s id: a laptop only takes packs of the library it has.
    public var packId: String
    /// Only goes up: a laptop refuses a pack whose version is not above every one it has taken.
    public var version: Int
    public var createdAt: String
    /// After this, the pack is still used, with a warning on every command.
    public var expiresAt: String
    /// Who made it, as they call themselves (shown by `sotay content status`).
    public var publisher: String
    public var files: [Entry]
}

public struct PackSignature: Codable, Sendable, Hashable {
    /// The first 16 hex digits of SHA-256 of the raw public key.
    public var keyId: String
    /// Ed25519, base64.
    public var signature: String

    public init(keyId: String, signature: String) {
        self.keyId = keyId
        self.signature = signature
    }
}

/// The project's root of trust: the keys allowed to sign packs for every laptop. Version 1 is
/// pinned in the binary; a new version is taken only when a key of the version before and a
/// key of its own sign it (rotation).
public struct ContentRoot: Codable, Sendable, Hashable {
    public static let format = "sotay-content-root/1"
    public var format: String
    public var version: Int
    /// Raw Ed25519 public keys, base64.
    public var keys: [String]

    public init(version: Int, keys: [String]) {
        self.format = Self.format
        self.version = version
        self.keys = keys
    }

    public var keyIds: [String: String] {
        Dictionary(keys.compactMap { key in Data(base64Encoded: key).map { (Receipt.keyID(of: $0), key) } }, uniquingKeysWith: { first, _ in first })
    }

    /// The pinned root of this binary: the project's content key. Its private key is kept
    /// offline by the maintainers (README, "Content packs").
    public static let pinned = ContentRoot(version: 1, keys: ["ljUWHn2CNze294KEIYgYmQDoD5MIfJQBvRew9zM+/u8="])
}

/// A root, as signed bytes and signatures.
public struct SignedRoot: Codable, Sendable, Hashable {
    /// The root's JSON bytes, base64.
    public var root: String
    public var signatures: [PackSignature]

    public init(root: String, signatures: [PackSignature]) {
        self.root = root
        self.signatures = signatures
    }

    public static func signedMessage(root: Data) -> Data {
        Data((ContentRoot.format + "\n").utf8) + root
    }

    /// A new root signed by the old root's key and by a key of its own.
    public static func rotate(to root: ContentRoot, oldKey: ContentSigningKey, newKey: ContentSigningKey) throws -> SignedRoot {
        let bytes = try WireProtocol.encoder().encode(root)
        let message = signedMessage(root: bytes)
        let signatures = try [oldKey, newKey].map {
            PackSignature(keyId: $0.keyId, signature: try $0.privateKey.signature(for: message).base64EncodedString())
        }
        return SignedRoot(root: bytes.base64EncodedString(), signatures: signatures)
    }
}

extension Receipt {
    /// Whether one of `signatures` is a valid Ed25519 signature of `message` by one of `keys` (id → base64 key).
    static func anyValid(_ signatures: [PackSignature], _ message: Data, keys: [String: String]) -> String? {
        for signature in signatures {
            guard let key = keys[signature.keyId], let raw = Data(base64Encoded: key),
                  let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
                  let bytes = Data(base64Encoded: signature.signature),
                  publicKey.isValidSignature(bytes, for: message)
            else { continue }
            return signature.keyId
        }
        return nil
    }
}

/// A pack the hub offers (`GET /v1/content`, and the change feed's `content` entries).
public struct ContentAnnouncement: Codable, Sendable, Hashable {
    public var version: Int
    public var size: Int
    public var sha256: String

    public init(version: Int, size: Int, sha256: String) {
        self.version = version
        self.size = size
        self.sha256 = sha256
    }
}

/// `GET /v1/content`: the newest pack the hub offers, if any.
public struct ContentOffer: Codable, Sendable, Hashable {
    public var pack: ContentAnnouncement?

    public init(pack: ContentAnnouncement?) {
        self.pack = pack
    }
}
