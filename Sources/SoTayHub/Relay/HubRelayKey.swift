import Crypto
import Foundation
import SoTayWire

/// The hub's relay key (X25519): what a laptop with no link seals its relay file to.
///
/// Derived from the receipt-signing key with HKDF, so there is no second secret to keep, back up
/// or move to another store: whoever holds `hub-signing.key` holds both. Its public half is
/// handed out at enrolment and on `/v1/health`, signed with the receipt key.
extension HubSigningKey {
    var relayPrivateKey: Curve25519.KeyAgreement.PrivateKey {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: privateKey.rawRepresentation), salt: Data("sotay".utf8),
                                             info: Data("sotay relay key v1".utf8), outputByteCount: 32)
        let raw = derived.withUnsafeBytes { Data($0) }
        // 32 random-looking bytes are always a valid X25519 private key (it is clamped on use).
        return (try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)) ?? Curve25519.KeyAgreement.PrivateKey()
    }

    /// Base64 raw X25519 public key.
    public var relayPublicKey: String { relayPrivateKey.publicKey.rawRepresentation.base64EncodedString() }

    /// The receipt key's signature over the relay key (base64).
    public var relayKeySignature: String {
        ((try? privateKey.signature(for: RelayFile.relayKeyMessage(relayPublicKey))) ?? Data()).base64EncodedString()
    }

    func sign(_ data: Data) throws -> Data { try privateKey.signature(for: data) }
}
