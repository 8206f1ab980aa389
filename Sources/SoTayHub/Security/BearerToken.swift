import Crypto
import Foundation
import SoTayWire

/// Who a bearer token belongs to, read from its public part.
///
/// A token is `sotay_ID.SECRET`: the id names the row (a device `dev-…`, an officer `off-…`,
/// an admin `adm-…`, a province reader `prv-…`), the secret is 256 random bits. The hub finds the row by the id and
/// compares the SHA-256 of the whole token with the stored hash in constant time, so a
/// guess is never compared byte by byte against anything an attacker chose.
/// Device tokens issued before version 4 (`sotay_SECRET`, no id) still work: they are found
/// by their hash, which an attacker cannot steer, and compared the same way.
public struct BearerToken: Sendable, Hashable {
    enum Kind: String, Sendable, CaseIterable {
        case device = "dev"
        case officer = "off"
        case admin = "adm"
        case province = "prv"
    }

    /// The kind of token a staff role holds.
    static func kind(of role: HubRole) -> Kind {
        switch role {
        case .device: .device
        case .officer: .officer
        case .admin: .admin
        case .province: .province
        }
    }

    /// The role a staff token's kind stands for.
    static func role(of kind: Kind) -> HubRole {
        switch kind {
        case .device: .device
        case .officer: .officer
        case .admin: .admin
        case .province: .province
        }
    }

    /// The whole token as the client sends it.
    let text: String
    /// The public id, or nil for a device token issued before version 4.
    let id: String?

    static let prefix = "sotay_"
    /// The longest token the hub reads; anything longer is refused without hashing.
    static let maxLength = 200

    /// Reads `Authorization: Bearer …`; nil when there is no well-formed token.
    init?(authorization header: String?) {
        guard let header, header.count <= Self.maxLength + 7, header.lowercased().hasPrefix("bearer ") else { return nil }
        self.init(String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
    }

    init?(_ text: String) {
        guard text.hasPrefix(Self.prefix), text.count <= Self.maxLength,
              text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        let body = text.dropFirst(Self.prefix.count)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where !body.isEmpty:
            id = nil
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty:
            id = String(parts[0])
        default:
            return nil
        }
        self.text = text
    }

    /// What kind of holder the id names; nil for an id of no known kind.
    var kind: Kind? {
        guard let id else { return .device }
        return Kind.allCases.first { id.hasPrefix($0.rawValue + "-") }
    }

    /// The SHA-256 of the whole token, as the hub stores it (lowercase hex).
    var hash: String { Secrets.hash(text) }

    /// Whether this token hashes to `storedHash`, compared in constant time.
    func matches(storedHash: String) -> Bool {
        constantTimeEquals(Array(hash.utf8), Array(storedHash.utf8))
    }

    /// A new token for the holder `id`.
    static func make(id: String) -> String {
        let key = SymmetricKey(size: .bits256)
        let secret = key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + id + "." + secret
    }

    /// A short public id such as `off-k7pxm3qa`.
    static func newID(_ kind: Kind) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Secrets.codeAlphabet
        return kind.rawValue + "-" + String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }).lowercased()
    }
}
