import Foundation
import PropertyBased
@testable import SoTayContent
import SoTayCore
import Testing

/// A content folder with one file spoiled, and how it was spoiled.
struct SpoiledContent: Sendable, CustomTestStringConvertible {
    var files: [ContentFile]
    var target: String
    var mutations: [String]

    var text: String { files.first { $0.path == target }?.text ?? "" }
    var testDescription: String { "\(target) after \(mutations.joined(separator: ", ")): \(String(reflecting: String(text.prefix(600))))" }
}

struct ContentFile: Sendable {
    var path: String
    var text: String
}

/// The repository's content, the catalogue left out (it is half a megabyte and read by bytes).
enum RealContent {
    static let files: [ContentFile] = BundledContentFiles.files
        .filter { $0.path.hasSuffix(".yaml") }
        .map { ContentFile(path: $0.path, text: $0.text) }

    /// The target and only what it needs to load on its own (loading is the slow part): the
    /// pack, the guides a procedure names, the procedures a province prices.
    static func folder(replacing target: String, with text: String) -> [ContentFile] {
        let original = files.first { $0.path == target }?.text ?? ""
        let needed = files.filter { file in
            let stem = String(file.path.split(separator: "/").last?.dropLast(".yaml".count) ?? "")
            let named = original.contains(stem)
            return file.path == "pack.yaml" || (target.hasPrefix("procedures/") && file.path.hasPrefix("guides/") && named)
                || (target.hasPrefix("provinces/") && file.path.hasPrefix("procedures/") && named)
        }
        return needed.filter { $0.path != target } + [ContentFile(path: target, text: text)]
    }
}

/// Ways a content file gets spoiled: by an editor, a copy-paste, or on purpose.
enum YAMLMutation {
    static let wrongValues = [
        "[]", "{}", "12", "-1", "true", "null", "~", "[a, [b, {c: d}]]", "{vi: 1}", "\"\"", "''", "!!binary aGVsbG8=", "!custom x",
        "99999999999999999999999999", ".nan", "2026-13-45", "|\n  khối\n  văn bản", "&neo giá trị", "*khong_co", "? phức", "- một\n- hai",
        "\"chưa đóng", "[chưa đóng", "{a: 1, a: 2}", "@dành riêng", "`dành riêng", "%YAML 1.1", "!!python/object:os.system ls",
    ]

    /// A billion-laughs bomb: `levels` anchors each holding `fanOut` aliases of the one before,
    /// as unknown keys the loader will refuse, and the biggest one used where `use` says.
    static func aliasBomb(levels: Int, fanOut: Int) -> (definitions: String, biggest: String) {
        var lines = ["bomb0: &l0 [\"ha ha\", \"ha ha\"]"]
        for level in 1..<levels {
            lines.append("bomb\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: fanOut).joined(separator: ", ") + "]")
        }
        return (lines.joined(separator: "\n"), "*l\(levels - 1)")
    }

    static func apply(_ text: String, _ rng: inout some RandomNumberGenerator) -> (String, String) {
        var lines = text.components(separatedBy: "\n")
        let index = lines.isEmpty ? 0 : Fuzz.int(0...(lines.count - 1), &rng)
        let keyLines = lines.indices.filter { lines[$0].range(of: #"^\s*(- )?[a-z_]+:"#, options: .regularExpression) != nil }
        let keyIndex = keyLines.isEmpty ? index : Fuzz.pick(keyLines, &rng)
        func setValue(_ value: String) {
            guard let colon = lines[keyIndex].firstIndex(of: ":") else { return }
            lines[keyIndex] = String(lines[keyIndex][...colon]) + " " + value
        }
        let kind = Fuzz.int(0...19, &rng)
        switch kind {
        case 0: lines.remove(at: index)
        case 1: lines.remove(at: keyIndex)
        case 2, 3: setValue(Fuzz.pick(wrongValues, &rng))
        case 4: setValue(String(repeating: Fuzz.pick(["a", "ầ", "x y ", "\\\"", "🙂"], &rng), count: Fuzz.pick([4_001, 65_536], &rng)))
        case 5:
            let depth = Fuzz.pick([10, 200, 999, 1_001, 5_000, 50_000], &rng)
            setValue(String(repeating: Fuzz.pick(["[", "{a: "], &rng), count: depth) + String(repeating: "]", count: depth))
        case 6:
            let depth = Fuzz.pick([50, 300], &rng)
            setValue("\n" + (1...depth).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n"))
        case 7: lines.insert(lines[keyIndex], at: keyIndex)  // the same key twice
        case 8: lines[index] = lines[index].replacingOccurrences(of: "  ", with: "\t")
        case 9:
            let spot = Fuzz.int(0...lines[index].count, &rng)
            lines[index].insert(contentsOf: Fuzz.pick(["\u{0}", "\u{FEFF}", "\u{1}", "\u{7F}", "\u{FFFD}", "\u{85}", "\u{2028}", "\r", "\u{1B}[31m"], &rng),
                                at: lines[index].index(lines[index].startIndex, offsetBy: spot))
        case 10:
            let bomb = aliasBomb(levels: Fuzz.int(2...10, &rng), fanOut: Fuzz.int(2...10, &rng))
            lines.insert(bomb.definitions, at: 0)
            setValue(bomb.biggest)
        case 11: setValue("&neo " + Fuzz.vietnamese(&rng)); lines.append(Fuzz.pick(["aliases: [*neo, *neo]", "result: *neo", "*neo : x", "title: *khong_co"], &rng))
        case 12: lines = Array(lines.prefix(index)) + [String(lines[index].prefix(Fuzz.int(0...lines[index].count, &rng)))]
        case 13: lines[index] = lines[index].decomposedStringWithCanonicalMapping
        case 14: lines.swapAt(index, keyIndex)
        case 15: lines.append(Fuzz.pick(["---\nid: khac\n", "...\n", "--- !!map\n", "%TAG ! tag:x,2000:\n---"], &rng))
        case 16: lines[index] = (Fuzz.chance(0.5, &rng) ? " " : "") + String(lines[index].dropFirst(Fuzz.chance(0.5, &rng) ? 1 : 0))
        case 17: lines[index] += Fuzz.pick([" #", " # ghi chú", ": :", " -", " &", " *", " !", " |", " >", " \"", " '"], &rng)
        case 18: lines[index] = Fuzz.unicode(&rng, maxLength: 30)
        default: return (YAMLGarbage.text(&rng), "garbage")
        }
        return (lines.joined(separator: "\n"), "mutation \(kind)")
    }
}

/// Text that is mostly YAML punctuation.
enum YAMLGarbage {
    static let pieces = [
        ":", ": ", "-", "- ", "[", "]", "{", "}", ",", "&a", "*a", "!", "!!str", "|", ">", "#", "'", "\"", "\t", "\n", "\n  ", " ", "%", "@",
        "`", "?", "? ", "---", "...", "id", "steps", "vi", "en", "ầ", "\u{0}", "\u{FEFF}", "\\", "\\x", "\\u00", "~", "null", "1e999", "<<",
    ]

    static func text(_ rng: inout some RandomNumberGenerator) -> String {
        (0..<Fuzz.int(0...120, &rng)).map { _ in Fuzz.chance(0.85, &rng) ? Fuzz.pick(pieces, &rng) : Fuzz.unicode(&rng, maxLength: 4) }.joined()
    }
}

/// Loads a folder and checks that it either loads or says, for each problem, which file and what.
private func expectLoadsOrExplains(_ folder: [ContentFile], target: String, _ sourceLocation: SourceLocation = #_sourceLocation) {
    let result = Result { () throws(ContentError) in try ContentLoader.load(folder.map { ($0.path, $0.text) }) }
    guard case .failure(let error) = result else { return }
    let paths = Set(folder.map(\.path))
    #expect(!error.problems.isEmpty, "refused without a reason", sourceLocation: sourceLocation)
    #expect(error.problems.contains { $0.file == target }, "no problem names \(target): \(error.problems)", sourceLocation: sourceLocation)
    let lineCount = (folder.first { $0.path == target }?.text.utf8.count ?? 0) + 2
    for problem in error.problems {
        #expect(paths.contains(problem.file), "\(problem.file) is not a file of the folder", sourceLocation: sourceLocation)
        if let line = problem.line { #expect(line >= 1 && line <= lineCount, "line \(line) in \(problem)", sourceLocation: sourceLocation) }
        for language in Language.allCases {
            let message = problem.message(language)
            #expect(message.hasPrefix(problem.file) && message.count > problem.file.count + 5, "\(message)", sourceLocation: sourceLocation)
            #expect(message.count <= 2_000, "a message of \(message.count) characters", sourceLocation: sourceLocation)
        }
    }
}

@Suite("Content loader: spoiled and hostile YAML, no crash or hang, every refusal names its file")
struct ContentLoaderProperties {
    @Test("the unspoiled folders load, so that every refusal below is the spoiling's doing")
    func unspoiledFoldersLoad() throws {
        for file in RealContent.files {
            let folder = RealContent.folder(replacing: file.path, with: file.text)
            let result = Result { () throws(ContentError) in try ContentLoader.load(folder.map { ($0.path, $0.text) }) }
            if case .failure(let error) = result { Issue.record("\(file.path): \(error.problems)") }
        }
    }

    static let spoiled = Generator<SpoiledContent, Shrink.None<SpoiledContent>>.from { rng in
        let original = Fuzz.pick(RealContent.files, &rng)
        var text = original.text
        var mutations: [String] = []
        for _ in 0..<Fuzz.int(1...3, &rng) {
            let (next, what) = YAMLMutation.apply(text, &rng)
            text = next
            mutations.append(what)
        }
        return SpoiledContent(files: RealContent.folder(replacing: original.path, with: text), target: original.path, mutations: mutations)
    }

    @Test("a real file spoiled one to three ways loads or is refused with its file, line and a clear message", .timeLimit(.minutes(2)))
    func spoiledRealFiles() async {
        await propertyCheck(count: 200, input: Self.spoiled) { spoiled in
            expectLoadsOrExplains(spoiled.files, target: spoiled.target)
        }
    }

    @Test("YAML punctuation soup in any content file is refused with its file", .timeLimit(.minutes(2)))
    func garbage() async {
        let generator = Generator<SpoiledContent, Shrink.None<SpoiledContent>>.from { rng in
            let target = Fuzz.pick(["pack.yaml", "indicators.yaml", "procedures/thu.yaml", "guides/thu.yaml", "provinces/thu.yaml"], &rng)
            let text = YAMLGarbage.text(&rng)
            let folder = RealContent.folder(replacing: target, with: text).filter { $0.path == target || $0.path == "pack.yaml" }
            return SpoiledContent(files: folder, target: target, mutations: ["garbage"])
        }
        await propertyCheck(count: 600, input: generator) { spoiled in
            expectLoadsOrExplains(spoiled.files, target: spoiled.target)
        }
    }

    /// A small procedure whose title, aliases and steps the bomb test fills in.
    static func procedure(title: String = "Thủ tục thử", aliases: String = "[thử]", steps: String? = nil, extra: String = "") -> String {
        """
        id: thu
        title: \(title)
        aliases: \(aliases)
        field: ho-tich
        level: xa
        authority: UBND cấp xã
        channels: [vneid, counter]
        fee: {text: Miễn phí.}
        processing_time: 1 ngày
        sources:
          - {title: Cổng DVCQG, checked: 2026-06-10}
        result: Giấy xác nhận
        steps: \(steps ?? "[{id: nop, kind: action, channel: vneid, text: Nộp}]")
        \(extra)
        """
    }

    @Test("billion-laughs alias bombs anywhere in a procedure finish and are refused", .timeLimit(.minutes(1)))
    func aliasBombs() async throws {
        let pack = ContentFile(path: "pack.yaml", text: "id: test\nversion: \"1\"\ntitle: Thử\n")
        let control = Result { () throws(ContentError) in try ContentLoader.load([(pack.path, pack.text), ("procedures/thu.yaml", Self.procedure())]) }
        #expect((try? control.get()) != nil, "the unbombed procedure loads")
        let generator = Generator<(Int, Int, Int), Shrink.None<(Int, Int, Int)>>.from { rng in (Fuzz.int(2...12, &rng), Fuzz.int(2...10, &rng), Fuzz.int(0...6, &rng)) }
        await propertyCheck(count: 200, input: generator) { levels, fanOut, place in
            let bomb = YAMLMutation.aliasBomb(levels: levels, fanOut: fanOut)
            let big = bomb.biggest
            let text = [
                Self.procedure(aliases: big, extra: bomb.definitions),
                Self.procedure(steps: big, extra: bomb.definitions),
                Self.procedure(title: "{vi: \(big)}", extra: bomb.definitions),
                Self.procedure(steps: "[{id: a, kind: question, type: single_choice, text: x, choices: \(big)}]", extra: bomb.definitions),
                Self.procedure(extra: bomb.definitions + "\n? \(big)\n: x"),
                Self.procedure(extra: bomb.definitions + "\n\(big) : x"),
                Self.procedure(extra: bomb.definitions + "\nsteps: [\(big), \(big)]"),
            ][place]
            let result = Result { () throws(ContentError) in try ContentLoader.load([(pack.path, pack.text), ("procedures/thu.yaml", text)]) }
            guard case .failure(let error) = result else {
                Issue.record("a file with the unknown keys bomb0… loaded")
                return
            }
            #expect(error.problems.contains { $0.file == "procedures/thu.yaml" })
            #expect(error.message(.vi).count < 20_000, "\(error.message(.vi).count) characters of problems")
        }
    }

    @Test("bytes that are not UTF-8 in a content folder are refused as unreadable, naming the file", .timeLimit(.minutes(1)))
    func bytesOnDisk() async throws {
        let procedure = try #require(RealContent.files.first { $0.path.hasPrefix("procedures/") })
        let generator = Generator<[UInt8], Shrink.None<[UInt8]>>.from { rng in
            var bytes = Array(procedure.text.utf8)
            for _ in 0..<Fuzz.int(1...4, &rng) {
                let spot = Fuzz.int(0...bytes.count, &rng)
                let insert: [UInt8] = Fuzz.pick([[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE1, 0xBA], [0xF4, 0x90, 0x80, 0x80], [0x00], [0xFE, 0xFF],
                                                 [UInt8.random(in: 0x80...0xFF, using: &rng)], (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) }], &rng)
                bytes.insert(contentsOf: insert, at: spot)
            }
            if Fuzz.chance(0.2, &rng) { bytes = Array(bytes.prefix(Fuzz.int(0...bytes.count, &rng))) }
            return bytes
        }
        let folder = FileManager.default.temporaryDirectory.appending(path: "sotay-props-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appending(path: "procedures"), withIntermediateDirectories: true)
        for file in RealContent.folder(replacing: procedure.path, with: "") where file.path != procedure.path {
            try FileManager.default.createDirectory(at: folder.appending(path: file.path).deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: folder.appending(path: file.path))
        }
        await propertyCheck(count: 300, input: generator) { bytes in
            try Data(bytes).write(to: folder.appending(path: procedure.path))
            let result = Result { () throws(ContentError) in try ContentLoader.load(directory: folder) }
            guard case .failure(let error) = result else { return }
            #expect(error.problems.contains { $0.file == procedure.path }, "\(error.problems)")
            if String(bytes: bytes, encoding: .utf8) == nil {
                #expect(error.problems == [ContentProblem(file: procedure.path, line: nil, field: "", kind: .unreadable)])
            }
        }
    }
}
