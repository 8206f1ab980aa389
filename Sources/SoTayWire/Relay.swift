import Crypto
import Foundation

/// The USB relay: what a laptop with no link writes for the hub, and what the hub writes back.
/// Layout and rules: sync/PROTOCOL.md, "Relay files".
///
///     "SOTAYRELAY1\n" | header length (UInt32, big-endian) | header (JSON) | body | trailer
///
/// To the hub, the body is sealed with HPKE (X25519, HKDF-SHA256, ChaCha20-Poly1305) to the
/// hub's relay key, the magic and header authenticated with it; there is no trailer. From the
/// hub, the body is AES-GCM under a key derived from the device's token and the export id, and
/// the trailer is the hub's Ed25519 signature over everything before it.
public enum RelayFile {
    public static let magic = Data("SOTAYRELAY1\n".utf8)
    public static let hpkeInfo = Data("sotay relay v1".utf8)
    public static let ciphersuite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly
    /// Large enough for a village's day of photos; a header claiming more is refused.
    public static let maxBody = 2_000_000_000

    public enum Kind: String, Codable, Sendable { case toHub = "to-hub", fromHub = "from-hub" }

    public struct Header: Codable, Sendable, Hashable {
        public var kind: Kind
        /// Made by the laptop for each export; the return file names the same id.
        public var exportId: String
        public var deviceId: String
        /// The hub's signing key id (as in receipts) and relay key id: a file for another hub is refused unopened.
        public var hubKeyId: String
        public var relayKeyId: String
        public var createdAt: String
        /// HPKE encapsulated key (base64), to-hub files only.
        public var encapsulatedKey: String?
        public var bodyLength: Int

        public init(kind: Kind, exportId: String, deviceId: String, hubKeyId: String, relayKeyId: String, createdAt: String,
                    encapsulatedKey: String?, bodyLength: Int) {
            self.kind = kind
            self.exportId = exportId
            self.deviceId = deviceId
            self.hubKeyId = hubKeyId
            self.relayKeyId = relayKeyId
            self.createdAt = createdAt
            self.encapsulatedKey = encapsulatedKey
            self.bodyLength = bodyLength
        }
    }

    public enum Failure: Error, Sendable, Equatable {
        /// Not a relay file at all.
        case notRelay
        /// Shorter (or longer) than its header says: copied half-way.
        case incomplete(expected: Int, actual: Int)
        /// Does not open or its signature fails: changed after it was written, or not for this key.
        case tampered
        /// Made for another hub or another device.
        case otherHub
        case otherDevice
        /// The wrong direction (a return file given to the hub, or the other way round).
        case wrongKind
    }

    /// A file split into its parts, the length checked; nothing opened yet.
    public struct Parsed: Sendable {
        public var header: Header
        /// Magic, length and header: authenticated with the body.
        public var prefix: Data
        public var body: Data
        public var trailer: Data
    }

    static let signatureLength = 64

    public static func parse(_ data: Data) throws(Failure) -> Parsed {
        guard data.count >= magic.count + 4, data.prefix(magic.count) == magic else {
            // A file cut inside the magic is still a half copy if what is there matches.
            if data.count < magic.count + 4, !data.isEmpty, magic.starts(with: data.prefix(magic.count)) {
                throw .incomplete(expected: magic.count + 4, actual: data.count)
            }
            throw .notRelay
        }
        let bytes = [UInt8](data[data.startIndex + magic.count ..< data.startIndex + magic.count + 4])
        let headerLength = bytes.reduce(0) { $0 << 8 | Int($1) }
        let headerStart = magic.count + 4
        guard headerLength > 0, headerLength <= 65_536 else { throw .notRelay }
        guard data.count >= headerStart + headerLength else { throw .incomplete(expected: headerStart + headerLength, actual: data.count) }
        let headerData = data.subdata(in: data.startIndex + headerStart ..< data.startIndex + headerStart + headerLength)
        guard let header = try? WireProtocol.decoder().decode(Header.self, from: headerData),
              header.bodyLength >= 0, header.bodyLength <= maxBody
        else { throw .notRelay }
        let trailerLength = header.kind == .fromHub ? signatureLength : 0
        let expected = headerStart + headerLength + header.bodyLength + trailerLength
        guard data.count == expected else { throw .incomplete(expected: expected, actual: data.count) }
        let bodyStart = headerStart + headerLength
        return Parsed(header: header, prefix: data.prefix(bodyStart),
                      body: data.subdata(in: data.startIndex + bodyStart ..< data.startIndex + bodyStart + header.bodyLength),
                      trailer: data.suffix(trailerLength))
    }

    static func prefix(_ header: Header) throws -> Data {
        let headerData = try WireProtocol.encoder().encode(header)
        let length = UInt32(headerData.count)
        return magic + Data([UInt8(length >> 24 & 0xff), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]) + headerData
    }

    /// Seals `plaintext` to the hub's relay key (base64 raw X25519).
    public static func sealToHub(_ plaintext: Data, relayKey: String, hubKey: String, exportId: String, deviceId: String,
                                 now: Date = Date()) throws -> Data {
        guard let raw = Data(base64Encoded: relayKey), let hubRaw = Data(base64Encoded: hubKey) else { throw Failure.otherHub }
        let key = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw)
        var sender = try HPKE.Sender(recipientKey: key, ciphersuite: ciphersuite, info: hpkeInfo)
        // ChaCha20-Poly1305 adds a 16-byte tag: the length is known before sealing.
        let header = Header(kind: .toHub, exportId: exportId, deviceId: deviceId, hubKeyId: Receipt.keyID(of: hubRaw), relayKeyId: Receipt.keyID(of: raw),
                            createdAt: WireDate.string(now), encapsulatedKey: sender.encapsulatedKey.base64EncodedString(),
                            bodyLength: plaintext.count + 16)
        let prefix = try prefix(header)
        let body = try sender.seal(plaintext, authenticating: prefix)
        guard body.count == header.bodyLength else { throw Failure.tampered }
        return prefix + body
    }

    /// Opens a to-hub file with the hub's relay private key.
    public static func openToHub(_ parsed: Parsed, relayKey: Curve25519.KeyAgreement.PrivateKey, hubKeyId: String) throws(Failure) -> Data {
        guard parsed.header.kind == .toHub else { throw .wrongKind }
        guard parsed.header.relayKeyId == Receipt.keyID(of: relayKey.publicKey.rawRepresentation), parsed.header.hubKeyId == hubKeyId else {
            throw .otherHub
        }
        guard let encapsulated = parsed.header.encapsulatedKey.flatMap({ Data(base64Encoded: $0) }) else { throw .tampered }
        do {
            var recipient = try HPKE.Recipient(privateKey: relayKey, ciphersuite: ciphersuite, info: hpkeInfo, encapsulatedKey: encapsulated)
            return try recipient.open(parsed.body, authenticating: parsed.prefix)
        } catch {
            // On Linux a failed tag is a BoringSSL error, not CryptoKitError: any failure is "changed".
            throw .tampered
        }
    }

    /// The key a return file is sealed with: only the device (and the hub, while it holds the
    /// request) know the token.
    static func returnKey(token: String, exportId: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(token.utf8)), salt: Data(exportId.utf8),
                               info: Data("sotay relay return v1".utf8), outputByteCount: 32)
    }

    /// Seals and signs a return file (the hub's side).
    public static func sealReturn(_ plaintext: Data, token: String, request: Header, sign: (Data) throws -> Data, now: Date = Date()) throws -> Data {
        let sealed = try AES.GCM.seal(plaintext, using: returnKey(token: token, exportId: request.exportId), nonce: AES.GCM.Nonce())
        guard let combined = sealed.combined else { throw Failure.tampered }
        let header = Header(kind: .fromHub, exportId: request.exportId, deviceId: request.deviceId, hubKeyId: request.hubKeyId,
                            relayKeyId: request.relayKeyId, createdAt: WireDate.string(now), encapsulatedKey: nil, bodyLength: combined.count)
        let prefix = try prefix(header)
        // The header is bound by the signature, which covers the body too.
        let signed = prefix + combined
        let signature = try sign(signed)
        guard signature.count == signatureLength else { throw Failure.tampered }
        return signed + signature
    }

    /// Checks the hub's signature and opens a return file (the laptop's side).
    public static func openReturn(_ parsed: Parsed, hubKey: String, token: String, deviceId: String) throws(Failure) -> Data {
        guard parsed.header.kind == .fromHub else { throw .wrongKind }
        guard let raw = Data(base64Encoded: hubKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { throw .otherHub }
        guard parsed.header.hubKeyId == Receipt.keyID(of: raw) else { throw .otherHub }
        guard key.isValidSignature(parsed.trailer, for: parsed.prefix + parsed.body) else { throw .tampered }
        guard parsed.header.deviceId == deviceId else { throw .otherDevice }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: parsed.body), using: returnKey(token: token, exportId: parsed.header.exportId))
        } catch {
            throw .tampered
        }
    }

    /// The hub's relay public key, signed with its receipt key so that a laptop can take it
    /// from `/v1/health` and trust it as much as the key it enrolled with.
    public static func relayKeyMessage(_ relayKey: String) -> Data { Data("sotay-relay-key/1\n\(relayKey)".utf8) }

    public static func isRelayKey(_ relayKey: String, signature: String, signedBy hubKey: String) -> Bool {
        guard let keyData = Data(base64Encoded: hubKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData),
              let signatureData = Data(base64Encoded: signature), let raw = Data(base64Encoded: relayKey), raw.count == 32
        else { return false }
        return key.isValidSignature(signatureData, for: relayKeyMessage(relayKey))
    }
}

/// What a to-hub file carries, after its manifest come the blobs' bytes in the manifest's order:
///     manifest length (UInt32, big-endian) | manifest (JSON) | blob bytes…
public struct RelayBundle: Codable, Sendable {
    public struct Blob: Codable, Sendable, Hashable {
        public var sha256: String
        public var size: Int
        public init(sha256: String, size: Int) { self.sha256 = sha256; self.size = size }
    }

    /// The device's bearer token: authenticates the file as a request's Authorization header does.
    public var token: String
    public var exportId: String
    /// The exact `PUT /v1/dossiers/{id}` bodies, in outbox order.
    public var dossiers: [Data]
    public var activities: [ActivityUpload]
    public var blobs: [Blob]
    /// Where the laptop's change feed stands: the return file carries the changes after it.
    public var cursor: String

    public init(token: String, exportId: String, dossiers: [Data], activities: [ActivityUpload], blobs: [Blob], cursor: String) {
        self.token = token
        self.exportId = exportId
        self.dossiers = dossiers
        self.activities = activities
        self.blobs = blobs
        self.cursor = cursor
    }

    public func encoded(blobBytes: [Data]) throws -> Data {
        let manifest = try WireProtocol.encoder().encode(self)
        let length = UInt32(manifest.count)
        var out = Data([UInt8(length >> 24 & 0xff), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)])
        out.append(manifest)
        for bytes in blobBytes { out.append(bytes) }
        return out
    }

    /// The manifest and each blob's bytes; `nil` when the sizes do not add up.
    public static func decode(_ data: Data) -> (RelayBundle, [Data])? {
        guard data.count >= 4 else { return nil }
        let length = [UInt8](data.prefix(4)).reduce(0) { $0 << 8 | Int($1) }
        guard data.count >= 4 + length,
              let bundle = try? WireProtocol.decoder().decode(RelayBundle.self, from: data.subdata(in: data.startIndex + 4 ..< data.startIndex + 4 + length))
        else { return nil }
        var offset = data.startIndex + 4 + length
        var blobs: [Data] = []
        for blob in bundle.blobs {
            guard blob.size >= 0, offset + blob.size <= data.endIndex else { return nil }
            blobs.append(data.subdata(in: offset ..< offset + blob.size))
            offset += blob.size
        }
        guard offset == data.endIndex else { return nil }
        return (bundle, blobs)
    }
}

/// What a return file carries: the answers a sync would have had.
public struct RelayReturn: Codable, Sendable {
    public struct Refused: Codable, Sendable, Hashable {
        public var dossierId: String
        public var revision: Int
        public var reason: String
        public init(dossierId: String, revision: Int, reason: String) { self.dossierId = dossierId; self.revision = revision; self.reason = reason }
    }

    public var exportId: String
    public var accepted: [DossierAccepted]
    public var refused: [Refused]
    /// Activity ids now on the hub (new or already there), and those refused, with why.
    public var activitiesStored: [String]
    public var activitiesRefused: [Refused]
    /// Blobs the hub now holds for the volunteer.
    public var blobs: [String]
    public var changes: [Change]
    public var cursor: String
    /// What the hub newly stored from this file (nothing, for a file it had seen in effect).
    public var newDossiers: Int
    public var newActivities: Int

    public init(exportId: String, accepted: [DossierAccepted], refused: [Refused], activitiesStored: [String], activitiesRefused: [Refused],
                blobs: [String], changes: [Change], cursor: String, newDossiers: Int, newActivities: Int) {
        self.exportId = exportId
        self.accepted = accepted
        self.refused = refused
        self.activitiesStored = activitiesStored
        self.activitiesRefused = activitiesRefused
        self.blobs = blobs
        self.changes = changes
        self.cursor = cursor
        self.newDossiers = newDossiers
        self.newActivities = newActivities
    }
}
