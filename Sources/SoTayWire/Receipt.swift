import Crypto
import Foundation

/// The hub's signed statement that it received one revision of a dossier, and when.
///
/// The volunteer keeps it on the laptop and can show the resident the time the commune
/// received the dossier; the signature lets anyone holding the hub's public key check it.
public struct Receipt: Codable, Sendable, Hashable {
    public var dossierId: String
    public var revision: Int
    public var volunteerId: String
    /// SHA-256 (hex) of the exact request body the hub stored.
    public var contentSHA256: String
    /// When the hub stored the revision, as the exact text that was signed (ISO 8601, UTC, ms).
    public var receivedAt: String
    /// The first 16 hex digits of SHA-256 of the hub's public key.
    public var hubKeyId: String
    /// Ed25519 signature (base64) over `signedMessage`.
    public var signature: String

    public init(dossierId: String, revision: Int, volunteerId: String, contentSHA256: String, receivedAt: String, hubKeyId: String, signature: String) {
        self.dossierId = dossierId
        self.revision = revision
        self.volunteerId = volunteerId
        self.contentSHA256 = contentSHA256
        self.receivedAt = receivedAt
        self.hubKeyId = hubKeyId
        self.signature = signature
    }

    /// The exact bytes that are signed: one field per line, in a fixed order.
    public var signedMessage: Data {
        Data([
            "sotay-receipt/1", dossierId, String(revision), volunteerId, contentSHA256, receivedAt, hubKeyId,
        ].joined(separator: "\n").utf8)
    }

    /// Whether the signature is the hub's (`publicKey`, base64 raw Ed25519).
    public func isSigned(by publicKey: String) -> Bool {
        guard let keyData = Data(base64Encoded: publicKey),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData),
              let signatureData = Data(base64Encoded: signature),
              Receipt.keyID(of: keyData) == hubKeyId
        else { return false }
        return key.isValidSignature(signatureData, for: signedMessage)
    }

    /// `receivedAt` as a date, for showing it.
    public var receivedDate: Date? { WireDate.date(receivedAt) }

    public static func keyID(of publicKey: Data) -> String {
        String(Hashes.sha256Hex(publicKey).prefix(16))
    }
}

public enum Hashes {
    public static func sha256Hex(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Lowercase hex, two digits a byte. Written out by hand: `String(format: "%02x")` a byte
    /// went through Foundation's formatter and was a tenth of the hub's CPU under ingest (every
    /// request hashes its token and its body).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
