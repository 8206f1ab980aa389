import Foundation

/// A minimal ZIP archive writer (PKZIP 2.0, as described in PKWARE's APPNOTE.TXT), enough for an
/// Office Open XML package: an XLSX file is a ZIP of small XML parts. Written here rather than taken
/// from a library because the report module depends only on Foundation, and Foundation on Linux
/// has no ZIP writer.
///
/// Entries are STORED (method 0): the parts are a few kilobytes, and skipping deflate keeps this
/// small and obviously correct. Names are UTF-8 (general purpose flag bit 11) and every entry has
/// the same DOS timestamp, 1980-01-01 00:00, so the same report always gives the same bytes.
///
/// Limits, as there is no ZIP64: fewer than 65,535 entries, and every entry, offset and the whole
/// archive below 4 GiB. A workbook is far below both; going over stops the program rather than
/// writing an archive no reader could open.
struct ZipWriter {
    /// Local headers followed by their data, in the order the entries were added.
    private var body: [UInt8] = []
    /// One central directory header per entry, written after the body by `finish()`.
    private var directory: [UInt8] = []
    private var count = 0

    /// "Version needed to extract": 2.0, the first version with the features used here.
    private static let version: UInt16 = 20
    /// General purpose bit 11: the file name is UTF-8.
    private static let utf8Names: UInt16 = 1 << 11
    private static let stored: UInt16 = 0
    /// MS-DOS time and date of 1980-01-01 00:00: seconds/2, minutes and hours all 0; day 1, month 1, year 1980 + 0.
    private static let dosTime: UInt16 = 0
    private static let dosDate: UInt16 = (0 << 9) | (1 << 5) | 1

    /// Adds a file, stored as is. `path` uses forward slashes and no leading slash (`xl/workbook.xml`).
    mutating func add(path: String, data: [UInt8]) {
        let name = Array(path.utf8)
        precondition(count < Int(UInt16.max), "ZipWriter: too many entries for a ZIP without ZIP64")
        precondition(name.count <= Int(UInt16.max), "ZipWriter: file name too long")
        precondition(body.count + 30 + name.count + data.count < Int(UInt32.max), "ZipWriter: archive too large for a ZIP without ZIP64")
        let crc = CRC32.checksum(data)
        let offset = UInt32(body.count)
        let size = UInt32(data.count)

        // Local file header (APPNOTE 4.3.7).
        body.appendLittleEndian(UInt32(0x0403_4B50))
        body.appendLittleEndian(Self.version)
        body.appendLittleEndian(Self.utf8Names)
        body.appendLittleEndian(Self.stored)
        body.appendLittleEndian(Self.dosTime)
        body.appendLittleEndian(Self.dosDate)
        body.appendLittleEndian(crc)
        body.appendLittleEndian(size)  // compressed size: stored, so the same
        body.appendLittleEndian(size)  // uncompressed size
        body.appendLittleEndian(UInt16(name.count))
        body.appendLittleEndian(UInt16(0))  // extra field length
        body += name
        body += data

        // Central directory file header (APPNOTE 4.3.12).
        directory.appendLittleEndian(UInt32(0x0201_4B50))
        directory.appendLittleEndian(Self.version)  // version made by: 2.0, MS-DOS attributes (host 0)
        directory.appendLittleEndian(Self.version)
        directory.appendLittleEndian(Self.utf8Names)
        directory.appendLittleEndian(Self.stored)
        directory.appendLittleEndian(Self.dosTime)
        directory.appendLittleEndian(Self.dosDate)
        directory.appendLittleEndian(crc)
        directory.appendLittleEndian(size)
        directory.appendLittleEndian(size)
        directory.appendLittleEndian(UInt16(name.count))
        directory.appendLittleEndian(UInt16(0))  // extra field length
        directory.appendLittleEndian(UInt16(0))  // file comment length
        directory.appendLittleEndian(UInt16(0))  // disk number start
        directory.appendLittleEndian(UInt16(0))  // internal file attributes
        directory.appendLittleEndian(UInt32(0))  // external file attributes
        directory.appendLittleEndian(offset)     // relative offset of the local header
        directory += name
        count += 1
    }

    /// The whole archive: the entries, the central directory and the end of central directory record.
    func finish() -> [UInt8] {
        precondition(body.count + directory.count < Int(UInt32.max) - 22, "ZipWriter: archive too large for a ZIP without ZIP64")
        var archive = body + directory
        // End of central directory record (APPNOTE 4.3.16); one disk, numbered 0.
        archive.appendLittleEndian(UInt32(0x0605_4B50))
        archive.appendLittleEndian(UInt16(0))  // number of this disk
        archive.appendLittleEndian(UInt16(0))  // disk where the central directory starts
        archive.appendLittleEndian(UInt16(count))  // entries on this disk
        archive.appendLittleEndian(UInt16(count))  // entries in total
        archive.appendLittleEndian(UInt32(directory.count))
        archive.appendLittleEndian(UInt32(body.count))  // offset of the central directory
        archive.appendLittleEndian(UInt16(0))  // comment length
        return archive
    }
}

/// CRC-32 as ZIP uses it (IEEE 802.3: reflected polynomial 0xEDB88320, initial value and final
/// XOR 0xFFFFFFFF), a byte at a time through a 256-entry table.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { byte in
        var value = UInt32(byte)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1
        }
        return value
    }

    static func checksum(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }
}

extension [UInt8] {
    /// ZIP stores every number little-endian.
    fileprivate mutating func appendLittleEndian<Number: FixedWidthInteger & UnsignedInteger>(_ value: Number) {
        for shift in stride(from: 0, to: Number.bitWidth, by: 8) {
            append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }
}
