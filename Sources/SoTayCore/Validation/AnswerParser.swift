/// What the volunteer gave for a step: a typed line, or a value from an answers file.
public enum AnswerInput: Sendable, Hashable {
    case text(String)
    case bool(Bool)
    case number(Int)
    case list([String])
}

/// Turns typed answers into accepted values, or says why not. Pure: "today" is passed in.
public struct AnswerParser: Sendable {
    public var today: CalendarDate

    public init(today: CalendarDate) {
        self.today = today
    }

    /// Parses `input` for `step`. `answers` are the dossier's other answers (for cross-checks).
    public func parse(_ input: AnswerInput, for step: Step, answers: Answers = [:]) -> Result<AnswerValue, ValidationFailure> {
        switch step.kind {
        case .document:
            return parseYesNo(input)
        case .question(let question):
            return parse(input, question: question, answers: answers)
        case .info, .action:
            return .failure(.empty)
        }
    }

    func parse(_ input: AnswerInput, question: Question, answers: Answers) -> Result<AnswerValue, ValidationFailure> {
        if case .text(let raw) = input, raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failure(.empty)
        }
        switch question.type {
        case .text:
            guard case .text(let raw) = input else { return .failure(.empty) }
            return parseText(raw, maxLength: question.maxLength)
        case .yesNo:
            return parseYesNo(input)
        case .singleChoice:
            return parseChoice(Self.flatten(input), choices: question.choices).map(AnswerValue.choice)
        case .multipleChoice:
            return parseChoices(input, choices: question.choices)
        case .date:
            return parseDate(Self.flatten(input), notFuture: question.notFuture)
        case .cccd:
            let birthDate: CalendarDate? = question.birthDateQuestion.flatMap {
                if case .date(let date)? = answers[$0] { date } else { nil }
            }
            return CCCD.validate(Self.flatten(input), today: today, birthDate: birthDate).map { .text($0.digits) }
        case .phone:
            return PhoneNumber.normalize(Self.flatten(input)).map(AnswerValue.text)
        case .integer:
            return parseInteger(input, minimum: question.minimum, maximum: question.maximum)
        }
    }

    private static func flatten(_ input: AnswerInput) -> String {
        switch input {
        case .text(let text): text
        case .bool(let value): value ? "có" : "không"
        case .number(let number): String(number)
        case .list(let items): items.joined(separator: ",")
        }
    }

    func parseText(_ raw: String, maxLength: Int) -> Result<AnswerValue, ValidationFailure> {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= maxLength else { return .failure(.tooLong(max: maxLength)) }
        guard !CredentialGuard.looksLikeCredential(text) else { return .failure(.looksLikeCredential) }
        return .success(.text(text.precomposedStringWithCanonicalMapping))
    }

    private static let yesWords: Set<String> = ["co", "c", "yes", "y", "1", "roi", "da co", "co roi", "dung", "vang", "true"]
    private static let noWords: Set<String> = ["khong", "k", "ko", "no", "n", "0", "chua", "chua co", "sai", "false"]

    public func parseYesNo(_ input: AnswerInput) -> Result<AnswerValue, ValidationFailure> {
        if case .bool(let value) = input { return .success(.bool(value)) }
        let folded = VietnameseFolding.fold(Self.flatten(input))
        if Self.yesWords.contains(folded) { return .success(.bool(true)) }
        if Self.noWords.contains(folded) { return .success(.bool(false)) }
        return .failure(folded.isEmpty ? .empty : .notYesNo)
    }

    func parseChoice(_ raw: String, choices: [Choice]) -> Result<String, ValidationFailure> {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if let number = Int(trimmed) {
            // Compared before subtracting: `Int.min - 1` would trap.
            guard number >= 1, number <= choices.count else { return .failure(.unknownChoice(count: choices.count)) }
            return .success(choices[number - 1].id)
        }
        let folded = VietnameseFolding.fold(trimmed)
        if let exact = choices.first(where: { $0.id == trimmed || VietnameseFolding.fold($0.label.vi) == folded
            || $0.label.en.map(VietnameseFolding.fold) == folded }) {
            return .success(exact.id)
        }
        let prefixed = choices.filter { !folded.isEmpty && VietnameseFolding.fold($0.label.vi).hasPrefix(folded) }
        if prefixed.count == 1 { return .success(prefixed[0].id) }
        return .failure(.unknownChoice(count: choices.count))
    }

    func parseChoices(_ input: AnswerInput, choices: [Choice]) -> Result<AnswerValue, ValidationFailure> {
        let items: [String]
        switch input {
        case .list(let list): items = list
        default:
            let raw = Self.flatten(input)
            if case .success(let single) = parseChoice(raw, choices: choices) { return .success(.choices([single])) }
            items = raw.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).map(String.init)
        }
        var picked: [String] = []
        for item in items where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            switch parseChoice(item, choices: choices) {
            case .success(let id):
                guard !picked.contains(id) else { return .failure(.duplicateChoice) }
                picked.append(id)
            case .failure(let failure):
                return .failure(failure)
            }
        }
        guard !picked.isEmpty else { return .failure(.empty) }
        // Keep the order of the choices, not of the typing, so equal answers compare equal.
        let order = choices.map(\.id)
        return .success(.choices(picked.sorted { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) }))
    }

    func parseDate(_ raw: String, notFuture: Bool) -> Result<AnswerValue, ValidationFailure> {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let date: CalendarDate?
        if let iso = CalendarDate(iso: trimmed) {
            date = iso
        } else {
            let parts = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." })
            guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
                  parts.allSatisfy({ part in part.allSatisfy { $0.isASCIIDigit } }),
                  let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2])
            else { return .failure(.notADate) }
            date = CalendarDate(year: year, month: month, day: day)
        }
        guard let date else { return .failure(.impossibleDate) }
        if notFuture && date > today { return .failure(.futureDate) }
        return .success(.date(date))
    }

    func parseInteger(_ input: AnswerInput, minimum: Int?, maximum: Int?) -> Result<AnswerValue, ValidationFailure> {
        let number: Int
        switch input {
        case .number(let value): number = value
        default:
            let trimmed = Self.flatten(input).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let value = Int(trimmed) else { return .failure(.notAnInteger) }
            number = value
        }
        if let minimum, number < minimum { return .failure(.integerTooSmall(min: minimum)) }
        if let maximum, number > maximum { return .failure(.integerTooLarge(max: maximum)) }
        return .success(.integer(number))
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
