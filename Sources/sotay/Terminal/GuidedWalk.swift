import Foundation
import SoTayCore
import SoTayStore

/// The terminal side of a guided session: prints what the `ChecklistSession` decides, reads
/// one line per prompt, and commits every accepted answer before the next prompt is shown.
struct GuidedWalk {
    var session: ChecklistSession
    /// `nil` when the resident did not consent: the walk guides, and nothing of theirs is saved.
    let dossier: DossierRecord?
    let store: Store
    let reader: LineReader
    let render: Render
    let province: Province?

    enum Outcome { case finished, quit }

    private var language: Language { render.language }

    /// Walks until the checklist is finished or the volunteer quits (or input ends).
    mutating func run() throws -> Outcome {
        if let dossier {
            Output.line(render.t("Hồ sơ nháp: \(dossier.shortID). Gõ ? để được trợ giúp, < để quay lại, > để giữ câu trả lời và đi tiếp, \"bỏ qua\" cho câu không bắt buộc, \"thoát\" để dừng (câu trả lời đã được lưu).",
                                 "Draft: \(dossier.shortID). Type ? for help, < to go back, > to keep the answer and go on, \"skip\" for optional questions, \"quit\" to stop (answers are saved)."))
        } else {
            Output.line(render.t("Hướng dẫn không lưu hồ sơ (người dân chưa đồng ý): câu trả lời không được ghi lại. Gõ ? để được trợ giúp, < để quay lại, \"thoát\" để dừng.",
                                 "Guiding without a dossier (the resident did not consent): answers are not kept. Type ? for help, < to go back, \"quit\" to stop."))
        }
        return try walk(from: session.start(), summary: true)
    }

    /// Asks what is still unanswered (optional questions too), without the summary.
    mutating func runPending() throws -> Outcome {
        try walk(from: session.start(), summary: false)
    }

    /// Asks one question again (and whatever its new answer brings), without the summary.
    mutating func revisit(_ stepID: String) throws -> Outcome {
        guard let transition = session.revisit(stepID) else { return .finished }
        return try walk(from: transition, summary: false)
    }

    private mutating func walk(from first: ChecklistSession.Transition, summary: Bool) throws -> Outcome {
        Interrupt.sayOnInterrupt(stoppedLine)
        defer { Interrupt.reset() }
        var transition = first
        while true {
            if let dossier, let accepted = transition.accepted, let step = session.steps.first(where: { $0.id == accepted.stepID }) {
                try store.record(accepted.value, for: step, in: dossier.id, status: session.status)
            }
            for step in transition.passed { show(step) }
            let step: Step
            switch transition.next {
            case .finished(let status):
                guard let dossier else {
                    Output.line(render.summary(session.procedure, status: status, draftID: nil, residentName: nil, province: province))
                    return .finished
                }
                try store.markWalkFinished(dossier.id)
                guard summary else { return .finished }
                let name = try store.residentName(of: dossier)
                Output.line(render.summary(session.procedure, status: status, draftID: dossier.shortID, residentName: name, province: province))
                return .finished
            case .quit:
                Output.line(stoppedLine)
                return .quit
            case .ask(let next, let current):
                step = next
                ask(step, current: current)
            case .reask(let next, let reason):
                step = next
                Output.line("  ✗ " + reason.message(language))
            case .help(let next):
                step = next
                help(step)
            case .confirmSkip(let next, let current):
                step = next
                let shown = current.display(for: step, language)
                let question = render.t("Xóa câu trả lời đang ghi (\(shown))? (có/không) ", "Erase the recorded answer (\(shown))? (yes/no) ")
                let line = reader.read(prompt: question, completions: language == .vi ? ["có", "không"] : ["yes", "no"]) ?? ""
                if case .success(.bool(true)) = AnswerParser(today: .today()).parseYesNo(.text(line)) {
                    transition = session.handle(.skipConfirmed)
                } else {
                    Output.line("  " + render.t("Giữ câu trả lời.", "The answer is kept."))
                    transition = session.askAgain()
                }
                continue
            }
            transition = session.handle(readReply(for: step))
        }
    }

    /// What "thoát" and Ctrl-C both say.
    private var stoppedLine: String {
        guard let dossier else { return render.t("Đã dừng.", "Stopped.") }
        return render.t("Đã dừng. Hồ sơ nháp \(dossier.shortID) được giữ; tiếp tục bằng: sotay drafts resume \(dossier.shortID)",
                        "Stopped. Draft \(dossier.shortID) is kept; continue with: sotay drafts resume \(dossier.shortID)")
    }

    /// One reply from the volunteer. At a document step a file path is also an answer: the
    /// file is attached and the paper counts as present; a file that cannot be attached is
    /// explained and the same step asked again.
    private func readReply(for step: Step) -> ChecklistSession.Reply {
        let isDocument = if case .document = step.kind { true } else { false }
        Completion.filePaths = isDocument
        defer { Completion.filePaths = false }
        while true {
            guard let line = reader.read(prompt: "> ", completions: completions(for: step)) else { return .quit }
            guard isDocument, Attaching.looksLikePath(line) else { return Self.reply(line) }
            guard let dossier else {
                Output.line("  ✗ " + render.t("Người dân chưa đồng ý lưu thông tin, nên không lưu ảnh giấy tờ. Trả lời có / chưa.",
                                              "The resident did not consent to keeping data, so no photo is kept. Answer yes / no."))
                continue
            }
            do {
                let attaching = Attaching(store: store, procedure: session.procedure, dossier: dossier, render: render)
                try attaching.attach(path: line, documentId: step.id, label: nil)
                return .answer(.text(language == .vi ? "có" : "yes"))
            } catch let error as any LocalizedMessage {
                Output.line("  ✗ " + error.message(language))
            } catch {
                Output.line("  ✗ " + render.t("Không đính kèm được tệp này.", "This file could not be attached."))
            }
        }
    }

    /// Recognises the prompt commands, in Vietnamese or English, with or without tone marks.
    static func reply(_ line: String) -> ChecklistSession.Reply {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed == "?" { return .help }
        if trimmed == "<" { return .back }
        if trimmed == ">" { return .forward }
        switch Folding.fold(trimmed) {
        case "tro giup", "giup", "help": return .help
        case "quay lai", "back": return .back
        case "tiep theo", "next": return .forward
        case "bo qua", "skip": return .skip
        case "thoat", "quit", "exit": return .quit
        default: return .answer(.text(line))
        }
    }

    private func show(_ step: Step) {
        switch step.kind {
        case .action(let channel):
            Output.line("→ [\(render.text(session.procedure.place(channel)))] \(render.text(step.text))")
        default:
            Output.line("• \(render.text(step.text))")
        }
    }

    private func position(of step: Step) -> String {
        let asking = session.steps.filter { $0.asks && Checklist.applies($0, answers: session.answers) }
        let index = (asking.firstIndex { $0.id == step.id } ?? 0) + 1
        return "[\(index)/\(asking.count)]"
    }

    private func ask(_ step: Step, current: AnswerValue?) {
        Output.line("")
        switch step.kind {
        case .document(let required):
            let optional = required ? "" : render.t(" (không bắt buộc)", " (optional)")
            Output.line("\(position(of: step)) " + render.t("Giấy tờ: ", "Paper: ") + render.text(step.text) + optional)
            Output.line("  " + render.t("Người dân đã có giấy này chưa? (có / chưa — hoặc gõ đường dẫn ảnh chụp giấy để đính kèm, Tab để gợi ý)",
                                        "Does the resident have it? (yes / no — or type the path of a photo of it to attach, Tab completes)"))
        case .question(let question):
            let optional = question.required ? "" : render.t(" (không bắt buộc)", " (optional)")
            Output.line("\(position(of: step)) \(render.text(step.text))\(optional)")
            for (number, choice) in question.choices.enumerated() {
                Output.line("  \(number + 1). \(render.text(choice.label))")
            }
            if let hint = hint(for: question) { Output.line("  (\(hint))") }
        case .info, .action:
            break
        }
        if let current {
            Output.line("  " + render.t("Đang ghi: ", "Recorded: ") + current.display(for: step, language) + render.t(" (Enter hoặc > để giữ)", " (Enter or > keeps it)"))
        }
    }

    private func hint(for question: Question) -> String? {
        switch question.type {
        case .yesNo: render.t("có / không", "yes / no")
        case .singleChoice: render.t("gõ số thứ tự", "type the number")
        case .multipleChoice: render.t("gõ các số, cách nhau dấu phẩy, ví dụ 1, 3", "type the numbers, separated by commas, e.g. 1, 3")
        case .date: render.t("ngày/tháng/năm, ví dụ 05/09/2024", "day/month/year, e.g. 05/09/2024")
        case .cccd: render.t("12 chữ số trên thẻ căn cước", "the 12 digits on the ID card")
        case .phone: render.t("ví dụ 0912 345 678", "e.g. 0912 345 678")
        case .integer: render.t("một số", "a number")
        case .text: nil
        }
    }

    private func help(_ step: Step) {
        if let help = step.help { Output.line("  ℹ " + render.text(help)) }
        Output.line("  " + render.t("Lệnh: ? trợ giúp · < quay lại câu trước · > (hoặc Enter) giữ câu trả lời đang ghi và đi tiếp · \"bỏ qua\" (câu không bắt buộc) · \"thoát\" (giữ hồ sơ nháp)",
                                    "Commands: ? help · < previous question · > (or Enter) keep the recorded answer and go on · \"skip\" (optional questions) · \"quit\" (keeps the draft)"))
        if let question = step.question, let hint = hint(for: question) { Output.line("  (\(hint))") }
    }

    private func completions(for step: Step) -> [String] {
        let commands = language == .vi ? ["bỏ qua", "quay lại", "thoát", "trợ giúp"] : ["skip", "back", "quit", "help"]
        switch step.kind {
        case .question(let question) where question.type == .yesNo:
            return (language == .vi ? ["có", "không"] : ["yes", "no"]) + commands
        case .question(let question) where !question.choices.isEmpty:
            return question.choices.map { render.text($0.label) } + commands
        case .document:
            return (language == .vi ? ["có", "chưa"] : ["yes", "no"]) + commands
        default:
            return commands
        }
    }
}
