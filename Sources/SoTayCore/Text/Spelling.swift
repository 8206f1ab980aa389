/// Close spellings: what a volunteer probably meant by a word that is not a command.
public enum Spelling {
    /// Levenshtein distance between `a` and `b`, counted in characters.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The candidates `word` is most likely a slip for: those it starts, or that start it, or within
    /// two edits (one for words of three letters or fewer), closest first.
    public static func suggestions(for word: String, among candidates: [String]) -> [String] {
        let typed = VietnameseFolding.fold(word)
        guard !typed.isEmpty else { return [] }
        let scored = candidates.compactMap { candidate -> (String, Int)? in
            let folded = VietnameseFolding.fold(candidate)
            let edits = distance(typed, folded)
            let limit = typed.count <= 3 ? 1 : 2
            if edits <= limit { return (candidate, edits) }
            if typed.count >= 3 && (folded.hasPrefix(typed) || typed.hasPrefix(folded)) { return (candidate, limit + 1) }
            return nil
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.map(\.0)
    }
}
