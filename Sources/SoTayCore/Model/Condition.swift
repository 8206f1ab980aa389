/// When a step applies: structured data, never an expression string that is evaluated.
public indirect enum Condition: Sendable, Hashable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case equals(question: String, value: ConditionValue)
    case isIn(question: String, values: [ConditionValue])
    case answered(question: String)

    /// Whether the condition holds for these answers. An unanswered (or skipped) question makes
    /// `equals`, `in` and `answered` false.
    public func holds(for answers: Answers) -> Bool {
        switch self {
        case .all(let conditions): conditions.allSatisfy { $0.holds(for: answers) }
        case .any(let conditions): conditions.contains { $0.holds(for: answers) }
        case .not(let condition): !condition.holds(for: answers)
        case .equals(let question, let value): Self.matches(answers[question], value)
        case .isIn(let question, let values): values.contains { Self.matches(answers[question], $0) }
        case .answered(let question):
            if let answer = answers[question], answer != .skipped { true } else { false }
        }
    }

    /// Every question id the condition reads.
    public var questionIDs: [String] {
        switch self {
        case .all(let conditions), .any(let conditions): conditions.flatMap(\.questionIDs)
        case .not(let condition): condition.questionIDs
        case .equals(let question, _), .isIn(let question, _), .answered(let question): [question]
        }
    }

    private static func matches(_ answer: AnswerValue?, _ value: ConditionValue) -> Bool {
        switch (answer, value) {
        case (.bool(let have)?, .bool(let want)): have == want
        case (.choice(let have)?, .string(let want)): have == want
        case (.choices(let have)?, .string(let want)): have.contains(want)
        case (.text(let have)?, .string(let want)): VietnameseFolding.fold(have) == VietnameseFolding.fold(want)
        case (.integer(let have)?, .integer(let want)): have == want
        case (.date(let have)?, .string(let want)): have.iso == want
        default: false
        }
    }
}

/// A literal a condition compares an answer with.
public enum ConditionValue: Sendable, Hashable, CustomStringConvertible {
    case bool(Bool)
    case string(String)
    case integer(Int)

    public var description: String {
        switch self {
        case .bool(let value): String(value)
        case .string(let value): value
        case .integer(let value): String(value)
        }
    }
}
