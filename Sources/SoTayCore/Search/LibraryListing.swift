import Foundation

/// What listing and searching the library need, and nothing more: each checklist's, guide's and
/// catalogue line's names, codes, level and field, the lexicon, and every name already folded,
/// rewritten with the lexicon and numbered (the library's 2,900 names hold some 830 words).
///
/// `sotay procedures Q` once parsed the whole YAML library (every step of every checklist) and
/// folded 2,900 names to answer one question. A listing is worked out once from a loaded pack,
/// kept as a small text (`serialized()`), and read back in a few milliseconds; the search built
/// from it ranks exactly as `ContentPack.searchIndex()` does.
public struct LibraryListing: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case procedure = "p", guide = "g", catalogue = "c"
    }

    public struct Entry: Sendable, Hashable {
        public var kind: Kind
        public var id: String
        public var title: LocalizedText
        /// The search aliases: the content's own, then the English title.
        public var aliases: [String]
        public var codes: [String]
        /// A checklist's level and field (raw values), a catalogue line's as the catalogue says.
        public var level: String?
        public var field: String?
        /// The title and aliases, each folded into words, rewritten with the lexicon, and given
        /// as the words' positions in `vocabulary`.
        public var names: [[Int]]

        public var searchEntry: SearchEntry {
            SearchEntry(id: id, title: title.vi, aliases: aliases, codes: codes, detailed: kind == .procedure)
        }
    }

    /// Search entries' order: every checklist, every guide, then the catalogue lines no checklist covers.
    public var entries: [Entry]
    public var lexicon: SearchLexicon
    /// Every word of every name, sorted, each once.
    public var vocabulary: [String]

    public init(entries: [Entry], vocabulary: [String], lexicon: SearchLexicon) {
        self.entries = entries
        self.vocabulary = vocabulary
        self.lexicon = lexicon
    }

    /// The listing of `pack`.
    public init(_ pack: ContentPack) {
        let lexicon = pack.lexicon
        let covered = Set(pack.procedures.flatMap { $0.codes.map(\.code) })
        var entries: [Entry] = []
        for procedure in pack.procedures {
            let aliases = procedure.aliases + [procedure.title.en].compactMap { $0 }
            entries.append(Entry(kind: .procedure, id: procedure.id, title: procedure.title, aliases: aliases, codes: procedure.codes.map(\.code),
                                 level: procedure.level.rawValue, field: procedure.field.rawValue, names: []))
        }
        for guide in pack.guides {
            let aliases = guide.aliases + [guide.title.en].compactMap { $0 }
            entries.append(Entry(kind: .guide, id: guide.id, title: guide.title, aliases: aliases, codes: [], level: nil, field: nil,
                                 names: []))
        }
        for line in pack.catalogue where !covered.contains(line.code) {
            entries.append(Entry(kind: .catalogue, id: line.code, title: LocalizedText(vi: line.title), aliases: [], codes: [line.code],
                                 level: line.level, field: line.field, names: []))
        }
        // Folded and numbered as `SearchIndex` does it from the library's search entries.
        let (vocabulary, numbered) = SearchIndex.numbered(SearchIndex.folded(entries.map(\.searchEntry), lexicon: lexicon))
        for index in entries.indices { entries[index].names = numbered[index] }
        self.init(entries: entries, vocabulary: vocabulary, lexicon: lexicon)
    }

    /// The search over these entries, ranked as `ContentPack.searchIndex()` ranks them.
    public func searchIndex() -> SearchIndex {
        SearchIndex(entries.map(\.searchEntry), vocabulary: vocabulary, names: entries.map(\.names), lexicon: lexicon)
    }

    public var procedures: [Entry] { entries.filter { $0.kind == .procedure } }

    // MARK: - The text form

    /// The first line of the text form; a listing in another format is not read.
    static let header = "sotay-library-listing 2"

    /// One line for the ignored words, one per lexicon term, one for the vocabulary, then one per
    /// entry; fields apart by tabs, lists by U+001F, a name's word numbers by spaces.
    public func serialized() -> String {
        var lines = [Self.header]
        lines.append("i\t" + lexicon.ignore.map(Self.escape).joined(separator: Self.listSeparator))
        for term in lexicon.terms {
            lines.append("t\t" + Self.escape(term.means) + "\t" + term.say.map(Self.escape).joined(separator: Self.listSeparator))
        }
        lines.append("w\t" + vocabulary.map(Self.escape).joined(separator: Self.listSeparator))
        for entry in entries {
            let fields = [
                entry.kind.rawValue, Self.escape(entry.id), Self.escape(entry.title.vi), entry.title.en.map { "+" + Self.escape($0) } ?? "-",
                entry.aliases.map(Self.escape).joined(separator: Self.listSeparator),
                entry.codes.map(Self.escape).joined(separator: Self.listSeparator),
                entry.level.map { "+" + Self.escape($0) } ?? "-", entry.field.map { "+" + Self.escape($0) } ?? "-",
                entry.names.map { $0.map(String.init).joined(separator: " ") }.joined(separator: Self.listSeparator),
            ]
            lines.append(fields.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A listing read back from `serialized()`; nil for any other text (another format, cut
    /// short, damaged): the caller then works it out again from the library.
    public init?(serialized text: String) {
        var text = text
        guard let listing = text.withUTF8({ Self.parse($0) }) else { return nil }
        self = listing
    }

    /// `init?(serialized:)` from the bytes of a file.
    public init?(serializedBytes data: some ContiguousBytes) {
        guard let listing = data.withUnsafeBytes({ Self.parse($0.bindMemory(to: UInt8.self)) }) else { return nil }
        self = listing
    }

    /// Read from contiguous bytes: walking a String's UTF-8 view cost five times as much.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> LibraryListing? {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard lines.count >= 3, lines.removeLast().isEmpty, lines[0].elementsEqual(Self.header.utf8) else { return nil }
        var ignore: [String] = []
        var terms: [SearchLexicon.Term] = []
        var vocabulary: [String]?
        var entries: [Entry] = []
        entries.reserveCapacity(lines.count)
        for line in lines.dropFirst() {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            guard let first = fields.first, first.count == 1 else { return nil }
            switch first[first.startIndex] {
            case UInt8(ascii: "i"):
                guard fields.count == 2, let words = Self.list(fields[1]) else { return nil }
                ignore = words
            case UInt8(ascii: "t"):
                guard fields.count == 3, let means = Self.unescape(fields[1]), let say = Self.list(fields[2]) else { return nil }
                terms.append(SearchLexicon.Term(means: means, say: say))
            case UInt8(ascii: "w"):
                guard fields.count == 2, vocabulary == nil, let words = Self.list(fields[1]) else { return nil }
                vocabulary = words
            default:
                guard fields.count == 9, let kind = Kind(rawValue: String(decoding: first, as: UTF8.self)),
                      let id = Self.unescape(fields[1]), let vi = Self.unescape(fields[2]),
                      let en = Self.optional(fields[3]), let aliases = Self.list(fields[4]), let codes = Self.list(fields[5]),
                      let level = Self.optional(fields[6]), let field = Self.optional(fields[7]),
                      let wordCount = vocabulary?.count
                else { return nil }
                var names: [[Int]] = []
                for name in fields[8].split(separator: Self.listByte, omittingEmptySubsequences: false) {
                    guard let numbers = Self.numbers(name, below: wordCount) else { return nil }
                    names.append(numbers)
                }
                // The title's name, then one per alias.
                guard names.count == aliases.count + 1 else { return nil }
                entries.append(Entry(kind: kind, id: id, title: LocalizedText(vi: vi, en: en), aliases: aliases, codes: codes,
                                     level: level, field: field, names: names))
            }
        }
        guard let vocabulary else { return nil }
        return LibraryListing(entries: entries, vocabulary: vocabulary, lexicon: SearchLexicon(terms, ignore: ignore))
    }

    /// Decimal numbers apart by spaces, each below `limit`; nil for anything else.
    private static func numbers<Bytes: Collection<UInt8>>(_ bytes: Bytes, below limit: Int) -> [Int]? {
        var result: [Int] = []
        var current = -1
        for byte in bytes {
            if byte == UInt8(ascii: " ") {
                guard current >= 0 else { return nil }
                result.append(current)
                current = -1
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                current = max(current, 0) * 10 + Int(byte - UInt8(ascii: "0"))
                guard current < limit else { return nil }
            } else {
                return nil
            }
        }
        if current >= 0 { result.append(current) } else if !result.isEmpty { return nil }
        return result
    }

    private static let listSeparator = "\u{1F}"
    private static let listByte: UInt8 = 0x1F

    /// Backslash, tab, newline and U+001F as two-character escapes; everything else as is.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == listByte })
        else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\u{1F}": result += "\\u"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func unescape<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard bytes.contains(UInt8(ascii: "\\")) else { return text }
        var result = ""
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                switch scalar {
                case "\\": result += "\\"
                case "t": result += "\t"
                case "n": result += "\n"
                case "u": result += "\u{1F}"
                default: return nil
                }
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return escaped ? nil : result
    }

    /// `-` for none, `+` before a value.
    private static func optional<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String?? {
        guard let mark = bytes.first else { return nil }
        if mark == UInt8(ascii: "-") { return bytes.count == 1 ? .some(nil) : nil }
        guard mark == UInt8(ascii: "+"), let value = unescape(bytes.dropFirst()) else { return nil }
        return .some(value)
    }

    private static func list<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [String]? {
        guard !bytes.isEmpty else { return [] }
        var items: [String] = []
        for item in bytes.split(separator: listByte, omittingEmptySubsequences: false) {
            guard let value = unescape(item) else { return nil }
            items.append(value)
        }
        return items
    }
}
