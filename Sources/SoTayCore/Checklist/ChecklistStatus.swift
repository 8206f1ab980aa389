/// Where a dossier stands against its checklist: what is done, what is missing, what to do next.
/// Computed from the steps and the answers alone, so every screen and report agrees.
public struct ChecklistStatus: Sendable, Hashable {
    /// Applicable papers the resident has.
    public var documentsHave: [Step]
    /// Applicable required papers the resident does not have yet (answered "chưa có" or not asked yet).
    public var documentsMissing: [Step]
    /// Applicable optional papers not at hand.
    public var documentsOptionalMissing: [Step]
    /// Applicable required questions and papers that have no answer yet.
    public var unansweredRequired: [Step]
    /// Applicable actions, by channel, in the order of the steps.
    public var actions: [(channel: Channel, steps: [Step])]
    /// Share of the applicable required items that are satisfied, 0…1.
    public var completeness: Double
    /// Number of applicable required items.
    public var requiredCount: Int
    /// Number of those satisfied.
    public var satisfiedCount: Int

    /// Whether every required question is answered and every required paper is at hand.
    public var isComplete: Bool { satisfiedCount == requiredCount }

    /// Completeness as a whole percentage, rounded down so 99.6% never shows as 100%.
    public var percent: Int { Int((completeness * 100).rounded(.down)) }

    public static func == (lhs: ChecklistStatus, rhs: ChecklistStatus) -> Bool {
        lhs.documentsHave == rhs.documentsHave && lhs.documentsMissing == rhs.documentsMissing
            && lhs.unansweredRequired == rhs.unansweredRequired && lhs.satisfiedCount == rhs.satisfiedCount
            && lhs.requiredCount == rhs.requiredCount
            && lhs.actions.map(\.channel) == rhs.actions.map(\.channel)
            && lhs.actions.map(\.steps) == rhs.actions.map(\.steps)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(satisfiedCount)
        hasher.combine(requiredCount)
        hasher.combine(documentsMissing)
    }
}

/// The checklist rules: which steps apply, and what a set of answers amounts to.
public enum Checklist {
    /// Whether `step` applies given `answers`.
    public static func applies(_ step: Step, answers: Answers) -> Bool {
        step.condition?.holds(for: answers) ?? true
    }

    /// The status of a dossier with these steps and answers.
    public static func status(steps: [Step], answers: Answers) -> ChecklistStatus {
        var have: [Step] = [], missing: [Step] = [], optionalMissing: [Step] = [], unanswered: [Step] = []
        var actions: [Channel: [Step]] = [:]
        var required = 0, satisfied = 0
        for step in steps where applies(step, answers: answers) {
            let answer = answers[step.id]
            switch step.kind {
            case .info:
                continue
            case .action(let channel):
                actions[channel, default: []].append(step)
            case .question(let question):
                guard question.required else { continue }
                required += 1
                if let answer, answer != .skipped { satisfied += 1 } else { unanswered.append(step) }
            case .document(let isRequired):
                if answer == .bool(true) {
                    have.append(step)
                    if isRequired { required += 1; satisfied += 1 }
                } else if isRequired {
                    required += 1
                    missing.append(step)
                    if answer == nil { unanswered.append(step) }
                } else {
                    optionalMissing.append(step)
                }
            }
        }
        let grouped = Channel.allCases.compactMap { channel in
            actions[channel].map { (channel: channel, steps: $0) }
        }
        return ChecklistStatus(
            documentsHave: have, documentsMissing: missing, documentsOptionalMissing: optionalMissing,
            unansweredRequired: unanswered, actions: grouped,
            completeness: required == 0 ? 1 : Double(satisfied) / Double(required),
            requiredCount: required, satisfiedCount: satisfied)
    }
}
