import Crypto
import Foundation
import SoTayWire
#if canImport(Glibc)
import Glibc
#endif

/// The hub's data key: 256 random bits in a file of its own (0600), kept apart from the
/// database, that seals the residents' personal data at rest (see `Sealer`).
///
/// The database never holds the key, only `check`, which tells whether a key is the one that
/// sealed it and reveals nothing about the key.
public struct HubSealingKey: Sendable {
    let key: SymmetricKey
    /// The file it was read from.
    public let url: URL

    /// The file name used when no `--key-file` is given: in the data folder, which works at once
    /// but puts the key beside the data it protects (the README says where to move it).
    public static let defaultFileName = "hub-data.key"

    /// HMAC of a fixed text under the key, hex: stored in the database to recognise the key.
    var check: String {
        Data(HMAC<SHA256>.authenticationCode(for: Data("sotay-hub data key check v1".utf8), using: key)).hexString
    }

    /// The first 16 hex digits of `check`: what `sotay-hub key check` prints, to tell keys apart.
    public var fingerprint: String { String(check.prefix(16)) }

    /// Reads the key at `url`; makes it if there is none and `mayCreate` (the database holds
    /// nothing sealed yet). Two processes starting at once end up with the same key: the file
    /// appears atomically, and the loser reads it.
    static func load(at url: URL, mayCreate: Bool) throws(HubSealingError) -> HubSealingKey {
        if let key = try read(url) { return key }
        guard mayCreate else { throw .keyMissing(path: url.path) }
        return try create(at: url)
    }

    /// A new key file at `url`, mode 0600, written whole before it appears under its name.
    /// An existing file is read instead, never replaced.
    static func create(at url: URL) throws(HubSealingError) -> HubSealingKey {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appending(path: ".\(url.lastPathComponent).\(UUID().uuidString)")
        let fresh = SymmetricKey(size: .bits256)
        let contents = Array((fresh.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n").utf8)
        // open(2) with 0600 and O_EXCL: the file is never readable by others, not even for an instant.
        let descriptor = Glibc.open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotCreateKey(path: url.path) }
        defer { unlink(temporary.path) }
        let written = contents.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        _ = Glibc.close(descriptor)
        guard written == contents.count, synced == 0 else { throw .cannotCreateKey(path: url.path) }
        if link(temporary.path, url.path) != 0 && errno != EEXIST {
            throw .cannotCreateKey(path: url.path)
        }
        UploadFile.synchronizeFolder(folder)
        guard let key = try read(url) else { throw .keyUnreadable(path: url.path) }
        return key
    }

    /// The key at `url`, `nil` when there is no file. A file that group or others may read is
    /// refused before it is read: a key that others could have copied protects nothing.
    static func read(_ url: URL) throws(HubSealingError) -> HubSealingKey? {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw .keyUnreadable(path: url.path)
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .keyUnreadable(path: url.path) }
        guard info.st_mode & 0o077 == 0 else { throw .keyExposed(path: url.path, mode: String(info.st_mode & 0o777, radix: 8)) }
        guard let data = FileManager.default.contents(atPath: url.path),
              let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              raw.count == 32
        else { throw .keyUnreadable(path: url.path) }
        return HubSealingKey(key: SymmetricKey(data: raw), url: url)
    }
}

extension Data {
    var hexString: String { Hashes.hex(self) }
}
