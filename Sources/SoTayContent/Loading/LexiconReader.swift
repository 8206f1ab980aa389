import SoTayCore
import Yams

/// Reads `lexicon.yaml`: the everyday words search understands for the library's legal names.
///
///     ignore: [em, muốn, được, không]
///     terms:
///       - means: khai tử
///         say: [báo tử, qua đời, mới mất]
///         note: optional, for the writer
///
/// Refuses, with file, line and field: a missing or empty `means` or `say`, a phrase that
/// folds to nothing or to its own meaning, a phrase given twice (search could only use one), and
/// an `ignore` entry that is not exactly one word.
struct LexiconReader {
    let reader: NodeReader

    static let fields = ["means", "say", "note"]

    /// The lexicon, and for each of its terms the field path and line of its `means`.
    func read(_ root: Node) -> (SearchLexicon, [(field: String, line: Int?)]) {
        var places: [(field: String, line: Int?)] = []
        guard let fields = reader.fields(root, "", allowed: ["ignore", "terms"], required: ["terms"]) else { return (.empty, places) }
        var ignore: [String] = []
        for (node, field) in reader.list(fields["ignore"], "ignore") {
            guard let word = reader.string(node, field) else { continue }
            switch VietnameseFolding.words(word).count {
            case 0: reader.report(node, field, .noWords(word))
            case 1: ignore.append(word)
            default: reader.report(node, field, .notOneWord(word))
            }
        }
        let items = reader.list(fields["terms"], "terms")
        if fields["terms"] != nil && items.isEmpty { reader.report(fields["terms"], "terms", .empty) }
        var terms: [SearchLexicon.Term] = []
        var seen: [String: Int?] = [:]
        for (item, path) in items {
            guard let parts = reader.fields(item, path, allowed: Self.fields, required: ["means", "say"]) else { continue }
            _ = reader.text(parts["note"], "\(path).note")
            let means = reader.string(parts["means"], "\(path).means")
            let foldedMeans = means.map(VietnameseFolding.fold)
            if let means, foldedMeans?.isEmpty == true {
                reader.report(parts["means"], "\(path).means", .noWords(means))
            }
            let phrases = reader.list(parts["say"], "\(path).say")
            if parts["say"] != nil && phrases.isEmpty { reader.report(parts["say"], "\(path).say", .empty) }
            var say: [String] = []
            for (node, field) in phrases {
                guard let phrase = reader.string(node, field) else { continue }
                let folded = VietnameseFolding.fold(phrase)
                if folded.isEmpty {
                    reader.report(node, field, .noWords(phrase))
                } else if folded == foldedMeans {
                    reader.report(node, field, .phraseIsMeaning(phrase))
                } else if let first = seen[folded] {
                    reader.report(node, field, .phraseTwice(phrase, firstLine: first))
                } else {
                    seen[folded] = node.mark?.line
                    say.append(phrase)
                }
            }
            if let means, foldedMeans?.isEmpty == false, !say.isEmpty {
                terms.append(SearchLexicon.Term(means: means, say: say))
                places.append(("\(path).means", parts["means"]?.mark?.line))
            }
        }
        return (SearchLexicon(terms, ignore: ignore), places)
    }
}
