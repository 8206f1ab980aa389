import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A list of flat objects as JSON, written the way `printJSON` writes it (pretty, keys sorted,
/// dates in ISO 8601 at whole seconds, UTC), for the listings that print thousands of entries:
/// `JSONEncoder` with sorted keys and its date formatter took most of `sotay drafts --json`.
/// The tests hold the two byte for byte.
struct ListJSON {
    private var bytes: [UInt8] = []
    private var count = 0
    private var fields = 0

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "["))
    }

    /// Starts the next object; its fields follow in the order `JSONEncoder`'s `.sortedKeys`
    /// gives, then `end()`.
    mutating func begin() {
        bytes.append(contentsOf: count == 0 ? "\n  {".utf8 : ",\n  {".utf8)
        count += 1
        fields = 0
    }

    mutating func end() {
        bytes.append(contentsOf: fields == 0 ? "\n\n  }".utf8 : "\n  }".utf8)
    }

    /// A field; a `nil` value is left out, as `Encodable` leaves out a `nil` optional.
    mutating func field(_ key: String, _ value: String?) {
        guard let value else { return }
        name(key)
        appendString(value)
    }

    mutating func field(_ key: String, _ value: Int?) {
        guard let value else { return }
        name(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func field(_ key: String, _ value: Bool?) {
        guard let value else { return }
        name(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func field(_ key: String, _ value: Date?) {
        guard let value else { return }
        name(key)
        appendDate(value)
    }

    private mutating func name(_ key: String) {
        bytes.append(contentsOf: fields == 0 ? "\n    ".utf8 : ",\n    ".utf8)
        fields += 1
        appendString(key)
        bytes.append(contentsOf: " : ".utf8)
    }

    /// The whole list, with the newline `Output.line` ends it with.
    consuming func finished() -> Data {
        bytes.append(contentsOf: count == 0 ? "\n\n]\n".utf8 : "\n]\n".utf8)
        return Data(bytes)
    }

    private mutating func appendString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Names, ids and dates need no escaping: copied whole. Scanned as contiguous bytes: walking
        // the String's UTF-8 view was the largest part of printing ten thousand drafts.
        var text = text
        let plain = text.withUTF8 { buffer in
            guard !buffer.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            bytes.append(contentsOf: buffer)
            return true
        }
        guard !plain else {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `2026-11-20T03:04:05Z`: the second the date falls in, in UTC.
    private mutating func appendDate(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        bytes.append(UInt8(ascii: "\""))
        digits(Int(parts.tm_year) + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        bytes.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }

    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = max(value, 0)
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
