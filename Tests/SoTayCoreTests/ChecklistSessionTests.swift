import Testing
@testable import SoTayCore

/// A small procedure with one of each kind of step and a branch.
func sampleProcedure() -> Procedure {
    let checked = CalendarDate(year: 2026, month: 6, day: 10)!
    return Procedure(
        id: "vi-du", title: LocalizedText(vi: "Đăng ký khai sinh"), aliases: ["làm giấy khai sinh"], field: .hoTich,
        codes: [ProcedureCode(code: "1.001193")], level: .xa, authority: LocalizedText(vi: "UBND cấp xã"),
        channels: [.vneid, .counter], fee: Fee(text: LocalizedText(vi: "Miễn lệ phí nếu đúng hạn.")),
        processingTime: LocalizedText(vi: "1 ngày làm việc"),
        sources: [Source(title: "Cổng DVCQG", checked: checked)], result: LocalizedText(vi: "Giấy khai sinh"),
        steps: [
            Step(id: "mo_dau", kind: .info, text: LocalizedText(vi: "Mở đầu")),
            Step(id: "noi_sinh", kind: .question(Question(type: .singleChoice, choices: [
                Choice(id: "co_so_y_te", label: LocalizedText(vi: "Cơ sở y tế")),
                Choice(id: "tai_nha", label: LocalizedText(vi: "Tại nhà")),
            ])), text: LocalizedText(vi: "Cháu sinh ở đâu?")),
            Step(id: "giay_chung_sinh", kind: .document(required: true), text: LocalizedText(vi: "Giấy chứng sinh"),
                 condition: .equals(question: "noi_sinh", value: .string("co_so_y_te"))),
            Step(id: "nguoi_lam_chung", kind: .document(required: true), text: LocalizedText(vi: "Văn bản người làm chứng"),
                 condition: .equals(question: "noi_sinh", value: .string("tai_nha"))),
            Step(id: "ghi_chu", kind: .question(Question(type: .text, required: false)), text: LocalizedText(vi: "Ghi chú")),
            Step(id: "giay_uy_quyen", kind: .document(required: false), text: LocalizedText(vi: "Giấy ủy quyền")),
            Step(id: "nop_vneid", kind: .action(.vneid), text: LocalizedText(vi: "Nộp trên VNeID")),
            Step(id: "nop_mot_cua", kind: .action(.counter), text: LocalizedText(vi: "Hoặc nộp tại một cửa"),
                 condition: .equals(question: "noi_sinh", value: .string("tai_nha"))),
        ])
}

private let today = CalendarDate(year: 2026, month: 11, day: 24)!

private func asked(_ transition: ChecklistSession.Transition) -> String? {
    if case .ask(let step, _) = transition.next { return step.id }
    return nil
}

@Suite("The guided session decides what comes next")
struct ChecklistSessionTests {
    @Test("a walk starts with the intake, shows info steps on the way, and follows the branch")
    func walk() {
        var session = ChecklistSession(procedure: sampleProcedure(), residentIntake: true, today: today)
        var transition = session.start()
        #expect(asked(transition) == ResidentIntake.nameID)
        transition = session.handle(.answer(.text("Trần Thị Bình")))
        #expect(transition.accepted?.stepID == ResidentIntake.nameID)
        #expect(transition.accepted?.value == .text("Trần Thị Bình"))
        transition = session.handle(.skip)
        #expect(transition.accepted?.value == .skipped, "the phone is optional")
        #expect(transition.passed.map(\.id) == ["mo_dau"])
        #expect(asked(transition) == "noi_sinh")
        transition = session.handle(.answer(.text("2")))
        #expect(asked(transition) == "nguoi_lam_chung", "born at home: the witness paper, not the birth certificate")
        transition = session.handle(.answer(.text("chưa")))
        #expect(transition.accepted?.value == .bool(false))
        #expect(asked(transition) == "ghi_chu")
        transition = session.handle(.skip)
        #expect(asked(transition) == "giay_uy_quyen")
        transition = session.handle(.answer(.text("không")))
        guard case .finished(let status) = transition.next else {
            Issue.record("expected the end of the walk")
            return
        }
        #expect(transition.passed.map(\.id) == ["nop_vneid", "nop_mot_cua"])
        #expect(status.documentsMissing.map(\.id) == ["nguoi_lam_chung"])
        #expect(status.documentsOptionalMissing.map(\.id) == ["giay_uy_quyen"])
        #expect(status.actions.map(\.channel) == [.vneid, .counter])
        #expect(!status.isComplete)
        #expect(status.requiredCount == 3, "name, place of birth, the witness paper")
        #expect(status.percent == 66)
    }

    @Test("an invalid answer is asked again with the reason, and nothing is accepted")
    func reask() {
        var session = ChecklistSession(procedure: sampleProcedure(), today: today)
        _ = session.start()
        let transition = session.handle(.answer(.text("7")))
        #expect(transition.accepted == nil)
        guard case .reask(let step, .invalid(.unknownChoice(count: 2))) = transition.next else {
            Issue.record("expected a re-ask")
            return
        }
        #expect(step.id == "noi_sinh")
        #expect(session.answers.isEmpty)
    }

    @Test("a required question cannot be skipped")
    func requiredSkip() {
        var session = ChecklistSession(procedure: sampleProcedure(), today: today)
        _ = session.start()
        guard case .reask(_, .invalid(.notSkippable)) = session.handle(.skip).next else {
            Issue.record("expected a refusal")
            return
        }
    }

    @Test("back returns to the previous question with its answer, and a changed answer changes the branch")
    func back() {
        var session = ChecklistSession(procedure: sampleProcedure(), today: today)
        _ = session.start()
        _ = session.handle(.answer(.text("1")))
        guard case .ask(let previous, let current) = session.handle(.back).next else {
            Issue.record("expected to go back")
            return
        }
        #expect(previous.id == "noi_sinh")
        #expect(current == .choice("co_so_y_te"))
        #expect(asked(session.handle(.answer(.text("2")))) == "nguoi_lam_chung")
        guard case .reask(_, .atFirstQuestion) = { var copy = session; _ = copy.handle(.back); return copy.handle(.back).next }() else {
            Issue.record("expected a notice at the first question")
            return
        }
    }

    @Test("resuming with saved answers starts at the first unanswered step")
    func resume() {
        var session = ChecklistSession(procedure: sampleProcedure(), answers: ["noi_sinh": .choice("co_so_y_te")], today: today)
        let transition = session.start()
        #expect(asked(transition) == "giay_chung_sinh")
        #expect(transition.passed.isEmpty, "info steps before the answered question are not repeated")
    }

    @Test("help and quit accept nothing")
    func helpAndQuit() {
        var session = ChecklistSession(procedure: sampleProcedure(), today: today)
        _ = session.start()
        guard case .help(let step) = session.handle(.help).next else {
            Issue.record("expected help")
            return
        }
        #expect(step.id == "noi_sinh")
        guard case .quit = session.handle(.quit).next else {
            Issue.record("expected quit")
            return
        }
        #expect(session.answers.isEmpty)
    }

    @Test("pending required steps are what an answers file must still give")
    func pending() {
        var session = ChecklistSession(procedure: sampleProcedure(), today: today)
        #expect(session.pendingRequired.map(\.id) == ["noi_sinh"])
        _ = session.prefill(.text("tai_nha"), for: "noi_sinh")
        #expect(session.pendingRequired.map(\.id) == ["nguoi_lam_chung"])
        _ = session.prefill(.bool(true), for: "nguoi_lam_chung")
        #expect(session.pendingRequired.isEmpty)
        #expect(session.status.isComplete)
        #expect(session.status.percent == 100)
    }
}
