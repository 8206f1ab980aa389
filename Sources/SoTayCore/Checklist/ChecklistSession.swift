import Foundation

/// The guided walk through one procedure, as a value-type state machine with no I/O.
///
/// The terminal loop shows what a `Transition` says and reads a line; the session decides
/// everything else. A transition that accepts an answer carries it in `accepted`, so the caller
/// can commit it before it shows the next prompt.
public struct ChecklistSession: Sendable {
    public let procedure: Procedure
    /// The steps walked: the procedure's, after the resident intake when there is one.
    public let steps: [Step]
    public private(set) var answers: Answers
    /// Index in `steps` of the step being asked, `nil` once the walk is finished.
    public private(set) var currentIndex: Int?
    private let parser: AnswerParser

    /// What the volunteer typed at a prompt, once the terminal has recognised commands.
    public enum Reply: Sendable, Hashable {
        case answer(AnswerInput)
        case back
        /// `>`: keep the answer shown and go on to the next question still to answer.
        case forward
        case skip
        /// "có" to `confirmSkip`: erase the answer and leave the optional question unanswered.
        case skipConfirmed
        case help
        case quit
    }

    /// What to do after a reply.
    public struct Transition: Sendable {
        /// The answer to commit before anything else is shown.
        public var accepted: (stepID: String, value: AnswerValue)?
        /// Info and action steps passed on the way, to show in order.
        public var passed: [Step]
        public var next: Next
    }

    public enum Next: Sendable {
        /// Ask this step; `current` is its answer when the volunteer came back to it.
        case ask(Step, current: AnswerValue?)
        /// Ask the same step again, saying why.
        case reask(Step, Reason)
        /// Show the step's help, then ask it again.
        case help(Step)
        /// `bỏ qua` on a question already answered: ask before erasing `current`; a yes is
        /// `.skipConfirmed`, anything else asks the step again.
        case confirmSkip(Step, current: AnswerValue)
        /// Nothing left to ask.
        case finished(ChecklistStatus)
        /// The volunteer stopped; everything accepted so far is kept.
        case quit
    }

    public enum Reason: Sendable, Hashable, LocalizedMessage {
        case invalid(ValidationFailure)
        case atFirstQuestion
        /// `>` on a question without an answer: there is nothing to keep.
        case nothingToKeep

        public func message(_ language: Language) -> String {
            switch self {
            case .invalid(let failure): failure.message(language)
            case .atFirstQuestion:
                pick(language, vi: "Đây là câu đầu tiên, không quay lại được nữa.", en: "This is the first question; there is nothing before it.")
            case .nothingToKeep:
                pick(language, vi: "Câu này chưa có câu trả lời để giữ: trả lời, hoặc gõ \"bỏ qua\" nếu không bắt buộc.",
                     en: "This question has no answer to keep: answer it, or type \"skip\" if it is optional.")
            }
        }
    }

    public init(procedure: Procedure, answers: Answers = [:], residentIntake: Bool = false, today: CalendarDate) {
        self.procedure = procedure
        self.steps = (residentIntake ? ResidentIntake.steps : []) + procedure.steps
        self.answers = answers
        self.parser = AnswerParser(today: today)
        self.currentIndex = nil
    }

    /// The status of the dossier as answered so far.
    public var status: ChecklistStatus {
        Checklist.status(steps: steps, answers: answers)
    }

    /// The step being asked, if any.
    public var currentStep: Step? {
        currentIndex.map { steps[$0] }
    }

    /// Starts or resumes the walk at the first step that still needs an answer.
    public mutating func start() -> Transition {
        let target = firstPending()
        let previous = lastAnswered(before: target ?? steps.count)
        return move(from: previous, to: target, accepted: nil)
    }

    /// Takes one reply to the current step.
    public mutating func handle(_ reply: Reply) -> Transition {
        guard let index = currentIndex else {
            return Transition(accepted: nil, passed: [], next: .finished(status))
        }
        let step = steps[index]
        switch reply {
        case .quit:
            return Transition(accepted: nil, passed: [], next: .quit)
        case .help:
            return Transition(accepted: nil, passed: [], next: .help(step))
        case .back:
            guard let previous = (0..<index).last(where: { steps[$0].asks && applies($0) }) else {
                return Transition(accepted: nil, passed: [], next: .reask(step, .atFirstQuestion))
            }
            currentIndex = previous
            return Transition(accepted: nil, passed: [], next: .ask(steps[previous], current: answers[steps[previous].id]))
        case .forward:
            guard answers[step.id] != nil else {
                return Transition(accepted: nil, passed: [], next: .reask(step, .nothingToKeep))
            }
            return move(from: index, to: firstPending(after: index), accepted: nil)
        case .skip, .skipConfirmed:
            guard !step.isRequired else {
                return Transition(accepted: nil, passed: [], next: .reask(step, .invalid(.notSkippable)))
            }
            if reply == .skip, let current = answers[step.id], current != .skipped {
                return Transition(accepted: nil, passed: [], next: .confirmSkip(step, current: current))
            }
            return accept(.skipped, at: index)
        case .answer(.text(let text)) where text.trimmingCharacters(in: .whitespaces).isEmpty && answers[step.id] != nil:
            // Enter on a question shown with its answer (after `<`) keeps that answer.
            return move(from: index, to: firstPending(after: index), accepted: nil)
        case .answer(let input):
            switch parser.parse(input, for: step, answers: answers) {
            case .success(let value): return accept(value, at: index)
            case .failure(let failure): return Transition(accepted: nil, passed: [], next: .reask(step, .invalid(failure)))
            }
        }
    }

    /// Goes back to one question already asked, to change its answer (a supplement the commune
    /// asked for); `nil` when the step asks nothing or does not apply.
    public mutating func revisit(_ stepID: String) -> Transition? {
        guard let index = steps.firstIndex(where: { $0.id == stepID }), steps[index].asks, applies(index) else { return nil }
        currentIndex = index
        return Transition(accepted: nil, passed: [], next: .ask(steps[index], current: answers[stepID]))
    }

    /// The current step asked again as it was first shown (after a `confirmSkip` answered no).
    public func askAgain() -> Transition {
        guard let index = currentIndex else { return Transition(accepted: nil, passed: [], next: .finished(status)) }
        return Transition(accepted: nil, passed: [], next: .ask(steps[index], current: answers[steps[index].id]))
    }

    /// Records an answer given outside the walk (an answers file), checked like a typed one.
    public mutating func prefill(_ input: AnswerInput, for stepID: String) -> Result<AnswerValue, ValidationFailure> {
        guard let step = steps.first(where: { $0.id == stepID }), step.asks else { return .failure(.empty) }
        let result = parser.parse(input, for: step, answers: answers)
        if case .success(let value) = result { answers[stepID] = value }
        return result
    }

    /// Applicable steps that must be answered and are not: what `--no-input` reports.
    public var pendingRequired: [Step] {
        steps.indices.filter { steps[$0].asks && steps[$0].isRequired && applies($0) && answers[steps[$0].id] == nil }
            .map { steps[$0] }
    }

    private mutating func accept(_ value: AnswerValue, at index: Int) -> Transition {
        answers[steps[index].id] = value
        return move(from: index, to: firstPending(), accepted: (steps[index].id, value))
    }

    private mutating func move(from: Int, to target: Int?, accepted: (stepID: String, value: AnswerValue)?) -> Transition {
        currentIndex = target
        let end = target ?? steps.count
        let passed = from + 1 < end
            ? (from + 1..<end).filter { !steps[$0].asks && applies($0) }.map { steps[$0] }
            : []
        guard let target else {
            return Transition(accepted: accepted, passed: passed, next: .finished(status))
        }
        return Transition(accepted: accepted, passed: passed, next: .ask(steps[target], current: answers[steps[target].id]))
    }

    private func applies(_ index: Int) -> Bool {
        Checklist.applies(steps[index], answers: answers)
    }

    private func firstPending() -> Int? {
        steps.indices.first { steps[$0].asks && applies($0) && answers[steps[$0].id] == nil }
    }

    /// The next question after `index` still to answer, else the first one before it (so that
    /// going forward after `<` goes on to the questions the volunteer came back from).
    private func firstPending(after index: Int) -> Int? {
        steps.indices.first { $0 > index && steps[$0].asks && applies($0) && answers[steps[$0].id] == nil } ?? firstPending()
    }

    private func lastAnswered(before end: Int) -> Int {
        (0..<end).last { steps[$0].asks && applies($0) && answers[steps[$0].id] != nil } ?? -1
    }
}
