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
    private struct Name: Sendable {
        let words: [String]
        let bigrams: Set<String>
    }

    private let entries: [SearchEntry]
    private let names: [[Name]]
    private let postings: [String: [Int]]
    private let sortedVocabulary: [String]
    private let weights: [String: Double]
    private let codes: [String: [Int]]

    public init(_ entries: [SearchEntry]) {
        self.entries = entries
        var names: [[Name]] = []
        var postings: [String: Set<Int>] = [:]
        var codes: [String: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            let entryNames = ([entry.title] + entry.aliases).map { text -> Name in
                let words = VietnameseFolding.words(text)
                return Name(words: words, bigrams: Set(zip(words, words.dropFirst()).map { "\($0) \($1)" }))
            }
            names.append(entryNames)
            for word in entryNames.flatMap(\.words) { postings[word, default: []].insert(index) }
            for code in entry.codes { codes[code, default: []].append(index) }
        }
        self.names = names
        self.postings = postings.mapValues { $0.sorted() }
        self.sortedVocabulary = postings.keys.sorted()
        self.codes = codes
        let count = Double(max(entries.count, 1))
        self.weights = postings.mapValues { 1 + log(count / Double($0.count)) }
    }

    /// Entries matching `query`, best first; at most `limit`.
    public func search(_ query: String, limit: Int = 20) -> [SearchHit] {
        let words = VietnameseFolding.words(query)
        guard !words.isEmpty else { return [] }
        var hits: [Int: Double] = [:]
        for word in words {
            for index in codes[word] ?? [] { hits[index] = 1_000 }
        }
        // A word that no entry holds (filler such as "thế nào") cannot tell entries apart:
        // it weighs nothing, so a long spoken question is judged by its telling words.
        let queryWeights = words.map { weight(of: $0) }
        let totalWeight = queryWeights.reduce(0, +)
        let queryBigrams = zip(words, words.dropFirst()).map { "\($0) \($1)" }
        for index in candidates(for: words) where hits[index] == nil && totalWeight > 0 {
            let best = names[index].map { name in
                score(name, words: words, weights: queryWeights, total: totalWeight, bigrams: queryBigrams)
            }.max() ?? 0
            guard best > 0 else { continue }
            hits[index] = best + (entries[index].detailed ? 0.75 : 0)
        }
        return hits.map { SearchHit(entry: entries[$0.key], score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.entry.id < $1.entry.id }
            .prefix(limit).map { $0 }
    }

    private func weight(of word: String) -> Double {
        if let weight = weights[word] { return weight }
        guard word.count >= 3, let prefixed = firstWord(withPrefix: word) else { return 0 }
        return weights[prefixed] ?? 0
    }

    private func firstWord(withPrefix prefix: String) -> String? {
        var low = 0, high = sortedVocabulary.count
        while low < high {
            let middle = (low + high) / 2
            if sortedVocabulary[middle] < prefix { low = middle + 1 } else { high = middle }
        }
        return low < sortedVocabulary.count && sortedVocabulary[low].hasPrefix(prefix) ? sortedVocabulary[low] : nil
    }

    /// Entries sharing at least one word, or a word that a query word of 3+ letters begins.
    private func candidates(for words: [String]) -> Set<Int> {
        var result = Set<Int>()
        for word in words {
            result.formUnion(postings[word] ?? [])
            guard word.count >= 3, let first = firstWord(withPrefix: word), var low = sortedVocabulary.firstIndex(of: first) else { continue }
            while low < sortedVocabulary.count, sortedVocabulary[low].hasPrefix(word) {
                result.formUnion(postings[sortedVocabulary[low]] ?? [])
                low += 1
            }
        }
        return result
    }

    private func score(_ name: Name, words: [String], weights: [Double], total: Double, bigrams: [String]) -> Double {
        var matched = 0.0
        var matchedWords = Set<String>()
        for (word, weight) in zip(words, weights) {
            if name.words.contains(word) {
                matched += weight
                matchedWords.insert(word)
            } else if word.count >= 3, let partial = name.words.first(where: { $0.hasPrefix(word) }) {
                matched += weight * 0.7
                matchedWords.insert(partial)
            }
        }
        guard matched > 0 else { return 0 }
        let coverage = matched / total
        let phrase = bigrams.isEmpty ? 0 : Double(bigrams.filter(name.bigrams.contains).count) / Double(bigrams.count)
        let precision = Double(name.words.filter(matchedWords.contains).count) / Double(max(name.words.count, 1))
        // Below 40% of the query's telling weight, a hit is noise.
        guard coverage >= 0.4 else { return 0 }
        return coverage * 10 + phrase * 3 + precision * 2
    }
}

import Foundation
