/// How residents say what the catalogue calls by its legal name (`content/lexicon.yaml`).
///
/// A term maps everyday, regional or abbreviated phrases ("báo tử", "khai sanh", "LLTP",
/// "sổ đỏ") to the words the library uses ("khai tử", "khai sinh", "lý lịch tư pháp",
/// "giấy chứng nhận quyền sử dụng đất"). Search rewrites a question with it before ranking,
/// so the words live in content that commune staff can read and extend, not in code.
public struct SearchLexicon: Sendable, Hashable {
    public struct Term: Sendable, Hashable {
        /// The library's words for it.
        public var means: String
        /// What people say instead, each one phrase of one or more words.
        public var say: [String]

        public init(means: String, say: [String]) {
            self.means = means
            self.say = say
        }
    }

    public private(set) var terms: [Term]
    /// Words said to fill a sentence ("em", "muốn", "được không") that tell no procedure apart.
    public private(set) var ignore: [String]
    private var ignored: Set<String> = []
    /// Folded phrase → folded replacement words.
    private var phrases: [[String]: [String]] = [:]
    /// Folded phrases by their first word, longest first, so a scan tries few of them.
    private var byFirstWord: [String: [[String]]] = [:]

    public static let empty = SearchLexicon([])

    public init(_ terms: [Term], ignore: [String] = []) {
        self.terms = terms
        self.ignore = ignore
        self.ignored = Set(ignore.flatMap(VietnameseFolding.words))
        for term in terms {
            let means = VietnameseFolding.words(term.means)
            for phrase in term.say {
                let words = VietnameseFolding.words(phrase)
                guard let first = words.first, phrases[words] == nil else { continue }
                phrases[words] = means
                byFirstWord[first, default: []].append(words)
            }
        }
        for key in byFirstWord.keys {
            byFirstWord[key]?.sort { $0.count > $1.count }
        }
    }

    public var isEmpty: Bool { phrases.isEmpty && ignored.isEmpty }

    /// `words` (already folded) with every phrase of the lexicon replaced by what it means,
    /// left to right, the longest phrase first where two start at the same word. Words that
    /// already spell a meaning out stay as they are ("lý lịch tư pháp" is not "lý lịch" + "tư pháp").
    /// Ignored words are left out, after phrases: "đã mất" is a phrase even though "đã" is ignored.
    public func rewrite(_ words: [String]) -> [String] {
        guard !isEmpty else { return words }
        var result: [String] = []
        result.reserveCapacity(words.count + 4)
        var position = 0
        while position < words.count {
            let word = words[position]
            if let candidates = byFirstWord[word],
               let phrase = candidates.first(where: { Self.matches($0, in: words, at: position) }),
               let means = phrases[phrase] {
                result.append(contentsOf: means)
                position += Self.matches(means, in: words, at: position) ? means.count : phrase.count
            } else {
                if !ignored.contains(word) { result.append(word) }
                position += 1
            }
        }
        return result
    }

    private static func matches(_ phrase: [String], in words: [String], at position: Int) -> Bool {
        guard position + phrase.count <= words.count else { return false }
        for offset in phrase.indices where words[position + offset] != phrase[offset] { return false }
        return true
    }
}
