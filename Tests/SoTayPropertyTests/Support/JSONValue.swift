import Foundation

/// A JSON value written by hand, so that a test can send what no encoder writes: numbers beyond
/// any integer, duplicated keys, lone surrogate escapes, nesting deeper than parsers allow.
indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, e.g. `1e999` or `-0`.
    case number(String)
    case string(String)
    /// Written as is, between quotes: escapes such as `\ud800` that a Swift string cannot hold.
    case rawString(String)
    case array([JSONValue])
    /// Keys in order, duplicates allowed.
    case object([Member])
    /// Any text written as is: nesting too deep to build as values, or not JSON at all.
    case raw(String)

    struct Member: Sendable, Equatable {
        var key: String
        var value: JSONValue
    }

    static func int(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }

    var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let literal): literal
        case .string(let value): Self.quoted(value)
        case .rawString(let raw): "\"\(raw)\""
        case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { Self.quoted($0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
        case .raw(let text): text
        }
    }

    private static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Whether some object in the value has a key twice (the hub refuses such a body).
    var hasDuplicateKeys: Bool {
        switch self {
        case .object(let members):
            return Set(members.map(\.key)).count < members.count || members.contains { $0.value.hasDuplicateKeys }
        case .array(let items):
            return items.contains { $0.hasDuplicateKeys }
        default:
            return false
        }
    }

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// Every place in the value, as a path the hub would name (`activities[0].village`).
    func paths(prefix: String = "") -> [(path: String, steps: [PathStep])] {
        func join(_ child: String) -> String { prefix.isEmpty ? child : "\(prefix).\(child)" }
        switch self {
        case .object(let members):
            return members.enumerated().flatMap { index, member in
                let path = join(member.key)
                return [(path, [PathStep.member(index)])] + member.value.paths(prefix: path).map { ($0.path, [PathStep.member(index)] + $0.steps) }
            }
        case .array(let items):
            return items.enumerated().flatMap { index, item in
                let path = "\(prefix)[\(index)]"
                return [(path, [PathStep.item(index)])] + item.paths(prefix: path).map { ($0.path, [PathStep.item(index)] + $0.steps) }
            }
        default:
            return []
        }
    }

    enum PathStep: Sendable, Equatable {
        case member(Int)
        case item(Int)
    }

    /// The value with the place at `steps` replaced, or removed when `replacement` is nil.
    func replacing(_ steps: ArraySlice<PathStep>, with replacement: JSONValue?) -> JSONValue {
        guard let first = steps.first else { return replacement ?? .null }
        switch (self, first) {
        case (.object(var members), .member(let index)) where members.indices.contains(index):
            if steps.count == 1, replacement == nil {
                members.remove(at: index)
            } else {
                members[index].value = members[index].value.replacing(steps.dropFirst(), with: replacement)
            }
            return .object(members)
        case (.array(var items), .item(let index)) where items.indices.contains(index):
            if steps.count == 1, replacement == nil {
                items.remove(at: index)
            } else {
                items[index] = items[index].replacing(steps.dropFirst(), with: replacement)
            }
            return .array(items)
        default:
            return self
        }
    }

    /// Any JSON value, with the numbers and strings that break decoders.
    static func random(_ rng: inout some RandomNumberGenerator, depth: Int = 0) -> JSONValue {
        switch Fuzz.int(0...(depth > 3 ? 4 : 6), &rng) {
        case 0: return .null
        case 1: return .bool(Fuzz.chance(0.5, &rng))
        case 2: return .number(Fuzz.pick(hostileNumbers, &rng))
        case 3: return .string(Fuzz.anyText(&rng))
        case 4: return .rawString(Fuzz.pick(hostileEscapes, &rng))
        case 5: return .array((0..<Fuzz.int(0...4, &rng)).map { _ in random(&rng, depth: depth + 1) })
        default:
            return .object((0..<Fuzz.int(0...4, &rng)).map { _ in
                Member(key: Fuzz.pick(["id", "revision", "answers", "type", "value", "sha256", "code", "", "__proto__", Fuzz.anyText(&rng)], &rng),
                       value: random(&rng, depth: depth + 1))
            })
        }
    }

    static let hostileNumbers = [
        "0", "-0", "1", "-1", "1.5", "1e309", "-1e309", "1e-400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999999999999", "18446744073709551616", "2147483648", "1E2", "0.0000001", "123456789012345678901234567890e-10",
    ]

    static let hostileEscapes = [
        "\\u0000", "\\ud800", "\\udfff", "\\ud800\\u0041", "\\uDBFF\\uDFFF", "\\u00e0\\u0301", "a\\/b", "\\b\\f\\r\\t", "\\u202e", "\\uFEFF",
    ]

    /// `depth` arrays, one inside the other.
    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }
}
