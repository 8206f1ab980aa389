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
        /// Its distinct word pairs, sorted (a name has a few: a scan beats hashing).
        let bigrams: [Int]
    }

    private let entries: [SearchEntry]
    private let names: [[Name]]
    /// Names by word number, each once with how often it holds the word; names are numbered
    /// entry by entry, title first (`nameEntry`, `nameSlot` lead back).
    private let namePostings: [[NamePosting]]
    private let nameEntry: [Int]
    private let nameSlot: [Int]
    private let sortedVocabulary: [String]
    private let numbers: [String: Int]
    private let weights: [Double]
    private let codes: [String: [Int]]
    private let lexicon: SearchLexicon

    public init(_ entries: [SearchEntry], lexicon: SearchLexicon = .empty) {
        let (vocabulary, names) = Self.numbered(Self.folded(entries, lexicon: lexicon))
        self.init(entries, vocabulary: vocabulary, names: names, lexicon: lexicon)
    }

    /// Each entry's names (title, then aliases) folded into words. Names are rewritten as
    /// questions are, so an alias in everyday words still matches.
    public static func folded(_ entries: [SearchEntry], lexicon: SearchLexicon) -> [[[String]]] {
        entries.map { entry in ([entry.title] + entry.aliases).map { lexicon.rewrite(VietnameseFolding.words($0)) } }
    }

    /// Folded names as numbers: the sorted vocabulary of every word, and each name's words as
    /// positions in it. What `LibraryListing` keeps, so reading it back hashes no word twice.
    public static func numbered(_ folded: [[[String]]]) -> (vocabulary: [String], names: [[[Int]]]) {
        var vocabulary = Set<String>()
        for entryNames in folded {
            for words in entryNames { vocabulary.formUnion(words) }
        }
        let sorted = vocabulary.sorted()
        let numbers = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
        return (sorted, folded.map { entryNames in entryNames.map { words in words.compactMap { numbers[$0] } } })
    }

    /// The index of `entries` whose names (title, then each alias, folded and rewritten with
    /// `lexicon`) are given as positions in `vocabulary`, sorted and without repeats. A name
    /// list missing or a position out of range (a damaged listing) is left out, not trusted.
    public init(_ entries: [SearchEntry], vocabulary: [String], names given: [[[Int]]], lexicon: SearchLexicon) {
        self.entries = entries
        self.lexicon = lexicon
        let wordCount = vocabulary.count
        var codes: [String: [Int]] = [:]
        // How many entries hold each word, counted once per entry.
        var holding = [Int](repeating: 0, count: wordCount)
        var lastHolder = [Int](repeating: -1, count: wordCount)
        var names: [[Name]] = []
        names.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            for code in entry.codes { codes[code, default: []].append(index) }
            let entryNames = index < given.count ? given[index] : []
            names.append(entryNames.map { numbers in
                let ids = numbers.allSatisfy({ $0 >= 0 && $0 < wordCount }) ? numbers : numbers.filter { $0 >= 0 && $0 < wordCount }
                for id in ids where lastHolder[id] != index {
                    lastHolder[id] = index
                    holding[id] += 1
                }
                var pairs = zip(ids, ids.dropFirst()).map { Self.pair($0, $1) }
                pairs.sort()
                return Name(words: ids, bigrams: Self.unique(pairs))
            })
        }
        self.names = names
        var namePostings = [[NamePosting]](repeating: [], count: wordCount)
        var nameEntry: [Int] = []
        var nameSlot: [Int] = []
        for (index, entryNames) in names.enumerated() {
            for (slot, name) in entryNames.enumerated() {
                let number = Int32(nameEntry.count)
                nameEntry.append(index)
                nameSlot.append(slot)
                // Each word of the name once, in word order, with how often the name holds it.
                let sorted = name.words.sorted()
                var start = 0
                while start < sorted.count {
                    var end = start + 1
                    while end < sorted.count, sorted[end] == sorted[start] { end += 1 }
                    namePostings[sorted[start]].append(NamePosting(name: number, count: Int32(end - start)))
                    start = end
                }
            }
        }
        self.namePostings = namePostings
        self.nameEntry = nameEntry
        self.nameSlot = nameSlot
        self.sortedVocabulary = vocabulary
        self.numbers = Dictionary(vocabulary.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        self.codes = codes
        let count = Double(max(entries.count, 1))
        self.weights = holding.map { 1 + log(count / Double(max($0, 1))) }
    }

    /// A sorted list without its repeats.
    private static func unique(_ sorted: [Int]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(sorted.count)
        for value in sorted where result.last != value { result.append(value) }
        return result
    }

    private struct NamePosting: Sendable {
        let name: Int32
        let count: Int32
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
        guard totalWeight > 0 else {
            return ranked(hits, limit: limit)
        }
        // Scores are accumulated from the posting lists, one query word at a time, so a name is
        // only visited for the words it holds (a long question over the catalogue once compared
        // every word with every name: 80 ms). What the sums give is each name's share of the
        // question and a ceiling on its score; entries are then scored in full, highest ceiling
        // first, until the last of the `limit` best scores beats every ceiling left.
        let sums = accumulate(query)
        var ceilings: [Int: Double] = [:]
        var strongCeilings: [Int: Double] = [:]
        for name in sums.touched {
            let index = nameEntry[name]
            guard hits[index] == nil else { continue }
            let length = names[index][nameSlot[name]].words.count
            let ceiling = sums.ceiling(name, total: totalWeight, bigramCount: bigramCount, length: length)
                + (entries[index].detailed ? 0.75 : 0)
            if ceiling > ceilings[index] ?? -1 { ceilings[index] = ceiling }
            if sums.mayBeStrong(name, total: totalWeight, length: length), ceiling > strongCeilings[index] ?? -1 {
                strongCeilings[index] = ceiling
            }
        }
        // Strong matches first: only entries with a name that can be one.
        hits = best(strongCeilings, strong: true, asked, limit: limit, found: hits)
        if !hits.isEmpty { return ranked(hits, limit: limit) }
        // None: weak matches are noise next to strong ones, but better than an empty answer to
        // a resident who named a procedure in other words.
        return ranked(best(ceilings, strong: false, asked, limit: limit, found: [:]), limit: limit)
    }

    /// `found` with the entries of `ceilings` whose best name is strong (or, with `strong` false,
    /// weak), scored highest ceiling first until the `limit` best beat every ceiling left.
    private func best(_ ceilings: [Int: Double], strong: Bool, _ asked: Query, limit: Int, found: [Int: Double]) -> [Int: Double] {
        var found = found
        // The best values so far, lowest first, at most `limit` of them.
        var top = Array(found.values.sorted().suffix(max(limit, 0)))
        for (index, ceiling) in ceilings.sorted(by: { $0.value > $1.value }) {
            if limit > 0, top.count >= limit, top[0] > ceiling + 1e-9 * max(ceiling, 1) { break }
            var value = 0.0
            var bestIsWeak = true
            for name in names[index] {
                let (score, isStrong) = score(name, asked)
                let isWeak = !isStrong
                // A strong name beats any weak one; among the same kind, the higher score.
                if (bestIsWeak && !isWeak) || (isWeak == bestIsWeak && score > value) {
                    value = score
                    bestIsWeak = isWeak
                }
            }
            guard value > 0, bestIsWeak != strong else { continue }
            value += entries[index].detailed ? 0.75 : 0
            found[index] = value
            if limit > 0 {
                top.insert(value, at: top.firstIndex { $0 > value } ?? top.endIndex)
                if top.count > limit { top.removeFirst() }
            }
        }
        return found
    }

    private func ranked(_ hits: [Int: Double], limit: Int) -> [SearchHit] {
        hits.sorted { $0.value != $1.value ? $0.value > $1.value : entries[$0.key].id < entries[$1.key].id }
            .prefix(max(limit, 0)).map { SearchHit(entry: entries[$0.key], score: $0.value) }
    }

    /// Per name, what the question's words add up to in it, gathered from the posting lists.
    private struct Sums {
        /// The names that hold at least one query word (exactly or by its beginning).
        var touched: [Int] = []
        /// The question's weight the name holds, summed in the question's order as `score` sums it.
        var matched: [Double]
        /// At least the number of the name's words that the question matches.
        var wordsBound: [Int32]
        /// At least the number of the question's word pairs the name holds.
        var pairsBound: [Int32]

        init(count: Int) {
            matched = Array(repeating: 0, count: count)
            wordsBound = Array(repeating: 0, count: count)
            pairsBound = Array(repeating: 0, count: count)
        }

        /// Whether `score` could call the name a strong match (its test, with the ceilings).
        func mayBeStrong(_ name: Int, total: Double, length: Int) -> Bool {
            if matched[name] / total >= 0.4 { return true }
            let precision = min(Double(wordsBound[name]) / Double(max(length, 1)), 1)
            return pairsBound[name] > 0 && precision >= 0.8 - 1e-12 && length >= 2
        }

        /// No name scores more: `score` with every unknown share at its largest.
        func ceiling(_ name: Int, total: Double, bigramCount: Int, length: Int) -> Double {
            let coverage = matched[name] / total
            let phrase = bigramCount <= 0 ? 0 : min(Double(pairsBound[name]) / Double(bigramCount), 1)
            let precision = min(Double(wordsBound[name]) / Double(max(length, 1)), 1)
            let saidWhole = pairsBound[name] > 0 ? precision : 0
            return coverage * 10 + phrase * 3 + precision * 2 + saidWhole * coverage * 16
        }
    }

    private func accumulate(_ query: [QueryWord]) -> Sums {
        var sums = Sums(count: nameEntry.count)
        // Which query word last matched each name exactly, and by its beginning.
        var exactBy = [Int32](repeating: -2, count: nameEntry.count)
        var prefixBy = [Int32](repeating: -2, count: nameEntry.count)
        var seen = [Bool](repeating: false, count: nameEntry.count)
        for (position, word) in query.enumerated() {
            let at = Int32(position)
            if let exact = word.exact {
                for posting in namePostings[exact] {
                    let name = Int(posting.name)
                    if !seen[name] { seen[name] = true; sums.touched.append(name) }
                    sums.matched[name] += word.weight
                    sums.wordsBound[name] += posting.count
                    if exactBy[name] == at - 1 { sums.pairsBound[name] += 1 }
                    exactBy[name] = at
                }
            }
            for id in word.prefixed where id != word.exact {
                for posting in namePostings[id] {
                    let name = Int(posting.name)
                    guard exactBy[name] != at else { continue }
                    // Every word the prefix could have matched counts: `score` takes the name's first.
                    sums.wordsBound[name] += posting.count
                    guard prefixBy[name] != at else { continue }
                    prefixBy[name] = at
                    if !seen[name] { seen[name] = true; sums.touched.append(name) }
                    sums.matched[name] += word.weight * 0.7
                }
            }
        }
        return sums
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
