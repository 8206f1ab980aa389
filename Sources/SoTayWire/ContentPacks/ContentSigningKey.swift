import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An Ed25519 key that signs content packs or roots: the maintainers' offline root key
/// (`sotay-hub content keygen`), or the hub's own key. The file holds the raw private key,
/// base64, on one line, readable by its owner only.
public struct ContentSigningKey: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    public init(_ privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// A key from its raw 32 bytes (as the hub's key file holds them, base64).
    public init(rawPrivateKey: Data) throws {
        self.privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
    }

    public static func generate() -> ContentSigningKey {
        ContentSigningKey(Curve25519.Signing.PrivateKey())
    }

    /// Raw public key, base64: what a root lists and laptops trust.
    public var publicKey: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }
    public var keyId: String { Receipt.keyID(of: privateKey.publicKey.rawRepresentation) }

    public enum FileError: Error, Sendable {
        case exists(String)
        case unwritable(String)
        case unreadable(String)
        case exposed(String)
    }

    /// Writes a new key file (mode 0600); never over an existing file.
    public func write(to url: URL) throws(FileError) {
        guard !FileManager.default.fileExists(atPath: url.path) else { throw .exists(url.path) }
        let contents = Data((privateKey.rawRepresentation.base64EncodedString() + "\n").utf8)
        guard FileManager.default.createFile(atPath: url.path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            throw .unwritable(url.path)
        }
    }

    /// Reads a key file; one that group or others may read is refused.
    public static func read(_ url: URL) throws(FileError) -> ContentSigningKey {
        var info = stat()
        guard stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw .unreadable(url.path) }
        guard info.st_mode & 0o077 == 0 else { throw .exposed(url.path) }
        guard let data = FileManager.default.contents(atPath: url.path),
              let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw .unreadable(url.path) }
        return ContentSigningKey(key)
    }
}
