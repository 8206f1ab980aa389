import ArgumentParser
import Foundation
import SoTayCore

struct Procedures: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Liệt kê hoặc tìm thủ tục (gõ có dấu hay không dấu đều được).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Từ khóa, ví dụ: \"làm giấy khai sinh\", \"nhap ho khau\".", valueName: "từ-khóa"))
    var query: [String] = []

    @Flag(help: "In kết quả dạng JSON.") var json = false

    struct Item: Encodable {
        var id: String
        var code: String?
        var title: String
        var level: String?
        var field: String?
        var detailed: Bool
    }

    func run() throws {
        // The listing, not the library: no checklist's steps are read to list or find them.
        let listing = try global.libraryListing()
        let render = Render(language: global.language)
        let text = query.joined(separator: " ")
        let items: [Item]
        if text.trimmingCharacters(in: .whitespaces).isEmpty {
            items = listing.procedures.map { item(for: $0, render) }
        } else {
            // An id names a checklist before a guide, and a guide before a catalogue line.
            var byID: [String: LibraryListing.Entry] = [:]
            for entry in listing.entries where byID[entry.id] == nil { byID[entry.id] = entry }
            items = listing.searchIndex().search(text, limit: 20).compactMap { hit in byID[hit.entry.id].map { item(for: $0, render) } }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
            Output.line(String(decoding: try encoder.encode(items), as: UTF8.self))
            return
        }
        guard !items.isEmpty else {
            Output.line(render.t("Không tìm thấy thủ tục nào. Thử từ khóa khác, ví dụ \"khai sinh\", \"tạm trú\".",
                                 "No procedure found. Try other words, e.g. \"khai sinh\", \"tạm trú\"."))
            throw ExitCode(1)
        }
        for item in items {
            if item.detailed {
                let code = item.code.map { " [\($0)]" } ?? ""
                Output.line("  \(item.id)\(code)\n      \(item.title)")
            } else if let code = item.code {
                let level = item.level.map { " · \($0)" } ?? ""
                Output.line("  \(code)  " + render.t("(chưa có hướng dẫn chi tiết)", "(no detailed checklist yet)") + "\n      \(item.title)\(level)")
            } else {
                Output.line("  \(item.id)  " + render.t("(hướng dẫn chung)", "(guide)") + "\n      \(item.title)")
            }
        }
        Output.line("")
        Output.line(render.t("Xem chi tiết: sotay show MÃ · Bắt đầu hướng dẫn: sotay guide MÃ",
                             "Details: sotay show ID · Start guiding: sotay guide ID"))
    }

    private func item(for entry: LibraryListing.Entry, _ render: Render) -> Item {
        Item(id: entry.id, code: entry.codes.first, title: render.text(entry.title),
             level: entry.kind == .guide ? nil : entry.level, field: entry.kind == .guide ? nil : entry.field, detailed: entry.kind == .procedure)
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Xem đầy đủ một thủ tục (hoặc một hướng dẫn): giấy tờ, các bước, lệ phí, thời gian, nguồn.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Mã thủ tục hoặc hướng dẫn.", valueName: "mã")) var id: String
    @Flag(help: "In dạng JSON (kèm mã các câu hỏi, dùng cho tệp --answers).") var json = false

    func run() throws {
        let workspace = try Workspace(global)
        let profile = try? global.openStore().profile()
        if let guide = workspace.pack.guide(id), workspace.pack.procedure(id) == nil {
            if json {
                try printJSON(GuideJSON(guide, workspace.language))
            } else {
                Output.line(workspace.render.guide(guide))
            }
            return
        }
        if let entry = workspace.pack.catalogueEntry(code: id), workspace.pack.procedures.allSatisfy({ !$0.codes.map(\.code).contains(id) }) {
            let render = workspace.render
            Output.line("\(entry.code) · \(entry.title)")
            Output.line(render.t("Cấp thực hiện: ", "Level: ") + entry.level + " · " + render.t("Lĩnh vực: ", "Field: ") + entry.field)
            Output.line(render.t("Quyết định công bố: ", "Published by: ") + entry.decision)
            Output.line(render.t("Sổ Tay chưa có hướng dẫn chi tiết cho thủ tục này: tra trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) theo mã \(entry.code), hoặc hỏi bộ phận một cửa.",
                                 "Sổ Tay has no detailed checklist for this one: look up code \(entry.code) on the National Public Service Portal (dichvucong.gov.vn), or ask the one-stop counter."))
            return
        }
        let procedure = try workspace.procedure(id)
        if json {
            try printJSON(ProcedureJSON(procedure, workspace.language))
            return
        }
        Output.line(workspace.render.procedure(procedure, pack: workspace.pack, province: workspace.province(for: profile ?? nil),
                                               today: workspace.today, maxAgeMonths: workspace.maxContentAgeMonths))
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    Output.line(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A procedure as `sotay show --json` prints it.
struct ProcedureJSON: Encodable {
    struct StepJSON: Encodable {
        var id: String
        var kind: String
        var text: String
        var type: String?
        var required: Bool?
        var choices: [String]?
        var channel: String?
        var conditional: Bool
    }
    struct SourceJSON: Encodable { var title: String; var url: String?; var checked: String }
    var id: String
    var title: String
    var codes: [String]
    var field: String
    var level: String
    var authority: String
    var channels: [String]
    var fee: String
    var feeProvinceDependent: Bool
    var processingTime: String
    var result: String
    var pitfalls: [String]
    var toConfirm: [String]
    var legalBasis: [String]
    var sources: [SourceJSON]
    var guides: [String]
    var steps: [StepJSON]

    init(_ procedure: Procedure, _ language: Language) {
        id = procedure.id
        title = procedure.title.text(language)
        codes = procedure.codes.map(\.code)
        field = procedure.field.rawValue
        level = procedure.level.rawValue
        authority = procedure.authority.text(language)
        channels = procedure.channels.map(\.rawValue)
        fee = procedure.fee.text.text(language)
        feeProvinceDependent = procedure.fee.provinceDependent
        processingTime = procedure.processingTime.text(language)
        result = procedure.result.text(language)
        pitfalls = procedure.pitfalls.map { $0.text(language) }
        toConfirm = procedure.toConfirm.map { $0.text(language) }
        legalBasis = procedure.legalBasis
        sources = procedure.sources.map { SourceJSON(title: $0.title, url: $0.url, checked: $0.checked.iso) }
        guides = procedure.guides
        steps = procedure.steps.map { step in
            var json = StepJSON(id: step.id, kind: "info", text: step.text.text(language), conditional: step.condition != nil)
            switch step.kind {
            case .info: break
            case .question(let question):
                json.kind = "question"
                json.type = question.type.rawValue
                json.required = question.required
                json.choices = question.choices.isEmpty ? nil : question.choices.map(\.id)
            case .document(let required):
                json.kind = "document"
                json.required = required
            case .action(let channel):
                json.kind = "action"
                json.channel = channel.rawValue
            }
            return json
        }
    }
}

struct GuideJSON: Encodable {
    var id: String
    var title: String
    var body: [String]
    var sources: [ProcedureJSON.SourceJSON]

    init(_ guide: SoTayCore.Guide, _ language: Language) {
        id = guide.id
        title = guide.title.text(language)
        body = guide.body.map { $0.text(language) }
        sources = guide.sources.map { .init(title: $0.title, url: $0.url, checked: $0.checked.iso) }
    }
}
