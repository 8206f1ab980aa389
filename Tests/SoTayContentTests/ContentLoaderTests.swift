import Foundation
import Testing
@testable import SoTayContent
@testable import SoTayCore

private let pack = ("pack.yaml", "id: test\nversion: \"1\"\ntitle: Thử\n")

private let valid = """
id: thu
title: {vi: Thủ tục thử, en: Test}
field: ho-tich
level: xa
authority: UBND cấp xã
channels: [vneid, counter]
fee: {text: Miễn phí.}
processing_time: 1 ngày
sources:
  - {title: Cổng DVCQG, url: "https://dichvucong.gov.vn", checked: 2026-06-10}
result: Giấy xác nhận
steps:
  - id: co_vneid
    kind: question
    type: yes_no
    text: Có VNeID chưa?
  - id: giay
    kind: document
    text: Giấy tờ
    when: {equals: {question: co_vneid, value: false}}
  - id: nop
    kind: action
    channel: vneid
    text: Nộp
"""

private func load(_ procedure: String, name: String = "thu") -> Result<ContentPack, ContentError> {
    Result { () throws(ContentError) in try ContentLoader.load([pack, ("procedures/\(name).yaml", procedure)]) }
}

private func problems(_ procedure: String, name: String = "thu") -> [ContentProblem] {
    if case .failure(let error) = load(procedure, name: name) { return error.problems }
    return []
}

@Suite("The content loader refuses bad files with file, line and field")
struct ContentLoaderTests {
    @Test("a valid procedure loads with its steps and condition")
    func validFile() throws {
        let pack = try load(valid).get()
        let procedure = try #require(pack.procedure("thu"))
        #expect(procedure.steps.map(\.id) == ["co_vneid", "giay", "nop"])
        #expect(procedure.steps[1].condition == .equals(question: "co_vneid", value: .bool(false)))
        #expect(procedure.title.en == "Test")
        #expect(procedure.sources.first?.checked == CalendarDate(year: 2026, month: 6, day: 10))
    }

    @Test("a YAML syntax error names the line")
    func syntax() {
        let found = problems("id: thu\ntitle: [unclosed\n")
        #expect(found.count == 1)
        #expect(found.first?.file == "procedures/thu.yaml")
        #expect(found.first?.line != nil)
        if case .yamlSyntax = found.first?.kind {} else { Issue.record("expected a syntax problem, got \(found)") }
    }

    @Test("every missing required field is reported, not just the first")
    func missingFields() {
        let found = problems("id: thu\ntitle: Thử\n")
        let fields = Set(found.filter { $0.kind == .missing }.map(\.field))
        #expect(fields.isSuperset(of: ["field", "level", "authority", "channels", "fee", "processing_time", "sources", "result", "steps"]))
    }

    @Test("a misspelt field is refused with its line")
    func unknownField() {
        let found = problems(valid.replacingOccurrences(of: "processing_time:", with: "procesing_time:"))
        let typo = found.first { $0.field == "procesing_time" }
        #expect(typo?.line == 8)
        #expect(found.contains { $0.field == "processing_time" && $0.kind == .missing })
    }

    @Test("conditions must name an earlier question and a value it can take")
    func conditions() {
        let forward = valid.replacingOccurrences(of: "question: co_vneid, value: false", with: "question: nop, value: false")
        #expect(problems(forward).contains { $0.kind == .unknownQuestion("nop") && $0.field == "steps[1].when.equals.question" })
        let impossible = valid.replacingOccurrences(of: "value: false", with: "value: maybe")
        let problem = problems(impossible).first
        #expect(problem?.kind == .valueNotPossible(value: "maybe", question: "co_vneid"))
        #expect(problem?.line == 20)
        let expression = valid.replacingOccurrences(of: "when: {equals: {question: co_vneid, value: false}}", with: "when: \"co_vneid == false\"")
        #expect(problems(expression).contains { $0.kind == .wrongType(expected: "mapping") })
    }

    @Test("ids, kinds, types and channels are checked", arguments: [
        ("id: thu\n", "id: Thu Tuc\n", "id"),
        ("kind: action", "kind: buoc", "steps[2].kind"),
        ("type: yes_no", "type: boolean", "steps[0].type"),
        ("channel: vneid", "channel: zalo", "steps[2].channel"),
        ("field: ho-tich", "field: hotich", "field"),
        ("checked: 2026-06-10", "checked: 2026-13-40", "sources[0].checked"),
    ])
    func badValues(original: String, replacement: String, field: String) {
        let found = problems(valid.replacingOccurrences(of: original, with: replacement))
        #expect(found.contains { $0.field == field }, "\(found)")
    }

    @Test("the id must equal the file name, and step ids must be unique")
    func ids() {
        #expect(problems(valid, name: "khac").contains { $0.kind == .idNotFileName(expected: "khac") })
        let duplicate = valid.replacingOccurrences(of: "id: nop", with: "id: giay")
        #expect(problems(duplicate).contains { $0.kind == .duplicateID("giay") })
        let reserved = valid.replacingOccurrences(of: "id: nop", with: "id: resident_nop")
        #expect(problems(reserved).contains { $0.kind == .reservedID })
    }

    @Test("text that is not NFC is refused")
    func nfc() {
        let decomposed = valid.replacingOccurrences(of: "Giấy tờ", with: "Gia\u{0302}\u{0301}y to\u{031B}\u{0300}")
        #expect(problems(decomposed).contains { $0.kind == .notNFC && $0.line == 19 })
    }

    @Test("YAML aliases are refused before Yams composes a billion-laughs key (found by the property tests)")
    func aliases() {
        let bomb = (1..<12).map { "b\($0): &l\($0) [" + Array(repeating: "*l\($0 - 1)", count: 10).joined(separator: ", ") + "]" }
        let file = valid + "\nb0: &l0 [ha, ha]\n" + bomb.joined(separator: "\n") + "\n? *l11\n: x\n"
        let found = problems(file)
        #expect(found == [ContentProblem(file: "procedures/thu.yaml", line: 26, field: "", kind: .alias)])
        #expect(problems(valid.replacingOccurrences(of: "text: Nộp", with: "text: *Nộp tại xã")).map(\.kind) == [.alias])
        // A star where YAML does not read an alias (inside a text, after a quote) is text.
        #expect(problems(valid.replacingOccurrences(of: "text: Nộp", with: "text: Nộp *trước* ngày 5")).isEmpty)
        #expect(problems(valid.replacingOccurrences(of: "text: Nộp", with: "text: \"*Nộp* tại xã\"")).isEmpty)
    }

    @Test("a guide named by a procedure must exist")
    func guides() {
        let withGuide = valid.replacingOccurrences(of: "result: Giấy xác nhận", with: "result: Giấy xác nhận\nguides: [khong-co]")
        #expect(problems(withGuide).contains { $0.kind == .unknownGuide("khong-co") })
    }

    @Test("problems read in Vietnamese by default and in English on request")
    func messages() {
        let problem = ContentProblem(file: "procedures/thu.yaml", line: 3, field: "fee", kind: .missing)
        #expect(problem.message(.vi) == "procedures/thu.yaml:3: fee: thiếu trường bắt buộc.")
        #expect(problem.message(.en) == "procedures/thu.yaml:3: fee: required field is missing.")
    }

    private func lexiconProblems(_ lexicon: String) -> [ContentProblem] {
        let result = Result { () throws(ContentError) in
            try ContentLoader.load([pack, ("procedures/thu.yaml", valid), ("lexicon.yaml", lexicon)])
        }
        if case .failure(let error) = result { return error.problems }
        return []
    }

    @Test("a valid lexicon loads into the pack and its search")
    func lexicon() throws {
        let files = [pack, ("procedures/thu.yaml", valid), ("lexicon.yaml", "terms:\n  - means: thủ tục thử\n    say: [giấy thử, thu tuc test]\n")]
        let loaded = try ContentLoader.load(files)
        #expect(loaded.lexicon.terms == [SearchLexicon.Term(means: "thủ tục thử", say: ["giấy thử", "thu tuc test"])])
        #expect(loaded.searchIndex().search("xin giay thu").first?.entry.id == "thu")
    }

    @Test("a lexicon's mistakes are refused with file, line and field")
    func lexiconMistakes() {
        let lexicon = """
        terms:
          - means: thủ tục thử
            say: [giấy thử, Giấy Thu, thủ tục thử, "!!"]
          - means: xác nhận
            say: [giay thu]
          - means: xác nhận
            say: []
          - say: [cái gì đó]
          - means: chữ lạ
            say: [abc]
            when: x
        """
        let found = lexiconProblems(lexicon)
        #expect(found.contains(ContentProblem(file: "lexicon.yaml", line: 3, field: "terms[0].say[1]", kind: .phraseTwice("Giấy Thu", firstLine: 3))))
        #expect(found.contains(ContentProblem(file: "lexicon.yaml", line: 3, field: "terms[0].say[2]", kind: .phraseIsMeaning("thủ tục thử"))))
        #expect(found.contains(ContentProblem(file: "lexicon.yaml", line: 3, field: "terms[0].say[3]", kind: .noWords("!!"))))
        #expect(found.contains(ContentProblem(file: "lexicon.yaml", line: 5, field: "terms[1].say[0]", kind: .phraseTwice("giay thu", firstLine: 3))))
        #expect(found.contains(ContentProblem(file: "lexicon.yaml", line: 7, field: "terms[2].say", kind: .empty)))
        #expect(found.contains(ContentProblem(file: "lexicon.yaml", line: 8, field: "terms[3].means", kind: .missing)))
        #expect(found.contains { $0.line == 11 && $0.field == "terms[4].when" })
        // A meaning made of words no name holds: search could never find anything through it.
        #expect(found.contains(ContentProblem(file: "lexicon.yaml", line: 9, field: "terms[4].means", kind: .wordNotInLibrary("chu"))))
        #expect(found.count == 9, "\(found)")
        let message = ContentProblem(file: "lexicon.yaml", line: 5, field: "terms[1].say[0]", kind: .phraseTwice("giay thu", firstLine: 3)).message(.vi)
        #expect(message == "lexicon.yaml:5: terms[1].say[0]: cụm \"giay thu\" đã có ở dòng 3 (bỏ dấu vẫn như nhau); mỗi cụm chỉ được có một nghĩa.")
    }

    @Test("a value thousands of characters long is quoted shortened, so the file and line stay readable (found by the property tests)")
    func longValuesAreShortened() {
        let word = String(repeating: "a", count: 4_001)
        let found = lexiconProblems("terms:\n  - means: \(word)\n    say: [giấy thử]\n")
        #expect(found == [ContentProblem(file: "lexicon.yaml", line: 2, field: "terms[0].means", kind: .wordNotInLibrary(word))])
        for language in Language.allCases {
            let message = found.first?.message(language) ?? ""
            #expect(message.hasPrefix("lexicon.yaml:2: terms[0].means: "))
            #expect(message.count < 300 && message.contains("\"\(String(repeating: "a", count: 80))…\""), "\(message)")
        }
        let key = String(repeating: "k", count: 65_536)
        let unknown = ContentProblem(file: "procedures/thu.yaml", line: 3, field: key, kind: .unknownField(allowed: ["id"])).message(.en)
        #expect(unknown.count < 400, "\(unknown.count)")
    }

    @Test("the lexicon's ignored words are single words, and search leaves them out")
    func lexiconIgnore() throws {
        let found = lexiconProblems("ignore: [em, \"được không\", \"?\"]\nterms:\n  - means: thủ tục thử\n    say: [giấy thử]\n")
        #expect(found == [ContentProblem(file: "lexicon.yaml", line: 1, field: "ignore[1]", kind: .notOneWord("được không")),
                          ContentProblem(file: "lexicon.yaml", line: 1, field: "ignore[2]", kind: .noWords("?"))])
        let loaded = try ContentLoader.load([pack, ("procedures/thu.yaml", valid), ("lexicon.yaml", "ignore: [em, muốn]\nterms:\n  - means: thủ tục thử\n    say: [giấy thử]\n")])
        #expect(loaded.lexicon.rewrite(VietnameseFolding.words("em muốn xin giấy thử")) == ["xin", "thu", "tuc", "thu"])
    }

    @Test("a source's checked date cannot come before its published date, and places name only the procedure's channels")
    func publishedAndPlaces() throws {
        let withDates = valid.replacingOccurrences(of: "checked: 2026-06-10}", with: "published: 2025-08-10, checked: 2024-02-08}")
        #expect(problems(withDates) == [ContentProblem(file: "procedures/thu.yaml", line: 10, field: "sources[0].checked", kind: .checkedBeforePublished)])
        let published = try load(valid.replacingOccurrences(of: "checked: 2026-06-10}", with: "published: 2025-08-10, checked: 2026-12-06}")).get()
        #expect(published.procedures.first?.sources.first?.published == CalendarDate(year: 2025, month: 8, day: 10))

        let placed = valid.replacingOccurrences(of: "channels: [vneid, counter]", with: "channels: [vneid, counter]\nplaces: {counter: Tại Công an xã, post: Bưu điện, any: x}")
        #expect(problems(placed).map(\.field) == ["places.post", "places.any"])
        let good = try load(valid.replacingOccurrences(of: "channels: [vneid, counter]", with: "channels: [vneid, counter]\nplaces: {counter: {vi: Tại Công an xã, en: At the commune police}}")).get()
        let procedure = try #require(good.procedure("thu"))
        #expect(procedure.place(.counter) == LocalizedText(vi: "Tại Công an xã", en: "At the commune police"))
        #expect(procedure.place(.vneid) == Channel.vneid.title)
    }
}
