import Crypto
import Foundation

/// Seals personal values and blob files with AES-256-GCM under keys derived from the hub's
/// data key (HKDF-SHA256: one key for values, one per blob file).
///
/// A value is stored as base64 of `version (1) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`. Its
/// associated data names the table, the column and the row, so a sealed value copied into
/// another row or column fails to open instead of showing another resident's data.
struct Sealer: Sendable {
    static let version: UInt8 = 1
    let valueKey: SymmetricKey
    let blobKey: SymmetricKey
    let dataKey: HubSealingKey

    init(key: HubSealingKey) {
        dataKey = key
        valueKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: key.key, info: Data("sotay-hub values v1".utf8), outputByteCount: 32)
        blobKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: key.key, info: Data("sotay-hub blobs v1".utf8), outputByteCount: 32)
    }

    /// Where a sealed value lives; also what a refusal names (ids only, never the value).
    struct Place: Sendable, CustomStringConvertible {
        let table: String
        let column: String
        let row: String

        var associatedData: Data { Data("sotay-hub/\(Sealer.version)\u{0}\(table)\u{0}\(column)\u{0}\(row)".utf8) }
        var description: String { "\(table).\(column) [\(row)]" }

        static func residentName(dossier: String) -> Place { Place(table: "dossier", column: "residentName", row: dossier) }
        static func revisionBody(dossier: String, revision: Int) -> Place { Place(table: "dossierRevision", column: "body", row: "\(dossier)/\(revision)") }
        static func activityBody(_ id: String) -> Place { Place(table: "activity", column: "body", row: id) }
    }

    func seal(_ text: String, at place: Place) throws(HubSealingError) -> String {
        do {
            let box = try AES.GCM.seal(Data(text.utf8), using: valueKey, nonce: AES.GCM.Nonce(), authenticating: place.associatedData)
            guard let combined = box.combined else { throw HubSealingError.damaged(place.description) }
            return (Data([Self.version]) + combined).base64EncodedString()
        } catch {
            throw .damaged(place.description)
        }
    }

    func open(_ sealed: String, at place: Place) throws(HubSealingError) -> String {
        guard let data = Data(base64Encoded: sealed), data.count >= 1 + 12 + 16, data.first == Self.version,
              let box = try? AES.GCM.SealedBox(combined: data.dropFirst()),
              let plain = try? AES.GCM.open(box, using: valueKey, authenticating: place.associatedData),
              let text = String(data: plain, encoding: .utf8)
        else { throw .damaged(place.description) }
        return text
    }
}

/// A sealed blob file: a header, then the file in 64 KiB segments, each sealed on its own.
///
/// Header: `SOTAYBLB` ‖ version (1) ‖ salt (32). The file's key is HKDF of the blob key with
/// the salt and the blob's SHA-256 name, so each file has its own key and a file renamed to
/// another blob's name does not open. Segment `i` is sealed with the nonce `i` (11 bytes, big
/// endian) ‖ `final` (1 byte: 1 on the last segment, else 0), and the header as associated
/// data. A file cut at a segment boundary lacks its final segment and is refused; segments
/// swapped or repeated have the wrong nonce. Memory stays at two segments, whatever the size.
enum SealedBlob {
    /// Seals a checked blob file into its place `destination` in `blobs/` (written aside, then
    /// renamed, so the name never shows a half-written file) and removes the plaintext. The same
    /// bytes stored before (by any process) are kept as they are, unless `replacing`.
    static func store(_ plaintext: URL, at destination: URL, name: String, sealer: Sealer, replacing: Bool = false) throws {
        let folder = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if FileManager.default.fileExists(atPath: destination.path) && !replacing {
            // Someone uploaded the same bytes before: the stored copy is already verified.
            try FileManager.default.removeItem(at: plaintext)
            return
        }
        let temporary = folder.appending(path: ".\(name).\(UUID().uuidString)")
        do {
            try seal(plaintext, to: temporary, name: name, sealer: sealer)
            guard rename(temporary.path, destination.path) == 0 else { throw HubError.cannotCreateFolder(path: folder.path) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        UploadFile.synchronizeFolder(folder)
        if plaintext != destination { try FileManager.default.removeItem(at: plaintext) }
    }

    static let magic = Data("SOTAYBLB".utf8)
    static let segment = 64 << 10
    static let tag = 16

    /// Seals the file at `source` into `destination`, which must not exist yet.
    static func seal(_ source: URL, to destination: URL, name: String, sealer: Sealer) throws {
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: destination.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw HubError.diskFull
        }
        let output = try FileHandle(forWritingTo: destination)
        defer { try? output.close() }
        var salt = Data(count: 32)
        salt.withUnsafeMutableBytes { bytes in
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        }
        let header = magic + Data([Sealer.version]) + salt
        let key = fileKey(sealer, salt: salt, name: name)
        try output.write(contentsOf: header)
        var current = try input.read(upToCount: segment) ?? Data()
        var index: UInt64 = 0
        while true {
            let next = try input.read(upToCount: segment) ?? Data()
            let box = try AES.GCM.seal(current, using: key, nonce: try nonce(index, final: next.isEmpty), authenticating: header)
            try output.write(contentsOf: box.ciphertext + box.tag)
            if next.isEmpty { break }
            current = next
            index += 1
        }
        try output.synchronize()
    }

    /// Opens the sealed file at `source` and hands its bytes to `sink`, segment by segment.
    /// Anything that does not authenticate stops it with `damaged`; what `sink` got before is
    /// then to be thrown away (see `HubStore.exportBlob`).
    static func open(_ source: URL, name: String, sealer: Sealer, sink: (Data) throws -> Void) throws {
        let what = "blob \(name.prefix(12))"
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        let header = try input.read(upToCount: magic.count + 1 + 32) ?? Data()
        guard header.count == magic.count + 1 + 32, header.prefix(magic.count) == magic, header[header.startIndex + magic.count] == Sealer.version else {
            throw HubSealingError.damaged(what)
        }
        let key = fileKey(sealer, salt: header.suffix(32), name: name)
        let sealedSegment = segment + tag
        var current = try input.read(upToCount: sealedSegment) ?? Data()
        var index: UInt64 = 0
        while true {
            let next = try input.read(upToCount: sealedSegment) ?? Data()
            guard current.count >= tag,
                  let box = try? AES.GCM.SealedBox(nonce: try nonce(index, final: next.isEmpty), ciphertext: current.dropLast(tag), tag: current.suffix(tag)),
                  let plain = try? AES.GCM.open(box, using: key, authenticating: header)
            else { throw HubSealingError.damaged(what) }
            try sink(plain)
            if next.isEmpty { return }
            current = next
            index += 1
        }
    }

    private static func fileKey(_ sealer: Sealer, salt: Data, name: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: sealer.blobKey, salt: salt, info: Data("sotay-hub blob \(name)".utf8), outputByteCount: 32)
    }

    private static func nonce(_ index: UInt64, final: Bool) throws -> AES.GCM.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: index.bigEndian) { bytes.replaceSubrange(3..<11, with: $0) }
        bytes[11] = final ? 1 : 0
        return try AES.GCM.Nonce(data: bytes)
    }
}
