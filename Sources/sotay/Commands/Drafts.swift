import ArgumentParser
import Foundation
import SoTayCore
import SoTayStore

struct Drafts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hồ sơ nháp trên máy: xem danh sách, xem một hồ sơ, làm tiếp, xóa.",
        subcommands: [List.self, ShowDraft.self, Resume.self, Delete.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Danh sách hồ sơ nháp, mới nhất trước.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "In dạng JSON.") var json = false

        struct Item: Encodable {
            var id: String
            var shortId: String
            var procedureId: String
            var procedureTitle: String
            var residentId: String
            var residentName: String?
            var status: String
            var completeness: Int
            var walkFinished: Bool
            var createdAt: Date
            var updatedAt: Date
        }

        func run() throws {
            let workspace = try Workspace(global)
            let store = try global.openStore()
            let drafts = try store.drafts()
            let items = drafts.map { draft in
                let dossier = draft.dossier
                return Item(
                    id: dossier.id, shortId: dossier.shortID, procedureId: dossier.procedureId,
                    procedureTitle: workspace.pack.procedure(dossier.procedureId).map { workspace.render.text($0.title) } ?? dossier.procedureId,
                    residentId: dossier.residentId, residentName: draft.residentName, status: dossier.status,
                    completeness: dossier.percent,
                    walkFinished: dossier.walkFinishedAt != nil, createdAt: dossier.createdAt, updatedAt: dossier.updatedAt)
            }
            if json {
                try printJSON(items)
                return
            }
            let render = workspace.render
            guard !items.isEmpty else {
                Output.line(render.t("Chưa có hồ sơ nháp nào. Bắt đầu bằng: sotay guide MÃ-THỦ-TỤC", "No drafts yet. Start with: sotay guide PROCEDURE-ID"))
                return
            }
            for item in items {
                let name = item.residentName ?? render.t("(chưa có tên)", "(no name yet)")
                let state = item.walkFinished ? render.t("đã hỏi xong", "walk finished") : render.t("đang làm", "in progress")
                Output.line("  \(item.shortId)  \(name) · \(item.procedureTitle)")
                Output.line("            \(render.t("đủ", "complete")) \(item.completeness)% · \(state) · \(render.date(item.updatedAt))")
            }
            Output.line("")
            Output.line(render.t("Xem: sotay drafts show MÃ · Làm tiếp: sotay drafts resume MÃ", "View: sotay drafts show ID · Continue: sotay drafts resume ID"))
        }
    }

    struct ShowDraft: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Xem một hồ sơ nháp: câu trả lời, giấy tờ đã có và còn thiếu.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Mã hồ sơ (đủ 4 ký tự đầu trở lên).", valueName: "mã")) var id: String
        @Flag(help: "In dạng JSON.") var json = false

        struct Detail: Encodable {
            struct Answer: Encodable { var id: String; var question: String; var answer: String }
            var id: String
            var procedureId: String
            var residentName: String?
            var status: String
            var completeness: Int
            var walkFinished: Bool
            var answers: [Answer]
            var documentsHave: [String]
            var documentsMissing: [String]
            var unanswered: [String]
            var createdAt: Date
            var updatedAt: Date
        }

        func run() throws {
            let workspace = try Workspace(global)
            let store = try global.openStore()
            let dossier = try store.dossier(id)
            let procedure = try workspace.procedure(dossier.procedureId)
            let answers = try store.answers(of: dossier.id)
            let session = ChecklistSession(procedure: procedure, answers: answers, residentIntake: dossier.intake, today: workspace.today)
            let status = session.status
            let render = workspace.render
            let language = workspace.language
            let answered = session.steps.filter { $0.question != nil && answers[$0.id] != nil && Checklist.applies($0, answers: answers) }
            if json {
                try printJSON(Detail(
                    id: dossier.id, procedureId: procedure.id, residentName: try store.residentName(of: dossier), status: dossier.status,
                    completeness: status.percent, walkFinished: dossier.walkFinishedAt != nil,
                    answers: answered.map { .init(id: $0.id, question: render.text($0.text), answer: answers[$0.id]?.display(for: $0, language) ?? "") },
                    documentsHave: status.documentsHave.map(\.id), documentsMissing: status.documentsMissing.map(\.id),
                    unanswered: status.unansweredRequired.map(\.id), createdAt: dossier.createdAt, updatedAt: dossier.updatedAt))
                return
            }
            Output.line(render.t("Câu trả lời:", "Answers:"))
            for step in answered {
                Output.line("  \(render.text(step.text))\n    → \(answers[step.id]?.display(for: step, language) ?? "")")
            }
            Output.line(render.summary(procedure, status: status, draftID: dossier.shortID, residentName: try store.residentName(of: dossier),
                                       province: workspace.province(for: try store.profile())))
            Output.line(render.t("Tạo lúc ", "Created ") + render.date(dossier.createdAt) + render.t(" · sửa lần cuối ", " · last changed ") + render.date(dossier.updatedAt))
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Làm tiếp một hồ sơ nháp từ câu còn dở.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Mã hồ sơ.", valueName: "mã")) var id: String

        func run() throws {
            let workspace = try Workspace(global)
            let store = try global.openStore()
            try Walks.resume(try store.dossier(id), store: store, workspace: workspace, reader: LineReader())
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xóa một hồ sơ nháp và câu trả lời của nó.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Mã hồ sơ.", valueName: "mã")) var id: String
        @Flag(name: .shortAndLong, help: "Không hỏi lại.") var yes = false

        func run() throws {
            let render = Render(language: global.language)
            let store = try global.openStore()
            let dossier = try store.dossier(id)
            let reader = LineReader()
            if reader.isInteractive && !yes {
                let name = try store.residentName(of: dossier) ?? ""
                let answer = reader.read(prompt: render.t("Xóa hồ sơ \(dossier.shortID) \(name)? (có/không) ", "Delete draft \(dossier.shortID) \(name)? (yes/no) "))
                guard case .success(.bool(true)) = AnswerParser(today: .today()).parseYesNo(.text(answer ?? "")) else {
                    Output.line(render.t("Không xóa.", "Not deleted."))
                    return
                }
            }
            try store.deleteDraft(dossier.id)
            Output.line(render.t("Đã xóa hồ sơ \(dossier.shortID).", "Deleted draft \(dossier.shortID)."))
        }
    }
}

/// Starting and resuming walks, shared by the commands and the home menu.
enum Walks {
    static func resume(_ dossier: DossierRecord, store: Store, workspace: Workspace, reader: LineReader) throws {
        let procedure = try workspace.procedure(dossier.procedureId)
        let answers = try store.answers(of: dossier.id)
        let session = ChecklistSession(procedure: procedure, answers: answers, residentIntake: dossier.intake, today: workspace.today)
        var walk = GuidedWalk(session: session, dossier: dossier, store: store, reader: reader, render: workspace.render,
                              province: workspace.province(for: try store.profile()))
        _ = try walk.run()
    }

    static func start(_ procedure: Procedure, store: Store, workspace: Workspace, profile: VolunteerProfile, reader: LineReader) throws {
        if let warning = workspace.render.staleWarning(procedure, today: workspace.today, maxAgeMonths: workspace.maxContentAgeMonths) {
            Output.line(warning)
        }
        let dossier = try store.startDraft(procedureID: procedure.id, packVersion: workspace.pack.version, residentID: nil, profile: profile)
        try resume(dossier, store: store, workspace: workspace, reader: reader)
    }
}
