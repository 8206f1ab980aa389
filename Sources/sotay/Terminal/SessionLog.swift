import Foundation
import SoTayCore
import SoTayStore

/// The end of a guided session writes its own log entry: how it ended (one question), and,
/// when it was filed online, how the fee was paid and whether the resident lives in another
/// commune; then the resident's satisfaction (one question, may be skipped). A dossier gets one
/// guidance entry: a walk finished again after an edit does not count the work twice.
enum SessionLog {
    /// The outcome question's choices: the three ways forward, then "not yet" with each reason.
    private static let choices: [(GuidanceOutcome, NotYetReason?)] =
        [(.vneid, nil), (.portal, nil), (.inPerson, nil)] + NotYetReason.allCases.map { (.notYet, $0) }

    static func record(_ dossierID: String, store: Store, workspace: Workspace, reader: LineReader, now: Date = Date()) throws {
        let dossier = try store.dossier(dossierID)
        guard try store.guidanceActivity(forDossier: dossier.id) == nil else { return }
        let render = workspace.render
        Output.line("")
        let answers = askGuidance(reader: reader, workspace: workspace)
        var entry = ActivityRecord(kind: ActivityKind.guidance.rawValue, occurredAt: now, village: dossier.village, residentId: dossier.residentId,
                                   procedureId: dossier.procedureId, dossierId: dossier.id, createdAt: now)
        answers.apply(to: &entry)
        try store.logActivity(entry)
        Output.line(render.t("✓ Đã ghi vào nhật ký: ", "✓ Logged: ") + LogLines.describe(entry, workspace: workspace) + " · \(entry.shortID)")
    }

    /// The log entry of a walk without consent: the same questions, no resident, no dossier.
    static func recordAnonymous(_ procedureID: String, village: String, store: Store, workspace: Workspace, reader: LineReader, now: Date = Date()) throws {
        Output.line("")
        let answers = askGuidance(reader: reader, workspace: workspace)
        var entry = ActivityRecord(kind: ActivityKind.guidance.rawValue, occurredAt: now, village: village, residentId: nil,
                                   procedureId: procedureID, dossierId: nil, createdAt: now)
        answers.apply(to: &entry)
        try store.logActivity(entry)
        Output.line(workspace.render.t("✓ Đã ghi vào nhật ký (không kèm thông tin người dân): ", "✓ Logged (without the resident's data): ")
                    + LogLines.describe(entry, workspace: workspace) + " · \(entry.shortID)")
    }

    /// The outcome, fee, phi địa giới and satisfaction questions; every one may be skipped.
    static func askGuidance(reader: LineReader, workspace: Workspace) -> GuidanceAnswers {
        let render = workspace.render
        var answers = GuidanceAnswers()
        Output.line(render.t("Ghi nhật ký hoạt động — kết quả buổi hướng dẫn:", "Activity log — how did the guidance end?"))
        for (number, choice) in choices.enumerated() {
            let reason = choice.1.map { ": " + render.text($0.label) } ?? ""
            Output.line("  \(number + 1). \(render.text(choice.0.label))\(reason)")
        }
        let choiceNumbers = (1...choices.count).map(String.init)
        if let number = ask(reader, render.t("Chọn 1–\(choices.count) (Enter: chưa rõ): ", "Choose 1–\(choices.count) (Enter: not known): "),
                            completions: choiceNumbers, render: render, parse: { Int($0).flatMap { choices.indices.contains($0 - 1) ? $0 - 1 : nil } }) {
            answers.outcome = choices[number].0
            answers.reason = choices[number].1
        }
        if answers.outcome?.isOnline == true {
            let ways = PaymentWay.allCases
            let list = ways.enumerated().map { "\($0.offset + 1). \(render.text($0.element.label))" }.joined(separator: "  ")
            answers.payment = ask(reader, render.t("Lệ phí — \(list) (Enter: bỏ qua): ", "Fee — \(list) (Enter: skip): "),
                                  completions: ["1", "2", "3"], render: render) { ActivityInput.choice($0, PaymentWay.self, aliases: ActivityInput.paymentAliases) }
            let yesNo = AnswerParser(today: workspace.today)
            answers.outsideCommune = ask(reader, render.t("Người dân thường trú ở xã khác (nộp phi địa giới)? (có/không, Enter: không): ",
                                                          "Does the resident live in another commune? (yes/no, Enter: no): "),
                                         completions: render.language == .vi ? ["có", "không"] : ["yes", "no"], render: render) { line in
                if case .success(.bool(let value)) = yesNo.parseYesNo(.text(line)) { return value }
                return nil
            } ?? false
        }
        answers.satisfaction = ask(reader, render.t("Người dân hài lòng với việc hướng dẫn mức nào? 1 (rất không hài lòng) … 5 (rất hài lòng), Enter: bỏ qua: ",
                                                    "How satisfied is the resident with the guidance? 1 (very unhappy) … 5 (very satisfied), Enter: skip: "),
                                   completions: ["1", "2", "3", "4", "5"], render: render, parse: ActivityInput.satisfaction)
        return answers
    }

    /// Asks until the answer reads, or the volunteer presses Enter (nil), or input ends (nil).
    static func ask<T>(_ reader: LineReader, _ prompt: String, completions: [String], render: Render, parse: (String) -> T?) -> T? {
        while true {
            guard let line = reader.read(prompt: prompt, completions: completions) else { return nil }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || ["bo qua", "skip"].contains(VietnameseFolding.fold(trimmed)) { return nil }
            if let value = parse(trimmed) { return value }
            Output.line("  ✗ " + render.t("Chưa hiểu câu trả lời; gõ một số trong danh sách, hoặc Enter để bỏ qua.",
                                          "Not understood; type a number from the list, or Enter to skip."))
        }
    }
}
