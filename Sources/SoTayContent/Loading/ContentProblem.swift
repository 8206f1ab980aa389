import SoTayCore

/// One thing wrong in a content file, with where it is: what `sotay content check` prints.
public struct ContentProblem: Sendable, Hashable, LocalizedMessage, CustomStringConvertible {
    /// The file, relative to the content folder.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// The field's path in the file, e.g. `steps[3].when.equals.value`.
    public var field: String
    public var kind: Kind

    public enum Kind: Sendable, Hashable {
        case unreadable
        case yamlSyntax(String)
        case missing
        case unknownField(allowed: [String])
        case wrongType(expected: String)
        case notOneOf([String])
        case badID(pattern: String)
        case idNotFileName(expected: String)
        case duplicateID(String)
        case reservedID
        case badDate
        case empty
        case notNFC
        case unknownQuestion(String)
        case laterQuestion(String)
        case notAQuestion(String)
        case valueNotPossible(value: String, question: String)
        case tooFewChoices
        case notForType(String)
        case unknownGuide(String)
        case unknownProcedure(String)
        case minAboveMax
        /// A YAML alias (`*name`): content files do not use anchors and aliases.
        case alias
        /// A source's `checked` date before its `published` date.
        case checkedBeforePublished
        /// A `places` key that is not one of the procedure's channels.
        case placeNotAChannel(String)
        /// A lexicon phrase or meaning with no letter or digit in it.
        case noWords(String)
        /// A lexicon phrase that is, once folded, its own meaning.
        case phraseIsMeaning(String)
        /// A lexicon phrase already given (tone marks and case aside) on another line.
        case phraseTwice(String, firstLine: Int?)
        /// A lexicon `ignore` entry of more than one word.
        case notOneWord(String)
        /// A lexicon meaning with a word that no procedure, guide or catalogue line holds.
        case wordNotInLibrary(String)
    }

    public init(file: String, line: Int?, field: String, kind: Kind) {
        self.file = file
        self.line = line
        self.field = field
        self.kind = kind
    }

    public var description: String { message(.en) }

    public func message(_ language: Language) -> String {
        let place = line.map { "\(file):\($0)" } ?? file
        let fieldPart = field.isEmpty ? "" : " \(shown(field, limit: 200)):"
        return "\(place):\(fieldPart) \(detail(language))"
    }

    private func detail(_ language: Language) -> String {
        switch kind {
        case .unreadable:
            pick(language, vi: "không đọc được tệp (không phải văn bản UTF-8?).", en: "cannot read the file (not UTF-8 text?).")
        case .yamlSyntax(let problem):
            pick(language, vi: "lỗi cú pháp YAML: \(shown(problem, limit: 300)).", en: "YAML syntax error: \(shown(problem, limit: 300)).")
        case .missing:
            pick(language, vi: "thiếu trường bắt buộc.", en: "required field is missing.")
        case .unknownField(let allowed):
            pick(language, vi: "trường không có trong định dạng (gõ sai tên?). Các trường được dùng: \(allowed.joined(separator: ", ")).",
                 en: "not a field of the format (a typo?). Allowed: \(allowed.joined(separator: ", ")).")
        case .wrongType(let expected):
            pick(language, vi: "sai kiểu: cần \(expected).", en: "wrong type: expected \(expected).")
        case .notOneOf(let allowed):
            pick(language, vi: "giá trị không hợp lệ; chọn một trong: \(allowed.joined(separator: ", ")).",
                 en: "invalid value; use one of: \(allowed.joined(separator: ", ")).")
        case .badID(let pattern):
            pick(language, vi: "mã không hợp lệ: chỉ dùng \(pattern).", en: "invalid id: use only \(pattern).")
        case .idNotFileName(let expected):
            pick(language, vi: "mã phải trùng tên tệp: \(expected).", en: "id must equal the file name: \(expected).")
        case .duplicateID(let id):
            pick(language, vi: "mã \"\(shown(id))\" bị trùng.", en: "id \"\(shown(id))\" is used twice.")
        case .reservedID:
            pick(language, vi: "mã bắt đầu bằng \"resident_\" là dành riêng cho Sổ Tay.", en: "ids starting with \"resident_\" are reserved.")
        case .badDate:
            pick(language, vi: "ngày phải viết dạng YYYY-MM-DD và có thật.", en: "the date must be a real day written YYYY-MM-DD.")
        case .empty:
            pick(language, vi: "không được để trống.", en: "must not be empty.")
        case .notNFC:
            pick(language, vi: "chữ tiếng Việt chưa ở dạng dựng sẵn (NFC); lưu lại tệp với mã hóa UTF-8 NFC.",
                 en: "Vietnamese text is not in composed form (NFC); save the file as UTF-8 NFC.")
        case .unknownQuestion(let id):
            pick(language, vi: "không có bước nào mã \"\(shown(id))\".", en: "there is no step \"\(shown(id))\".")
        case .laterQuestion(let id):
            pick(language, vi: "điều kiện dùng bước \"\(shown(id))\" nằm sau bước này; chỉ dùng câu hỏi đứng trước.",
                 en: "the condition names step \"\(shown(id))\", which comes later; only earlier steps may be named.")
        case .notAQuestion(let id):
            pick(language, vi: "bước \"\(shown(id))\" không phải câu hỏi hay giấy tờ, không có câu trả lời.",
                 en: "step \"\(shown(id))\" is not a question or document and has no answer.")
        case .valueNotPossible(let value, let question):
            pick(language, vi: "câu \"\(shown(question))\" không thể có giá trị \"\(shown(value))\".", en: "question \"\(shown(question))\" cannot have the value \"\(shown(value))\".")
        case .tooFewChoices:
            pick(language, vi: "câu hỏi lựa chọn cần ít nhất 2 lựa chọn.", en: "a choice question needs at least 2 choices.")
        case .notForType(let type):
            pick(language, vi: "trường này không dùng cho loại \(shown(type)).", en: "this field does not apply to type \(shown(type)).")
        case .unknownGuide(let id):
            pick(language, vi: "không có hướng dẫn \"\(shown(id))\" trong guides/.", en: "there is no guide \"\(shown(id))\" in guides/.")
        case .unknownProcedure(let id):
            pick(language, vi: "không có thủ tục \"\(shown(id))\" trong procedures/.", en: "there is no procedure \"\(shown(id))\" in procedures/.")
        case .minAboveMax:
            pick(language, vi: "min lớn hơn max.", en: "min is greater than max.")
        case .alias:
            pick(language, vi: "tệp nội dung không dùng neo và bí danh YAML (*tên). Hãy viết giá trị ra đầy đủ; trong văn bản, đừng đặt dấu * ở đầu giá trị hay ngay sau dấu phẩy.",
                 en: "content files do not use YAML anchors and aliases (*name). Write the value out; in text, do not put a * at the start of a value or right after a comma.")
        case .checkedBeforePublished:
            pick(language, vi: "ngày kiểm tra (checked) trước ngày đăng (published): checked là ngày mình đối chiếu nguồn, không phải ngày nguồn đăng.",
                 en: "checked is before published: checked is the day the fact was checked against the source, not the day it was published.")
        case .placeNotAChannel(let channel):
            pick(language, vi: "\"\(shown(channel))\" không có trong channels của thủ tục.", en: "\"\(shown(channel))\" is not one of the procedure's channels.")
        case .noWords(let text):
            pick(language, vi: "\"\(shown(text))\" không có chữ nào để tìm.", en: "\"\(shown(text))\" has no word to search for.")
        case .phraseIsMeaning(let text):
            pick(language, vi: "\"\(shown(text))\" trùng với chính nghĩa của nó (bỏ dấu vẫn như nhau); xóa dòng này.",
                 en: "\"\(shown(text))\" is its own meaning (the same without tone marks); remove it.")
        case .phraseTwice(let text, let line):
            pick(language, vi: "cụm \"\(shown(text))\" đã có\(line.map { " ở dòng \($0)" } ?? "") (bỏ dấu vẫn như nhau); mỗi cụm chỉ được có một nghĩa.",
                 en: "the phrase \"\(shown(text))\" is already given\(line.map { " on line \($0)" } ?? "") (the same without tone marks); a phrase has one meaning.")
        case .notOneWord(let text):
            pick(language, vi: "\"\(shown(text))\" có nhiều chữ; mỗi mục của ignore chỉ một chữ.", en: "\"\(shown(text))\" is more than one word; each ignore entry is one word.")
        case .wordNotInLibrary(let word):
            pick(language, vi: "không thủ tục, hướng dẫn hay dòng danh mục nào có chữ \"\(shown(word))\": tìm kiếm sẽ không thấy gì qua nghĩa này (gõ sai?).",
                 en: "no procedure, guide or catalogue line holds the word \"\(shown(word))\": search would find nothing through this meaning (a typo?).")
        }
    }

    /// A value from the file as the message quotes it: a hostile or mistaken file can hold a
    /// 65,536-character "word", and a message that long buries the file and line it is about.
    private func shown(_ text: String, limit: Int = 80) -> String {
        text.count <= limit ? text : "\(text.prefix(limit))…"
    }
}

/// The content could not be loaded: every problem found, in file order.
public struct ContentError: Error, Sendable, LocalizedMessage {
    public var problems: [ContentProblem]

    public func message(_ language: Language) -> String {
        problems.map { $0.message(language) }.joined(separator: "\n")
    }
}
