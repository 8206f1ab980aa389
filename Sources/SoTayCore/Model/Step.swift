/// One step of a guided checklist.
public struct Step: Sendable, Hashable, Identifiable {
    public var id: String
    public var kind: Kind
    public var text: LocalizedText
    public var help: LocalizedText?
    /// When the step applies; `nil` means always.
    public var condition: Condition?

    public enum Kind: Sendable, Hashable {
        /// Something to tell the resident; asks nothing.
        case info
        /// A question the volunteer asks.
        case question(Question)
        /// A paper the dossier needs; the walk asks whether the resident has it.
        case document(required: Bool)
        /// What to do, and where.
        case action(Channel)
    }

    public init(id: String, kind: Kind, text: LocalizedText, help: LocalizedText? = nil, condition: Condition? = nil) {
        self.id = id
        self.kind = kind
        self.text = text
        self.help = help
        self.condition = condition
    }

    /// The question, for a question step.
    public var question: Question? {
        if case .question(let question) = kind { return question }
        return nil
    }

    /// Whether the walk stops at this step for an answer.
    public var asks: Bool {
        switch kind {
        case .question, .document: true
        case .info, .action: false
        }
    }

    /// Whether the step must be answered (or the paper present) for the dossier to be complete.
    public var isRequired: Bool {
        switch kind {
        case .question(let question): question.required
        case .document(let required): required
        case .info, .action: false
        }
    }
}

/// A typed question.
public struct Question: Sendable, Hashable {
    public var type: QuestionType
    public var required: Bool
    public var choices: [Choice]
    /// Dates: refuse a date after today.
    public var notFuture: Bool
    public var minimum: Int?
    public var maximum: Int?
    public var maxLength: Int
    /// CCCD: the id of the date question holding the owner's birth date, checked against the number.
    public var birthDateQuestion: String?

    public init(
        type: QuestionType, required: Bool = true, choices: [Choice] = [], notFuture: Bool = false,
        minimum: Int? = nil, maximum: Int? = nil, maxLength: Int = 200, birthDateQuestion: String? = nil
    ) {
        self.type = type
        self.required = required
        self.choices = choices
        self.notFuture = notFuture
        self.minimum = minimum
        self.maximum = maximum
        self.maxLength = maxLength
        self.birthDateQuestion = birthDateQuestion
    }
}

public enum QuestionType: String, Sendable, Hashable, CaseIterable, Codable {
    case text
    case yesNo = "yes_no"
    case singleChoice = "single_choice"
    case multipleChoice = "multiple_choice"
    case date
    case cccd
    case phone
    case integer
}

/// One choice of a choice question.
public struct Choice: Sendable, Hashable, Identifiable {
    public var id: String
    public var label: LocalizedText

    public init(id: String, label: LocalizedText) {
        self.id = id
        self.label = label
    }
}
