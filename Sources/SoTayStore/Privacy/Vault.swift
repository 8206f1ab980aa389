import Crypto
import CryptoExtras
import Foundation

/// The data key, unwrapped: what seals and opens residents' personal data on this laptop.
///
/// Every personal value is sealed with AES-GCM under one random 256-bit data key. The data key
/// itself is stored only wrapped (sealed) by a key derived from the volunteer's passphrase with
/// scrypt, so changing the passphrase rewraps 32 bytes and re-encrypts nothing. A `Vault` exists
/// only in memory, after the passphrase was given.
public struct Vault: Sendable {
    let dataKey: SymmetricKey

    /// Sealed values start with this byte, so that a later format can be told apart.
    static let formatVersion: UInt8 = 1

    init(dataKey: SymmetricKey) {
        self.dataKey = dataKey
    }

    /// Bytes from the system's CSPRNG: salts and nonce prefixes.
    static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Seals `plaintext`, bound to `context` (the table, column and row it belongs to): a sealed
    /// value copied into another row does not open there.
    func seal(_ plaintext: Data, context: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: dataKey, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw StoreError.unexpected("AES-GCM") }
        return Data([Self.formatVersion]) + combined
    }

    func open(_ sealed: Data, context: String) throws -> Data {
        guard sealed.first == Self.formatVersion else { throw StoreError.sealedValueDamaged }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            return try AES.GCM.open(box, using: dataKey, authenticating: Data(context.utf8))
        } catch {
            throw StoreError.sealedValueDamaged
        }
    }

    func seal(_ text: String, context: String) throws -> Data {
        try seal(Data(text.utf8), context: context)
    }

    func openText(_ sealed: Data, context: String) throws -> String {
        String(decoding: try open(sealed, context: context), as: UTF8.self)
    }
}

/// How a passphrase becomes the key that wraps the data key: scrypt, with its cost kept beside
/// the wrapped key so that a store made on a slow laptop still opens on a fast one.
public struct KeyDerivation: Sendable, Hashable {
    /// log2 of scrypt's N (CPU and memory cost).
    public var logN: Int
    public var r: Int
    public var p: Int
    public var salt: Data

    /// N = 2^17, r = 8, p = 1: 128 MiB and a fraction of a second, OWASP's recommendation for
    /// scrypt. Memory-hard, so guessing passphrases on a graphics card costs what it costs here.
    public static let standardLogN = 17
    /// Below this a passphrase guess is too cheap; the store refuses to make such a key.
    public static let minimumLogN = 14
    public static let maximumLogN = 20

    /// Any cost, unchecked: for the tests and the benchmarks, which make hundreds of stores.
    /// Sổ Tay itself only makes keys with `new(logN:)`.
    public init(logN: Int, r: Int = 8, p: Int = 1, salt: Data = KeyDerivation.randomSalt()) {
        self.logN = logN
        self.r = r
        self.p = p
        self.salt = salt
    }

    public static func randomSalt() -> Data {
        Vault.randomBytes(16)
    }

    /// A new salt and a cost within `minimumLogN...maximumLogN`.
    public static func new(logN: Int = standardLogN) -> KeyDerivation {
        KeyDerivation(logN: min(max(logN, minimumLogN), maximumLogN))
    }

    func key(for passphrase: String) throws -> SymmetricKey {
        // The passphrase as typed, in one Unicode form: "ộ" typed on two keyboards is one letter.
        let normalized = passphrase.precomposedStringWithCanonicalMapping
        do {
            return try KDF.Scrypt.deriveKey(from: Data(normalized.utf8), salt: salt, outputByteCount: 32,
                                            rounds: 1 << logN, blockSize: r, parallelism: p)
        } catch {
            throw StoreError.unexpected("scrypt")
        }
    }
}

/// The wrapped data key and how to unwrap it: one row, `keyring`.
struct KeyringRecord: Sendable {
    var derivation: KeyDerivation
    var wrappedKey: Data
    var createdAt: Date
    var changedAt: Date

    static let wrapContext = "sotay/keyring/v1"

    /// The name a kept key goes by in the kernel's keyring: a hash of the salt and the wrapped
    /// key, so it names this store under this passphrase only, and says nothing of either.
    var sessionName: String {
        "sotay:v1:" + SHA256.hash(data: derivation.salt + wrappedKey).prefix(16).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func make(passphrase: String, derivation: KeyDerivation, dataKey: SymmetricKey, now: Date) throws -> KeyringRecord {
        let wrapping = try derivation.key(for: passphrase)
        let raw = dataKey.withUnsafeBytes { Data($0) }
        let box = try AES.GCM.seal(raw, using: wrapping, authenticating: Data(wrapContext.utf8))
        guard let combined = box.combined else { throw StoreError.unexpected("AES-GCM") }
        return KeyringRecord(derivation: derivation, wrappedKey: combined, createdAt: now, changedAt: now)
    }

    /// The data key, or `wrongPassphrase`: AES-GCM's tag fails for any other passphrase.
    func unwrap(passphrase: String) throws -> Vault {
        try unwrap(wrapping: try derivation.key(for: passphrase))
    }

    /// The data key, or `wrongPassphrase`, from the key scrypt made of the passphrase.
    func unwrap(wrapping: SymmetricKey) throws -> Vault {
        do {
            let box = try AES.GCM.SealedBox(combined: wrappedKey)
            let raw = try AES.GCM.open(box, using: wrapping, authenticating: Data(Self.wrapContext.utf8))
            return Vault(dataKey: SymmetricKey(data: raw))
        } catch {
            throw StoreError.wrongPassphrase
        }
    }
}
