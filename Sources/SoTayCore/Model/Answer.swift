/// An accepted answer to a question step or a document step.
public enum AnswerValue: Sendable, Hashable {
    case text(String)
    case bool(Bool)
    case choice(String)
    case choices([String])
    case date(CalendarDate)
    case integer(Int)
    /// An optional question the volunteer chose to skip: not asked again.
    case skipped

    /// How the answer reads back to the volunteer, in `language`, for `step`.
    public func display(for step: Step?, _ language: Language) -> String {
        let labels = step?.question?.choices ?? []
        func label(_ id: String) -> String {
            labels.first { $0.id == id }?.label.text(language) ?? id
        }
        switch self {
        case .text(let text): return text
        case .bool(let value):
            if case .document = step?.kind {
                return value ? (language == .vi ? "đã có" : "has it") : (language == .vi ? "chưa có" : "missing")
            }
            return value ? (language == .vi ? "có" : "yes") : (language == .vi ? "không" : "no")
        case .choice(let id): return label(id)
        case .choices(let ids): return ids.map(label).joined(separator: ", ")
        case .date(let date): return date.vietnamese
        case .integer(let number): return String(number)
        case .skipped: return language == .vi ? "(bỏ qua)" : "(skipped)"
        }
    }
}

extension AnswerValue: Codable {
    private enum CodingKeys: String, CodingKey { case type, value }
    private enum Tag: String, Codable { case text, bool, choice, choices, date, integer, skipped }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Tag.self, forKey: .type) {
        case .text: self = .text(try container.decode(String.self, forKey: .value))
        case .bool: self = .bool(try container.decode(Bool.self, forKey: .value))
        case .choice: self = .choice(try container.decode(String.self, forKey: .value))
        case .choices: self = .choices(try container.decode([String].self, forKey: .value))
        case .date: self = .date(try container.decode(CalendarDate.self, forKey: .value))
        case .integer: self = .integer(try container.decode(Int.self, forKey: .value))
        case .skipped: self = .skipped
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let value): try container.encode(Tag.text, forKey: .type); try container.encode(value, forKey: .value)
        case .bool(let value): try container.encode(Tag.bool, forKey: .type); try container.encode(value, forKey: .value)
        case .choice(let value): try container.encode(Tag.choice, forKey: .type); try container.encode(value, forKey: .value)
        case .choices(let value): try container.encode(Tag.choices, forKey: .type); try container.encode(value, forKey: .value)
        case .date(let value): try container.encode(Tag.date, forKey: .type); try container.encode(value, forKey: .value)
        case .integer(let value): try container.encode(Tag.integer, forKey: .type); try container.encode(value, forKey: .value)
        case .skipped: try container.encode(Tag.skipped, forKey: .type)
        }
    }
}

/// The answers of one dossier, by step id.
public typealias Answers = [String: AnswerValue]
