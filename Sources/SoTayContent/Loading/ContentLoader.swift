import Foundation
import SoTayCore
import Yams

/// Loads a content folder (or the bundled copy of one) into a `ContentPack`.
///
/// A pack with any problem is refused whole: the caller keeps what it had before.
public enum ContentLoader {
    /// A content file: its path relative to the content folder, and its text.
    public typealias File = (path: String, text: String)

    /// Loads the files; throws `ContentError` listing every problem found.
    /// (`catalogue.tsv` is read too; other files, such as README.md, are left alone.)
    /// `checkNFC: false` skips the NFC scan and the check that every lexicon meaning names words
    /// of the library, for the bundled pack whose files the tests have checked.
    public static func load(_ files: [File], checkNFC shouldCheckNFC: Bool = true) throws(ContentError) -> ContentPack {
        var problems: [ContentProblem] = []
        var procedures: [Procedure] = [], guides: [Guide] = [], provinces: [Province] = []
        var pack: (id: String, version: String, title: LocalizedText)?
        var indicators: [Indicator] = []
        var consent: ConsentText?
        var lexicon = SearchLexicon.empty
        var lexiconCheck: (reader: NodeReader, places: [(field: String, line: Int?)])?
        var catalogue: [CatalogueEntry] = []
        if let file = files.first(where: { $0.path == "catalogue.tsv" }) {
            let (entries, found) = readCatalogue(file.text)
            catalogue = entries
            problems += found
        }

        for file in files.sorted(by: { $0.path < $1.path }) where file.path.hasSuffix(".yaml") || file.path.hasSuffix(".yml") {
            let reader = NodeReader(file: file.path)
            defer { problems += reader.problems }
            if shouldCheckNFC { checkNFC(file, reader) }
            guard let root = compose(file, reader) else { continue }
            let stem = (file.path as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: "")
                .replacingOccurrences(of: ".yml", with: "")
            switch (file.path as NSString).deletingLastPathComponent {
            case "":
                if stem == "pack" { pack = readPack(root, reader) }
                if stem == "indicators" { indicators = IndicatorReader(reader: reader).read(root) }
                if stem == "consent" { consent = readConsent(root, reader) }
                if stem == "lexicon" {
                    let (read, places) = LexiconReader(reader: reader).read(root)
                    lexicon = read
                    lexiconCheck = (reader, places)
                }
            case "procedures":
                if let procedure = ProcedureReader(reader: reader, expectedID: stem).read(root) { procedures.append(procedure) }
            case "guides":
                if let guide = readGuide(root, reader, expectedID: stem) { guides.append(guide) }
            case "provinces":
                if let province = readProvince(root, reader, expectedID: stem) { provinces.append(province) }
            default:
                continue
            }
        }
        if pack == nil && !files.contains(where: { $0.path == "pack.yaml" }) {
            problems.append(ContentProblem(file: "pack.yaml", line: nil, field: "", kind: .missing))
        }
        problems += crossCheck(procedures: procedures, guides: guides, provinces: provinces)
        // Only against a library: a folder with no procedure and no catalogue has nothing to search.
        if shouldCheckNFC, let lexiconCheck, !lexicon.isEmpty, !procedures.isEmpty || !catalogue.isEmpty {
            problems += checkLexicon(lexiconCheck.reader.file, lexicon, places: lexiconCheck.places,
                                     procedures: procedures, guides: guides, catalogue: catalogue)
        }
        guard problems.isEmpty, let pack else { throw ContentError(problems: problems) }
        return ContentPack(id: pack.id, version: pack.version, title: pack.title,
                           procedures: procedures, guides: guides, provinces: provinces, catalogue: catalogue, indicators: indicators,
                           consent: consent, lexicon: lexicon)
    }

    /// Without the edge spaces some scraped titles carry; the common unpadded case costs two checks.
    private static func trimmed(_ text: String) -> String {
        guard text.first == " " || text.last == " " else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// `catalogue.tsv`: ministry, code, name, level, publishing decision, field; tab-separated, no header.
    static func readCatalogue(_ text: String) -> ([CatalogueEntry], [ContentProblem]) {
        var entries: [CatalogueEntry] = []
        var problems: [ContentProblem] = []
        var seen: Set<String> = []
        // Lines by bytes too: splitting the String walks grapheme clusters over half a megabyte.
        for (index, line) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            // Plain splitting on UTF-8: per-column Foundation trimming cost more than the rest of start-up.
            let columns = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            guard columns.count == 6, !columns[1].isEmpty, !columns[2].isEmpty else {
                problems.append(ContentProblem(file: "catalogue.tsv", line: index + 1, field: "", kind: .wrongType(expected: "6 tab-separated columns")))
                continue
            }
            guard seen.insert(columns[1]).inserted else {
                problems.append(ContentProblem(file: "catalogue.tsv", line: index + 1, field: "code", kind: .duplicateID(columns[1])))
                continue
            }
            entries.append(CatalogueEntry(code: columns[1], title: trimmed(columns[2]), level: columns[3], field: trimmed(columns[5]),
                                          ministry: columns[0], decision: columns[4]))
        }
        return (entries, problems)
    }

    /// Loads every file under `directory`.
    public static func load(directory: URL) throws(ContentError) -> ContentPack {
        try load(files(in: directory))
    }

    /// The files under `directory`, with paths relative to it.
    public static func files(in directory: URL) throws(ContentError) -> [File] {
        let root = directory.standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ContentError(problems: [ContentProblem(file: directory.path, line: nil, field: "", kind: .unreadable)])
        }
        var result: [File] = []
        var problems: [ContentProblem] = []
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  !url.lastPathComponent.hasPrefix(".")
            else { continue }
            let relative = String(url.resolvingSymlinksInPath().path.dropFirst(root.path.count + 1))
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                problems.append(ContentProblem(file: relative, line: nil, field: "", kind: .unreadable))
                continue
            }
            result.append((relative, text))
        }
        guard problems.isEmpty else { throw ContentError(problems: problems) }
        return result
    }

    private static func checkNFC(_ file: File, _ reader: NodeReader) {
        // Swift's == treats canonically equivalent strings as equal: compare the scalars.
        func isNFC(_ text: some StringProtocol) -> Bool {
            text.unicodeScalars.elementsEqual(String(text).precomposedStringWithCanonicalMapping.unicodeScalars)
        }
        guard !isNFC(file.text) else { return }
        let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.firstIndex { !isNFC($0) }.map { $0 + 1 }
        reader.report(nil, "", .notNFC, line: line)
    }

    /// No implicit typing: the readers read yes/no and numbers from the text themselves, and
    /// null from the plain scalar. Yams' default resolver matches every key and value against
    /// seven regular expressions, which was a tenth of the start-up of every `sotay` command.
    private static let resolver = Resolver.basic

    static func compose(_ file: File, _ reader: NodeReader) -> Node? {
        if let line = firstAliasLine(file.text) {
            reader.report(nil, "", .alias, line: line)
            return nil
        }
        do {
            guard let root = try Yams.compose(yaml: file.text, Self.resolver) else {
                reader.report(nil, "", .empty, line: 1)
                return nil
            }
            return root
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                reader.report(nil, "", .yamlSyntax(problem), line: mark.line)
            case .duplicatedKeysInMapping(let duplicates, let context):
                let keys = duplicates.map { String($0.prefix(80)) }.joined(separator: ", ")
                reader.report(nil, keys, .duplicateID(keys), line: context.mark.line)
            case .reader(let problem, let offset, _, _):
                // Not Yams' description: it quotes the whole line, and a line can be megabytes long.
                let line = offset.map { offset in file.text.utf8.prefix(offset).count { $0 == UInt8(ascii: "\n") } + 1 }
                reader.report(nil, "", .yamlSyntax(problem), line: line)
            default:
                reader.report(nil, "", .yamlSyntax(String(describing: error)), line: nil)
            }
            return nil
        } catch {
            reader.report(nil, "", .yamlSyntax(String(describing: error)), line: nil)
            return nil
        }
    }

    /// The line of the first YAML alias (`*name`), if any. Content never needs one, and Yams
    /// hashes a mapping key's whole tree, an alias's once per use: work exponential in the nesting,
    /// and a "billion laughs" key of a few hundred bytes did not leave `Yams.compose` within a
    /// minute. Read by bytes where YAML starts a
    /// node (line start, after `[`, `{`, `,`, or `: `, `- `, `? `); a `*` after a comma inside a
    /// plain text is refused too, which the message's advice covers.
    static func firstAliasLine(_ text: String) -> Int? {
        guard text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        var line = 1
        var previous = UInt8(ascii: "\n")  // the last byte that is not a blank
        var afterBlank = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                previous = byte
                afterBlank = false
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                afterBlank = true
            case UInt8(ascii: "*"):
                let opensNode = [UInt8(ascii: "\n"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(previous)
                    || (afterBlank && [UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "?")].contains(previous))
                if opensNode { return line }
                previous = byte
                afterBlank = false
            default:
                previous = byte
                afterBlank = false
            }
        }
        return nil
    }

    private static func readPack(_ root: Node, _ reader: NodeReader) -> (String, String, LocalizedText)? {
        guard let fields = reader.fields(root, "", allowed: ["id", "version", "title"], required: ["id", "version", "title"]),
              let id = reader.id(fields["id"], "id", separator: "-"),
              let version = reader.string(fields["version"], "version"),
              let title = reader.text(fields["title"], "title")
        else { return nil }
        return (id, version, title)
    }

    private static func readConsent(_ root: Node, _ reader: NodeReader) -> ConsentText? {
        guard let fields = reader.fields(root, "", allowed: ["version", "title", "sources", "body"], required: ["version", "title", "sources", "body"])
        else { return nil }
        let version = reader.string(fields["version"], "version")
        let title = reader.text(fields["title"], "title")
        let sources = reader.sources(fields["sources"], "sources")
        let body = reader.texts(fields["body"], "body")
        if fields["body"] != nil && body.isEmpty { reader.report(fields["body"], "body", .empty) }
        guard let version, let title, !sources.isEmpty, !body.isEmpty else { return nil }
        return ConsentText(version: version, title: title, sources: sources, body: body)
    }

    private static func readGuide(_ root: Node, _ reader: NodeReader, expectedID: String) -> Guide? {
        guard let fields = reader.fields(root, "", allowed: ["id", "title", "aliases", "sources", "body"], required: ["id", "title", "sources", "body"]) else { return nil }
        let id = reader.id(fields["id"], "id", separator: "-")
        if let id, id != expectedID { reader.report(fields["id"], "id", .idNotFileName(expected: expectedID)) }
        let title = reader.text(fields["title"], "title")
        let sources = reader.sources(fields["sources"], "sources")
        let body = reader.texts(fields["body"], "body")
        if fields["body"] != nil && body.isEmpty { reader.report(fields["body"], "body", .empty) }
        guard let id, let title, !sources.isEmpty, !body.isEmpty else { return nil }
        return Guide(id: id, title: title, aliases: reader.strings(fields["aliases"], "aliases"), sources: sources, body: body)
    }

    private static func readProvince(_ root: Node, _ reader: NodeReader, expectedID: String) -> Province? {
        guard let fields = reader.fields(root, "", allowed: ["id", "name", "sources", "fees", "notes"], required: ["id", "name", "sources"]) else { return nil }
        let id = reader.id(fields["id"], "id", separator: "-")
        if let id, id != expectedID { reader.report(fields["id"], "id", .idNotFileName(expected: expectedID)) }
        let name = reader.string(fields["name"], "name")
        let sources = reader.sources(fields["sources"], "sources")
        var fees: [String: LocalizedText] = [:]
        if let node = fields["fees"] {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    guard let procedure = key.scalar?.string, let text = reader.text(value, "fees.\(key.scalar?.string ?? "?")") else { continue }
                    fees[procedure] = text
                }
            } else {
                reader.report(node, "fees", .wrongType(expected: "mapping"))
            }
        }
        guard let id, let name, !sources.isEmpty else { return nil }
        return Province(id: id, name: name, sources: sources, fees: fees, notes: reader.texts(fields["notes"], "notes"))
    }

    /// Every word a lexicon meaning rewrites to must be one search can find: a word of some
    /// procedure's or guide's title or alias, or of a catalogue line's title.
    private static func checkLexicon(_ file: String, _ lexicon: SearchLexicon, places: [(field: String, line: Int?)], procedures: [Procedure], guides: [Guide],
                                     catalogue: [CatalogueEntry]) -> [ContentProblem] {
        var vocabulary = Set<String>()
        for procedure in procedures {
            for name in [procedure.title.vi] + procedure.aliases { vocabulary.formUnion(VietnameseFolding.words(name)) }
        }
        for guide in guides {
            for name in [guide.title.vi] + guide.aliases { vocabulary.formUnion(VietnameseFolding.words(name)) }
        }
        for entry in catalogue { vocabulary.formUnion(VietnameseFolding.words(entry.title)) }
        var problems: [ContentProblem] = []
        for (term, place) in zip(lexicon.terms, places) {
            for word in VietnameseFolding.words(term.means) where !vocabulary.contains(word) {
                problems.append(ContentProblem(file: file, line: place.line, field: place.field, kind: .wordNotInLibrary(word)))
            }
        }
        return problems
    }

    private static func crossCheck(procedures: [Procedure], guides: [Guide], provinces: [Province]) -> [ContentProblem] {
        var problems: [ContentProblem] = []
        let guideIDs = Set(guides.map(\.id))
        let procedureIDs = Set(procedures.map(\.id))
        for procedure in procedures {
            for guide in procedure.guides where !guideIDs.contains(guide) {
                problems.append(ContentProblem(file: "procedures/\(procedure.id).yaml", line: nil, field: "guides", kind: .unknownGuide(guide)))
            }
        }
        for province in provinces {
            for procedure in province.fees.keys.sorted() where !procedureIDs.contains(procedure) {
                problems.append(ContentProblem(file: "provinces/\(province.id).yaml", line: nil, field: "fees.\(procedure)", kind: .unknownProcedure(procedure)))
            }
        }
        return problems
    }
}

extension ContentPack {
    /// The pack built into the binary from the repository's `content/` folder.
    public static func bundled(checkNFC: Bool = false) throws(ContentError) -> ContentPack {
        try ContentLoader.load(BundledContentFiles.files.map { ($0.path, $0.text) }, checkNFC: checkNFC)
    }

    /// The library a command works with: the bundled pack, or the folder named by `SOTAY_CONTENT`
    /// (commune staff trying their edits, a commune's own indicators on the hub).
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ContentError) -> ContentPack {
        if let folder = environment["SOTAY_CONTENT"], !folder.isEmpty {
            return try ContentLoader.load(directory: URL(fileURLWithPath: folder))
        }
        return try bundled()
    }

    /// The raw text of a bundled file (e.g. `catalogue.tsv`), if there is one.
    public static func bundledFile(_ path: String) -> String? {
        BundledContentFiles.files.first { $0.path == path }?.text
    }
}
