/// Something search can find: a detailed checklist, a guide, or a catalogue line.
public struct SearchEntry: Sendable, Hashable {
    public var id: String
    public var title: String
    public var aliases: [String]
    public var codes: [String]
    /// Whether Sổ Tay has a full guided checklist for it.
    public var detailed: Bool

    public init(id: String, title: String, aliases: [String] = [], codes: [String] = [], detailed: Bool) {
        self.id = id
        self.title = title
        self.aliases = aliases
        self.codes = codes
        self.detailed = detailed
    }
}

/// A search hit, best first.
public struct SearchHit: Sendable, Hashable {
    public var entry: SearchEntry
    public var score: Double
}

/// Ranks entries for a query typed the way people talk, with or without tone marks.
///
/// Every name (title and aliases) is folded into words. A query word counts by how rare it is
/// across entries (so "khai sinh" outweighs "đăng ký"), a name that holds the query's words side
/// by side scores more, and a name made mostly of the query's words beats a long one that merely
/// contains them. Detailed checklists come before catalogue lines of similar relevance.
///
/// Before ranking, the question is rewritten with the lexicon (`content/lexicon.yaml`): "báo tử"
/// becomes "khai tử", "LLTP" "lý lịch tư pháp". A question that shares a word with some entry
/// always gets its best candidates: when no name holds enough of the question's telling words
/// (a long spoken question, mostly about other things), the weaker matches are returned rather
/// than nothing.
public struct SearchIndex: Sendable {
    /// A title or alias as word numbers (positions in the sorted vocabulary), so that scoring
    /// compares integers: with strings, a long query over the national catalogue took 50 ms.
    private struct Name: Sendable {
        let words: [Int]
        let bigrams: Set<Int>
    }

    private let entries: [SearchEntry]
    private let names: [[Name]]
    /// Entry indexes by word number.
    private let postings: [[Int]]
    private let sortedVocabulary: [String]
    private let numbers: [String: Int]
    private let weights: [Double]
    private let codes: [String: [Int]]
    private let lexicon: SearchLexicon

    public init(_ entries: [SearchEntry], lexicon: SearchLexicon = .empty) {
        self.entries = entries
        self.lexicon = lexicon
        var folded: [[[String]]] = []
        var vocabulary = Set<String>()
        var codes: [String: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            // Names are rewritten as questions are, so an alias in everyday words still matches.
            let entryNames = ([entry.title] + entry.aliases).map { lexicon.rewrite(VietnameseFolding.words($0)) }
            folded.append(entryNames)
            for words in entryNames { vocabulary.formUnion(words) }
            for code in entry.codes { codes[code, default: []].append(index) }
        }
        let sortedVocabulary = vocabulary.sorted()
        let numbers = Dictionary(uniqueKeysWithValues: sortedVocabulary.enumerated().map { ($1, $0) })
        var postings = [Set<Int>](repeating: [], count: sortedVocabulary.count)
        var names: [[Name]] = []
        for (index, entryNames) in folded.enumerated() {
            names.append(entryNames.map { words in
                let ids = words.compactMap { numbers[$0] }
                for id in ids { postings[id].insert(index) }
                return Name(words: ids, bigrams: Set(zip(ids, ids.dropFirst()).map { Self.pair($0, $1) }))
            })
        }
        self.names = names
        self.postings = postings.map { $0.sorted() }
        self.sortedVocabulary = sortedVocabulary
        self.numbers = numbers
        self.codes = codes
        let count = Double(max(entries.count, 1))
        self.weights = postings.map { 1 + log(count / Double(max($0.count, 1))) }
    }

    private static func pair(_ first: Int, _ second: Int) -> Int { first << 32 | second }

    /// A query word as scoring needs it: its own number if an entry holds it, and (3+ letters)
    /// the numbers of the words it begins, a range of the sorted vocabulary.
    private struct QueryWord {
        let exact: Int?
        let prefixed: Range<Int>
        let weight: Double
    }

    /// Entries matching `query`, best first; at most `limit`.
    public func search(_ query: String, limit: Int = 20) -> [SearchHit] {
        let typed = VietnameseFolding.words(query)
        guard !typed.isEmpty else { return [] }
        var hits: [Int: Double] = [:]
        for word in typed {
            for index in codes[word] ?? [] { hits[index] = 1_000 }
        }
        let words = lexicon.rewrite(typed)
        let query = words.map(queryWord)
        // A word that no entry holds (filler such as "thế nào") cannot tell entries apart:
        // it weighs nothing, so a long spoken question is judged by its telling words.
        let totalWeight = query.reduce(0) { $0 + $1.weight }
        // Pairs with a word no entry holds can match nothing, but still count in the share.
        let bigramCount = words.count - 1
        let queryBigrams = zip(query, query.dropFirst()).compactMap { first, second in
            first.exact.flatMap { a in second.exact.map { Self.pair(a, $0) } }
        }
        let asked = Query(words: query, total: totalWeight, bigrams: queryBigrams, bigramSet: Set(queryBigrams), bigramCount: bigramCount)
        // Weak matches are noise next to strong ones, but better than an empty answer to a
        // resident who named a procedure in other words.
        var weak: [Int: Double] = [:]
        for index in candidates(for: query) where hits[index] == nil && totalWeight > 0 {
            var best = 0.0
            var bestIsWeak = true
            for name in names[index] {
                let (value, strong) = score(name, asked)
                let isWeak = !strong
                // A strong name beats any weak one; among the same kind, the higher score.
                if (bestIsWeak && !isWeak) || (isWeak == bestIsWeak && value > best) {
                    best = value
                    bestIsWeak = isWeak
                }
            }
            guard best > 0 else { continue }
            let value = best + (entries[index].detailed ? 0.75 : 0)
            if bestIsWeak { weak[index] = value } else { hits[index] = value }
        }
        if hits.isEmpty { hits = weak }
        return hits.map { SearchHit(entry: entries[$0.key], score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.entry.id < $1.entry.id }
            .prefix(limit).map { $0 }
    }

    private func queryWord(_ word: String) -> QueryWord {
        let exact = numbers[word]
        var prefixed = 0..<0
        if word.utf8.count >= 3 {
            let low = lowerBound(word)
            var high = low
            while high < sortedVocabulary.count, sortedVocabulary[high].hasPrefix(word) { high += 1 }
            prefixed = low..<high
        }
        let weight = exact.map { weights[$0] } ?? prefixed.first.map { weights[$0] } ?? 0
        return QueryWord(exact: exact, prefixed: prefixed, weight: weight)
    }

    /// The position of the first word not below `prefix`, by binary search.
    private func lowerBound(_ prefix: String) -> Int {
        var low = 0, high = sortedVocabulary.count
        while low < high {
            let middle = (low + high) / 2
            if sortedVocabulary[middle] < prefix { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Entries sharing at least one word, or a word that a query word of 3+ letters begins.
    private func candidates(for query: [QueryWord]) -> Set<Int> {
        var result = Set<Int>()
        for word in query {
            if let exact = word.exact { result.formUnion(postings[exact]) }
            for id in word.prefixed { result.formUnion(postings[id]) }
        }
        return result
    }

    /// A question as scoring needs it: its words, their total weight and its word pairs.
    private struct Query {
        let words: [QueryWord]
        let total: Double
        let bigrams: [Int]
        let bigramSet: Set<Int>
        let bigramCount: Int
    }

    /// The name's score for the question, and whether it is a strong match: the name holds at
    /// least 40% of the question's telling weight, or the question says (almost) the whole name,
    /// word for word ("nhập hộ khẩu" inside a long question about a new house).
    ///
    /// Besides the question's side (its weight the name holds, its word pairs found in the name,
    /// the share of the name's words it matches), the name's side counts: how much of the name
    /// the question says, pair by pair. A long spoken question shares many ordinary words with
    /// long catalogue titles; the name it actually says wins by saying it whole.
    private func score(_ name: Name, _ query: Query) -> (Double, Bool) {
        var matched = 0.0
        var matchedWords = Set<Int>()
        for word in query.words {
            if let exact = word.exact, name.words.contains(exact) {
                matched += word.weight
                matchedWords.insert(exact)
            } else if !word.prefixed.isEmpty, let partial = name.words.first(where: word.prefixed.contains) {
                matched += word.weight * 0.7
                matchedWords.insert(partial)
            }
        }
        guard matched > 0 else { return (0, false) }
        let coverage = matched / query.total
        // Counted in loops, not with `filter`: this runs for every name of every candidate, and
        // an array per call was most of the cost of a long question over the catalogue.
        var sharedPairs = 0
        for pair in query.bigrams where name.bigrams.contains(pair) { sharedPairs += 1 }
        var namePairsSaid = 0
        if sharedPairs > 0 {
            for pair in name.bigrams where query.bigramSet.contains(pair) { namePairsSaid += 1 }
        }
        var nameWordsMatched = 0
        for word in name.words where matchedWords.contains(word) { nameWordsMatched += 1 }
        let phrase = query.bigramCount <= 0 ? 0 : Double(sharedPairs) / Double(query.bigramCount)
        let precision = Double(nameWordsMatched) / Double(max(name.words.count, 1))
        let namePairs = name.bigrams.isEmpty ? 0 : Double(namePairsSaid) / Double(name.bigrams.count)
        let saidWhole = precision * namePairs
        let strong = coverage >= 0.4 || (saidWhole >= 0.8 && name.words.count >= 2)
        return (coverage * 10 + phrase * 3 + precision * 2 + saidWhole * coverage * 16, strong)
    }
}

import Foundation
