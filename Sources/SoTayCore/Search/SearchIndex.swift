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

    public init(_ entries: [SearchEntry]) {
        self.entries = entries
        var folded: [[[String]]] = []
        var vocabulary = Set<String>()
        var codes: [String: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            let entryNames = ([entry.title] + entry.aliases).map(VietnameseFolding.words)
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
        let words = VietnameseFolding.words(query)
        guard !words.isEmpty else { return [] }
        var hits: [Int: Double] = [:]
        for word in words {
            for index in codes[word] ?? [] { hits[index] = 1_000 }
        }
        let query = words.map(queryWord)
        // A word that no entry holds (filler such as "thế nào") cannot tell entries apart:
        // it weighs nothing, so a long spoken question is judged by its telling words.
        let totalWeight = query.reduce(0) { $0 + $1.weight }
        // Pairs with a word no entry holds can match nothing, but still count in the share.
        let bigramCount = words.count - 1
        let queryBigrams = zip(query, query.dropFirst()).compactMap { first, second in
            first.exact.flatMap { a in second.exact.map { Self.pair(a, $0) } }
        }
        for index in candidates(for: query) where hits[index] == nil && totalWeight > 0 {
            let best = names[index].map { name in
                score(name, query: query, total: totalWeight, bigrams: queryBigrams, bigramCount: bigramCount)
            }.max() ?? 0
            guard best > 0 else { continue }
            hits[index] = best + (entries[index].detailed ? 0.75 : 0)
        }
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

    private func score(_ name: Name, query: [QueryWord], total: Double, bigrams: [Int], bigramCount: Int) -> Double {
        var matched = 0.0
        var matchedWords = Set<Int>()
        for word in query {
            if let exact = word.exact, name.words.contains(exact) {
                matched += word.weight
                matchedWords.insert(exact)
            } else if !word.prefixed.isEmpty, let partial = name.words.first(where: word.prefixed.contains) {
                matched += word.weight * 0.7
                matchedWords.insert(partial)
            }
        }
        guard matched > 0 else { return 0 }
        let coverage = matched / total
        let phrase = bigramCount <= 0 ? 0 : Double(bigrams.filter(name.bigrams.contains).count) / Double(bigramCount)
        let precision = Double(name.words.filter(matchedWords.contains).count) / Double(max(name.words.count, 1))
        // Below 40% of the query's telling weight, a hit is noise.
        guard coverage >= 0.4 else { return 0 }
        return coverage * 10 + phrase * 3 + precision * 2
    }
}

import Foundation
