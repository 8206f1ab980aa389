import Foundation

/// Finds a key written twice in one JSON object.
///
/// Foundation's readers keep one of the two values silently, while the hub signs a receipt over
/// the raw bytes: a reader that keeps the other value would read a different dossier under the
/// same receipt. So a body with a duplicate key is refused (RFC 8259 §4 leaves it undefined).
/// Scans the UTF-8 bytes of a body already known to be valid JSON; keys are compared after their
/// escapes are read (`"a"` and `"\u0061"` are the same key).
enum DuplicateKeys {
    private struct Level {
        var isObject: Bool
        var keys: Set<String> = []
        var expectingKey: Bool
    }

    /// The first key that appears twice in the same object, or nil.
    static func first(in data: Data) -> String? {
        let bytes = [UInt8](data)
        var stack: [Level] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"):
                stack.append(Level(isObject: true, expectingKey: true))
            case UInt8(ascii: "["):
                stack.append(Level(isObject: false, expectingKey: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                if let last = stack.indices.last, stack[last].isObject { stack[last].expectingKey = true }
            case UInt8(ascii: "\""):
                let start = index + 1
                var end = start
                var escaped = false
                while end < bytes.count {
                    if bytes[end] == UInt8(ascii: "\\") {
                        escaped = true
                        end += 2
                        continue
                    }
                    if bytes[end] == UInt8(ascii: "\"") { break }
                    end += 1
                }
                if let last = stack.indices.last, stack[last].isObject, stack[last].expectingKey {
                    stack[last].expectingKey = false
                    let raw = Array(bytes[start..<min(end, bytes.count)])
                    let key = escaped ? unescaped(raw) : String(decoding: raw, as: UTF8.self)
                    if !stack[last].keys.insert(key).inserted { return key }
                }
                index = end
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// A key with escapes, read as JSON reads it.
    private static func unescaped(_ raw: [UInt8]) -> String {
        let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
        return (try? JSONSerialization.jsonObject(with: quoted, options: [.fragmentsAllowed])) as? String ?? String(decoding: raw, as: UTF8.self)
    }
}
