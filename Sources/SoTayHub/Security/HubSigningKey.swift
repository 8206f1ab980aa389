import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SoTayWire

/// The hub's Ed25519 key: made at first start, kept beside the database (0600), signs receipts.
public struct HubSigningKey: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey
    /// Raw public key, base64: what `/v1/health` and enrolment hand out.
    public let publicKey: String
    public let keyID: String

    init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        let raw = privateKey.publicKey.rawRepresentation
        self.publicKey = raw.base64EncodedString()
        self.keyID = Receipt.keyID(of: raw)
    }

    /// Reads the key in `directory`, or makes it if there is none. Two processes starting at
    /// once end up with the same key: the file appears atomically, and the loser reads it.
    static func loadOrCreate(in directory: URL) throws(HubError) -> HubSigningKey {
        let url = directory.appending(path: "hub-signing.key")
        if let key = try read(url) { return key }
        let fresh = Curve25519.Signing.PrivateKey()
        let temporary = directory.appending(path: ".hub-signing.key.\(UUID().uuidString)")
        let contents = Data((fresh.rawRepresentation.base64EncodedString() + "\n").utf8)
        guard FileManager.default.createFile(atPath: temporary.path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            throw .cannotCreateFolder(path: directory.path)
        }
        defer { unlink(temporary.path) }
        if let handle = FileHandle(forWritingAtPath: temporary.path) {
            try? handle.synchronize()
            try? handle.close()
        }
        if link(temporary.path, url.path) != 0 && errno != EEXIST {
            throw .keyUnreadable(path: url.path)
        }
        guard let key = try read(url) else { throw .keyUnreadable(path: url.path) }
        return key
    }

    /// The key at `url`, `nil` when there is no file. Like the data key, a file that group or
    /// others may read is refused before it is read: whoever copied it can sign receipts.
    private static func read(_ url: URL) throws(HubError) -> HubSigningKey? {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw .keyUnreadable(path: url.path)
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .keyUnreadable(path: url.path) }
        guard info.st_mode & 0o077 == 0 else { throw .signingKeyExposed(path: url.path, mode: String(info.st_mode & 0o777, radix: 8)) }
        guard let data = FileManager.default.contents(atPath: url.path),
              let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw .keyUnreadable(path: url.path) }
        return HubSigningKey(privateKey: key)
    }

    /// Signs a receipt for a stored revision.
    func receipt(dossierID: String, revision: Int, volunteerID: String, contentSHA256: String, receivedAt: Date) throws -> Receipt {
        var receipt = Receipt(dossierId: dossierID, revision: revision, volunteerId: volunteerID, contentSHA256: contentSHA256,
                              receivedAt: WireDate.string(receivedAt), hubKeyId: keyID, signature: "")
        receipt.signature = try privateKey.signature(for: receipt.signedMessage).base64EncodedString()
        return receipt
    }
}
