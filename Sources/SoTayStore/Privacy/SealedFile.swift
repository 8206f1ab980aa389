import Crypto
import Foundation

/// The format of a sealed blob file: the photo's bytes in segments of 64 KiB, each sealed with
/// AES-GCM under the data key on its own, so that any range can be read (an upload resumed in
/// the middle) without holding the whole photo in memory or opening it all.
///
///     "STB1" | nonce prefix (8 random bytes) | plaintext length (8 bytes, big-endian)
///     segment 0: ciphertext | tag (16) … segment n-1 (the last, possibly shorter)
///
/// Segment i's nonce is the prefix followed by i (4 bytes, big-endian); its associated data
/// names the format, i, the number of segments and the length, so that segments cannot be
/// reordered, dropped, or the file cut short without the tag failing.
enum SealedFile {
    static let magic = Data("STB1".utf8)
    static let headerLength = 20
    static let segmentLength = 64 << 10
    static let tagLength = 16

    static func segmentCount(length: Int64) -> Int {
        length == 0 ? 1 : Int((length + Int64(segmentLength) - 1) / Int64(segmentLength))
    }

    static func header(prefix: Data, length: Int64) -> Data {
        var header = magic + prefix
        withUnsafeBytes(of: UInt64(length).bigEndian) { header.append(contentsOf: $0) }
        return header
    }

    static func nonce(prefix: Data, index: Int) throws -> AES.GCM.Nonce {
        var bytes = prefix
        withUnsafeBytes(of: UInt32(index).bigEndian) { bytes.append(contentsOf: $0) }
        return try AES.GCM.Nonce(data: bytes)
    }

    static func context(index: Int, count: Int, length: Int64) -> Data {
        Data("sotay/blob/v1/\(index)/\(count)/\(length)".utf8)
    }

    static func randomPrefix() -> Data {
        Vault.randomBytes(8)
    }

    /// Seals the segments of a file as they are read, in order.
    struct Writer {
        let vault: Vault
        let length: Int64
        let prefix = SealedFile.randomPrefix()
        private(set) var index = 0

        init(vault: Vault, length: Int64) {
            self.vault = vault
            self.length = length
        }

        var header: Data { SealedFile.header(prefix: prefix, length: length) }

        /// Seals the next segment; every segment but the last is exactly `segmentLength` long.
        mutating func seal(_ segment: Data) throws -> Data {
            let count = SealedFile.segmentCount(length: length)
            let box = try AES.GCM.seal(segment, using: vault.dataKey, nonce: try SealedFile.nonce(prefix: prefix, index: index),
                                       authenticating: SealedFile.context(index: index, count: count, length: length))
            index += 1
            return box.ciphertext + box.tag
        }
    }
}

/// Reads the plain bytes of a stored blob, any range, opening only the segments it needs.
public final class BlobReader: @unchecked Sendable {
    public let length: Int64
    private let handle: FileHandle
    private let vault: Vault
    private let prefix: Data
    private let lock = NSLock()
    private var cached: (index: Int, bytes: Data)?

    init(url: URL, vault: Vault) throws(AttachmentError) {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw .blobMissing }
        self.handle = handle
        self.vault = vault
        guard let header = try? handle.read(upToCount: SealedFile.headerLength), header.count == SealedFile.headerLength,
              header.prefix(4) == SealedFile.magic
        else {
            try? handle.close()
            throw .blobDamaged
        }
        prefix = header.dropFirst(4).prefix(8)
        length = Int64(header.dropFirst(12).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    deinit {
        try? handle.close()
    }

    /// Up to `count` bytes from `offset`; fewer only at the end of the blob.
    public func read(offset: Int64, count: Int) throws(AttachmentError) -> Data {
        guard offset >= 0, count >= 0, offset <= length else { throw .blobDamaged }
        let end = min(length, offset + Int64(count))
        var result = Data(capacity: Int(end - offset))
        var position = offset
        lock.lock()
        defer { lock.unlock() }
        while position < end {
            let index = Int(position / Int64(SealedFile.segmentLength))
            let segment = try openSegment(index)
            let start = Int(position - Int64(index) * Int64(SealedFile.segmentLength))
            let take = min(segment.count - start, Int(end - position))
            guard take > 0 else { throw .blobDamaged }
            result.append(segment[segment.startIndex + start ..< segment.startIndex + start + take])
            position += Int64(take)
        }
        return result
    }

    /// The whole blob (for small files, or to check it).
    public func readAll() throws(AttachmentError) -> Data {
        try read(offset: 0, count: Int(length))
    }

    private func openSegment(_ index: Int) throws(AttachmentError) -> Data {
        if let cached, cached.index == index { return cached.bytes }
        let count = SealedFile.segmentCount(length: length)
        guard index < count else { throw .blobDamaged }
        let plainLength = index == count - 1 ? Int(length - Int64(index) * Int64(SealedFile.segmentLength)) : SealedFile.segmentLength
        let stored = plainLength + SealedFile.tagLength
        do {
            try handle.seek(toOffset: UInt64(SealedFile.headerLength) + UInt64(index) * UInt64(SealedFile.segmentLength + SealedFile.tagLength))
            guard let bytes = try handle.read(upToCount: stored), bytes.count == stored else { throw AttachmentError.blobDamaged }
            let box = try AES.GCM.SealedBox(nonce: try SealedFile.nonce(prefix: prefix, index: index),
                                            ciphertext: bytes.prefix(plainLength), tag: bytes.suffix(SealedFile.tagLength))
            let plain = try AES.GCM.open(box, using: vault.dataKey, authenticating: SealedFile.context(index: index, count: count, length: length))
            cached = (index, plain)
            return plain
        } catch {
            throw .blobDamaged
        }
    }
}
