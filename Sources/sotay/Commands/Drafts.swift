import ArgumentParser
import Foundation
import SoTayContent
import SoTayCore
import SoTayStore
import SoTaySync
import SoTayWire

struct Drafts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hồ sơ nháp trên máy: xem danh sách, xem một hồ sơ, làm tiếp, xóa.",
        subcommands: [List.self, ShowDraft.self, Resume.self, Ready.self, Delete.self, HandoutCommand.self],
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
            /// nháp, sẵn sàng gửi, đã gửi, cần bổ sung, xong: `draft`, `ready`, `sent`, `needs-supplement`, `done`.
            var state: DossierProgress
            var completeness: Int
            var walkFinished: Bool
            var createdAt: Date
            var updatedAt: Date

            /// What `printJSON(items)` prints, without `JSONEncoder` (see `ListJSON`).
            static func json(_ items: [Item]) -> Data {
                var list = ListJSON(capacity: items.count * 420)
                for item in items {
                    list.begin()
                    list.field("completeness", item.completeness)
                    list.field("createdAt", item.createdAt)
                    list.field("id", item.id)
                    list.field("procedureId", item.procedureId)
                    list.field("procedureTitle", item.procedureTitle)
                    list.field("residentId", item.residentId)
                    list.field("residentName", item.residentName)
                    list.field("shortId", item.shortId)
                    list.field("state", item.state.rawValue)
                    list.field("status", item.status)
                    list.field("updatedAt", item.updatedAt)
                    list.field("walkFinished", item.walkFinished)
                    list.end()
                }
                return list.finished()
            }
        }

        func run() throws {
            // A listing reads the procedures of its drafts only, not the whole library.
            let render = Render(language: global.language)
            let store = try global.openStore(unlock: .optional)
            let drafts = try store.drafts()
            let procedures = global.listedProcedures(drafts.map(\.dossier.procedureId))
            let items = drafts.map { draft in
                let dossier = draft.dossier
                return Item(
                    id: dossier.id, shortId: dossier.shortID, procedureId: dossier.procedureId,
                    procedureTitle: procedures[dossier.procedureId].map { render.text($0.title) } ?? dossier.procedureId,
                    residentId: dossier.residentId, residentName: draft.residentName, status: dossier.status,
                    state: dossier.progress, completeness: dossier.percent,
                    walkFinished: dossier.walkFinishedAt != nil, createdAt: dossier.createdAt, updatedAt: dossier.updatedAt)
            }
            if json {
                FileHandle.standardOutput.write(Item.json(items))
                return
            }
            guard !items.isEmpty else {
                Output.line(render.t("Chưa có hồ sơ nháp nào. Bắt đầu bằng: sotay guide MÃ-THỦ-TỤC", "No drafts yet. Start with: sotay guide PROCEDURE-ID"))
                return
            }
            for item in items {
                let name = item.residentName ?? DraftNames.missing(locked: !store.isUnlocked, render: render)
                let walk = item.walkFinished ? render.t("đã hỏi xong", "walk finished") : render.t("đang làm", "in progress")
                Output.line("  \(item.shortId)  \(name) · \(item.procedureTitle)")
                Output.line("            \(render.text(item.state.title)) · \(render.t("đủ", "complete")) \(item.completeness)% · \(walk) · \(render.date(item.updatedAt))")
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
            var revision: Int
            var sentRevision: Int
            var changedSinceReady: Bool
            var hubStatus: String?
            var hubReason: String?
            var portalCode: String?
            var receipts: [ReceiptJSON]
            var attachments: [AttachmentJSON]
            var createdAt: Date
            var updatedAt: Date
        }

        struct AttachmentJSON: Encodable {
            var label: String
            var document: String?
            var mediaType: String
            var size: Int64
            var sha256: String
            var uploaded: Bool
        }

        struct ReceiptJSON: Encodable {
            var revision: Int
            var kind: String
            var receivedAt: String
            var contentSHA256: String
            var signatureValid: Bool?
        }

        func run() throws {
            let workspace = try Workspace(global)
            let store = try global.openStore(unlock: .required)
            let dossier = try store.dossier(id)
            let procedure = try workspace.procedure(for: dossier)
            let answers = try store.answers(of: dossier.id)
            let session = ChecklistSession(procedure: procedure, answers: answers, residentIntake: dossier.intake, today: workspace.today)
            let status = session.status
            let render = workspace.render
            let language = workspace.language
            let answered = session.steps.filter { $0.question != nil && answers[$0.id] != nil && Checklist.applies($0, answers: answers) }
            let hubKey = try store.hubLink()?.hubKey
            let receipts = try store.receipts(of: dossier.id).map { receipt in
                ReceiptJSON(revision: receipt.revision, kind: receipt.kind, receivedAt: receipt.receivedAt, contentSHA256: receipt.contentSHA256,
                            signatureValid: hubKey.map { receipt.isSigned(by: $0) })
            }
            let attachments = try store.attachments(of: dossier.id)
            if json {
                try printJSON(Detail(
                    id: dossier.id, procedureId: procedure.id, residentName: try store.residentName(of: dossier), status: dossier.status,
                    completeness: status.percent, walkFinished: dossier.walkFinishedAt != nil,
                    answers: answered.map { .init(id: $0.id, question: render.text($0.text), answer: answers[$0.id]?.display(for: $0, language) ?? "") },
                    documentsHave: status.documentsHave.map(\.id), documentsMissing: status.documentsMissing.map(\.id),
                    unanswered: status.unansweredRequired.map(\.id), revision: dossier.revision, sentRevision: dossier.sentRevision,
                    changedSinceReady: dossier.changedSinceReady, hubStatus: dossier.hubStatus, hubReason: dossier.hubReason,
                    portalCode: dossier.portalCode, receipts: receipts,
                    attachments: attachments.map { .init(label: $0.attachment.label, document: $0.attachment.documentId, mediaType: $0.attachment.mediaType,
                                                         size: $0.attachment.size, sha256: $0.attachment.sha256, uploaded: $0.uploaded) },
                    createdAt: dossier.createdAt, updatedAt: dossier.updatedAt))
                return
            }
            Output.line(render.t("Câu trả lời:", "Answers:"))
            for step in answered {
                Output.line("  \(render.text(step.text))\n    → \(answers[step.id]?.display(for: step, language) ?? "")")
            }
            Output.line(render.summary(procedure, status: status, draftID: dossier.shortID, residentName: try store.residentName(of: dossier),
                                       province: workspace.province(for: try store.profile())))
            if !attachments.isEmpty {
                Output.line(render.t("Tệp đính kèm:", "Attachments:"))
                for item in attachments {
                    let attachment = item.attachment
                    let paper = attachment.documentId.flatMap { id in procedure.steps.first { $0.id == id } }.map { render.text($0.text) }
                        ?? render.t("giấy tờ khác", "other paper")
                    let kind = FileKind(mediaType: attachment.mediaType).map { render.text($0.title) } ?? attachment.mediaType
                    let state = item.uploaded ? render.t("✓ đã lên máy chủ xã", "✓ on the commune hub") : render.t("chưa gửi", "not sent yet")
                    Output.line("  • \(paper): \(attachment.label) · \(kind) · \(Attaching.megabytes(attachment.size)) · \(attachment.sha256.prefix(8)) · \(state)")
                }
            }
            Output.line(render.t("Tạo lúc ", "Created ") + render.date(dossier.createdAt) + render.t(" · sửa lần cuối ", " · last changed ") + render.date(dossier.updatedAt))
            for line in SyncLines.dossier(dossier, receipts: receipts, render: render) { Output.line(line) }
        }
    }

    struct Ready: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Đánh dấu hồ sơ sẵn sàng gửi lên xã; Sổ Tay gửi khi có mạng. Sửa sau khi đã gửi: đánh dấu lại để gửi bổ sung.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Mã hồ sơ (một hoặc nhiều).", valueName: "mã")) var ids: [String]

        func run() throws {
            let workspace = try Workspace(global)
            let store = try global.openStore(unlock: .required)
            var failed = false
            for id in ids {
                do {
                    try ReadyMarking.mark(try store.dossier(id), store: store, workspace: workspace)
                } catch let error as any LocalizedMessage {
                    Output.error(error.message(workspace.language))
                    failed = true
                }
            }
            if failed { throw ExitCode.failure }
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Làm tiếp một hồ sơ nháp từ câu còn dở.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Mã hồ sơ.", valueName: "mã")) var id: String

        func run() throws {
            let workspace = try Workspace(global)
            let store = try global.openStore(unlock: .required)
            let probe = BackgroundSync.start(store)
            defer { probe.stop() }
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
                let name = (store.isUnlocked ? try store.residentName(of: dossier) : nil) ?? ""
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

/// What a drafts list shows when a resident's name is not there.
enum DraftNames {
    static func missing(locked: Bool, render: Render) -> String {
        locked ? render.t("(đã khóa)", "(locked)") : render.t("(chưa có tên)", "(no name yet)")
    }
}

/// Marking a dossier ready: only when every required question is answered.
enum ReadyMarking {
    static func mark(_ dossier: DossierRecord, store: Store, workspace: Workspace) throws {
        let render = workspace.render
        let procedure = try workspace.procedure(for: dossier)
        let session = ChecklistSession(procedure: procedure, answers: try store.answers(of: dossier.id), residentIntake: dossier.intake, today: workspace.today)
        let pending = session.pendingRequired
        guard pending.isEmpty else {
            throw CLIError.notReady(draft: dossier.shortID, steps: pending.map { ($0.id, render.text($0.text)) })
        }
        switch try DossierPayload.markReady(dossier.id, in: store) {
        case .queued(let revision):
            let supplement = revision > 1 ? render.t(" (lần gửi \(revision), gửi bổ sung)", " (revision \(revision), a supplement)") : ""
            Output.line(render.t("Hồ sơ \(dossier.shortID) sẵn sàng gửi\(supplement); Sổ Tay sẽ gửi lên xã khi có mạng (hoặc: sotay sync).",
                                 "Dossier \(dossier.shortID) is ready to send\(supplement); Sổ Tay sends it to the commune when connected (or: sotay sync)."))
        case .unchanged(let revision):
            Output.line(render.t("Hồ sơ \(dossier.shortID) đã sẵn sàng (lần gửi \(revision)), không có gì thay đổi.",
                                 "Dossier \(dossier.shortID) is already ready (revision \(revision)); nothing changed."))
        }
        let missing = session.status.documentsMissing
        if !missing.isEmpty {
            Output.line("  ⚠ " + render.t("Còn thiếu \(missing.count) giấy tờ; xã có thể yêu cầu bổ sung.", "\(missing.count) paper(s) still missing; the commune may ask for a supplement."))
        }
    }
}

/// A dossier's place in the sync, for `drafts show`.
enum SyncLines {
    static func dossier(_ dossier: DossierRecord, receipts: [Drafts.ShowDraft.ReceiptJSON], render: Render) -> [String] {
        var lines: [String] = []
        if dossier.revision == 0 {
            lines.append(render.t("Chưa đánh dấu sẵn sàng gửi. Khi xong: sotay drafts ready \(dossier.shortID)",
                                  "Not marked ready yet. When done: sotay drafts ready \(dossier.shortID)"))
        } else if dossier.sentRevision < dossier.revision {
            lines.append(render.t("Sẵn sàng gửi (lần gửi \(dossier.revision)); chờ kết nối máy chủ xã.", "Ready to send (revision \(dossier.revision)); waiting for the commune hub."))
        }
        if dossier.changedSinceReady && dossier.revision > 0 {
            lines.append(render.t("Đã sửa sau lần đánh dấu sẵn sàng; để gửi thay đổi: sotay drafts ready \(dossier.shortID)",
                                  "Changed since it was marked ready; to send the change: sotay drafts ready \(dossier.shortID)"))
        }
        for receipt in receipts {
            let when = WireDate.date(receipt.receivedAt).map(render.date) ?? receipt.receivedAt
            let kind = receipt.kind == RevisionKind.supplement.rawValue ? render.t("bổ sung", "supplement") : render.t("bản đầu", "original")
            let check = switch receipt.signatureValid {
            case .some(true): render.t("biên nhận có chữ ký hợp lệ của máy chủ xã", "receipt signed by the commune hub")
            case .some(false): render.t("⚠ chữ ký biên nhận KHÔNG hợp lệ", "⚠ receipt signature NOT valid")
            case .none: render.t("chưa kiểm được chữ ký", "signature not checked")
            }
            lines.append(render.t("✓ Xã đã nhận lần gửi \(receipt.revision) (\(kind)) lúc \(when) · \(check) · mã kiểm tra \(receipt.contentSHA256.prefix(8))",
                                  "✓ The commune received revision \(receipt.revision) (\(kind)) at \(when) · \(check) · check code \(receipt.contentSHA256.prefix(8))"))
        }
        if let status = dossier.hubStatus.flatMap(DossierStatus.init(rawValue:)) {
            var line = render.t("Trạng thái tại xã: ", "Status at the commune: ") + render.text(status.title)
            if let reason = dossier.hubReason { line += " — \(reason)" }
            if let code = dossier.portalCode { line += render.t(" · mã hồ sơ trên cổng: \(code)", " · portal code: \(code)") }
            lines.append(line)
        }
        return lines
    }
}

/// Starting and resuming walks, shared by the commands and the home menu.
enum Walks {
    static func resume(_ dossier: DossierRecord, store: Store, workspace: Workspace, reader: LineReader) throws {
        let procedure = try workspace.procedure(for: dossier)
        let answers = try store.answers(of: dossier.id)
        let session = ChecklistSession(procedure: procedure, answers: answers, residentIntake: dossier.intake, today: workspace.today)
        var walk = GuidedWalk(session: session, dossier: dossier, store: store, reader: reader, render: workspace.render,
                              province: workspace.province(for: try store.profile()))
        // The hub has it and it is complete (the commune may have asked for more): review, then
        // a supplement. Marked ready but not yet sent, it is still a walk to finish.
        if dossier.sentRevision > 0 && session.pendingRequired.isEmpty && dossier.progress != .done {
            try supplement(dossier, walk: &walk, store: store, workspace: workspace, reader: reader)
            return
        }
        if try walk.run() == .finished {
            try offerReady(dossier.id, store: store, workspace: workspace, reader: reader)
            try SessionLog.record(dossier.id, store: store, workspace: workspace, reader: reader)
            HandoutFiles.afterWalk(dossier.id, store: store, workspace: workspace)
        }
    }

    /// A dossier already sent: the commune's reason first (when it asked for more), then every
    /// answer and paper by number, any of which can be changed; then "Gửi bổ sung lên xã?".
    static func supplement(_ dossier: DossierRecord, walk: inout GuidedWalk, store: Store, workspace: Workspace, reader: LineReader) throws {
        let render = workspace.render
        if dossier.progress == .needsSupplement {
            let reason = dossier.hubReason.map { ": \($0)" } ?? "."
            Output.line("⚠ " + render.t("Xã yêu cầu bổ sung hồ sơ \(dossier.shortID)\(reason)", "The commune asks for more on dossier \(dossier.shortID)\(reason)"))
        } else {
            Output.line(render.t("Hồ sơ \(dossier.shortID) đã gửi lên xã (lần gửi \(dossier.revision)). Sửa gì sẽ được gửi bổ sung.",
                                 "Dossier \(dossier.shortID) was sent (revision \(dossier.revision)). Changes go as a supplement."))
        }
        // What was never answered comes first (a note the commune asks for, a paper now brought).
        if try walk.runPending() == .quit { return }
        while true {
            let session = walk.session
            let steps = session.steps.filter { $0.asks && Checklist.applies($0, answers: session.answers) }
            Output.line(render.t("Câu trả lời và giấy tờ:", "Answers and papers:"))
            for (number, step) in steps.enumerated() {
                let answer = session.answers[step.id].map { $0.display(for: step, render.language) } ?? render.t("(chưa trả lời)", "(no answer)")
                Output.line("  \(number + 1). \(render.text(step.text)) → \(answer)")
            }
            guard let line = reader.read(prompt: render.t("Số câu hoặc giấy tờ cần sửa (Enter khi xong): ", "Number of the answer or paper to change (Enter when done): ")) else { break }
            let typed = line.trimmingCharacters(in: .whitespaces)
            if typed.isEmpty || GuidedWalk.reply(typed) == .quit { break }
            guard let number = Int(typed), steps.indices.contains(number - 1) else {
                Output.line("  ✗ " + render.t("Gõ một số từ 1 đến \(steps.count), hoặc Enter khi xong.", "Type a number from 1 to \(steps.count), or Enter when done."))
                continue
            }
            if try walk.revisit(steps[number - 1].id) == .quit { return }
        }
        guard try store.dossier(dossier.id).changedSinceReady else {
            Output.line(render.t("Chưa sửa gì, nên chưa gửi bổ sung. Khi có giấy tờ mới: sotay drafts resume \(dossier.shortID)",
                                 "Nothing changed, so no supplement was sent. When new papers come: sotay drafts resume \(dossier.shortID)"))
            return
        }
        try offerReady(dossier.id, store: store, workspace: workspace, reader: reader)
    }

    /// After a finished walk with every required answer: ask once whether to send it.
    static func offerReady(_ dossierID: String, store: Store, workspace: Workspace, reader: LineReader) throws {
        let render = workspace.render
        let dossier = try store.dossier(dossierID)
        guard dossier.revision == 0 || dossier.changedSinceReady else { return }
        let procedure = try workspace.procedure(for: dossier)
        let session = ChecklistSession(procedure: procedure, answers: try store.answers(of: dossier.id), residentIntake: dossier.intake, today: workspace.today)
        guard session.pendingRequired.isEmpty else { return }
        let question = dossier.revision == 0 ? render.t("Đánh dấu hồ sơ sẵn sàng gửi lên xã? (có/không) ", "Mark the dossier ready to send to the commune? (yes/no) ")
                                             : render.t("Hồ sơ đã sửa sau lần gửi trước. Gửi bổ sung lên xã? (có/không) ", "The dossier changed since it was sent. Send the supplement to the commune? (yes/no) ")
        guard let line = reader.read(prompt: question, completions: render.language == .vi ? ["có", "không"] : ["yes", "no"]),
              case .success(.bool(true)) = AnswerParser(today: workspace.today).parseYesNo(.text(line))
        else {
            Output.line(render.t("Chưa gửi. Khi sẵn sàng: sotay drafts ready \(dossier.shortID)", "Not sent. When ready: sotay drafts ready \(dossier.shortID)"))
            return
        }
        try ReadyMarking.mark(dossier, store: store, workspace: workspace)
    }

    /// A new walk from the home menu: the consent question first; a yes starts a draft.
    static func start(_ procedure: Procedure, access: ResidentAccess, workspace: Workspace, profile: VolunteerProfile, reader: LineReader) throws {
        if let warning = workspace.render.staleWarning(procedure, today: workspace.today, maxAgeMonths: workspace.maxContentAgeMonths) {
            Output.line(warning)
        }
        guard let consent = try Consent.ask(pack: workspace.pack, profile: profile, reader: reader, render: workspace.render) else {
            try anonymous(procedure, store: access.store, workspace: workspace, profile: profile, reader: reader)
            return
        }
        // Not opened (Ctrl-D, a forgotten passphrase): the resident is still guided, nothing kept.
        guard let store = access.open() else {
            try anonymous(procedure, store: access.store, workspace: workspace, profile: profile, reader: reader)
            return
        }
        let dossier = try store.startDraft(procedureID: procedure.id, packVersion: workspace.pack.version, residentID: nil, profile: profile, consent: consent)
        try resume(dossier, store: store, workspace: workspace, reader: reader)
    }

    /// The resident said no: the same guidance, no intake questions, nothing of theirs saved;
    /// the log gets an entry without a resident, so the work still counts.
    static func anonymous(_ procedure: Procedure, store: Store, workspace: Workspace, profile: VolunteerProfile, reader: LineReader) throws {
        Output.line(workspace.render.t("Không lưu thông tin của người dân. Vẫn hướng dẫn đầy đủ.", "Nothing of the resident's is kept. The guidance is the same."))
        let session = ChecklistSession(procedure: procedure, residentIntake: false, today: workspace.today)
        var walk = GuidedWalk(session: session, dossier: nil, store: store, reader: reader, render: workspace.render,
                              province: workspace.province(for: profile))
        if try walk.run() == .finished {
            try SessionLog.recordAnonymous(procedure.id, village: profile.village, store: store, workspace: workspace, reader: reader)
        }
    }
}
