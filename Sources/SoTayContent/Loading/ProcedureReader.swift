import SoTayCore
import Yams

/// Reads `procedures/ID.yaml` into a `Procedure`, and checks what YAML alone cannot:
/// step ids, choices, and that every condition names an earlier step and a value it can have.
struct ProcedureReader {
    let reader: NodeReader
    let expectedID: String

    static let fields = [
        "id", "title", "aliases", "field", "codes", "level", "authority", "channels", "fee", "processing_time",
        "legal_basis", "sources", "result", "pitfalls", "to_confirm", "guides", "steps", "places",
    ]
    static let required = ["id", "title", "field", "level", "authority", "channels", "fee", "processing_time", "sources", "result", "steps"]
    static let stepFields = ["id", "kind", "text", "help", "when", "type", "required", "choices", "not_future", "min", "max", "max_length", "birth_date", "channel"]

    func read(_ root: Node) -> Procedure? {
        guard let fields = reader.fields(root, "", allowed: Self.fields, required: Self.required) else { return nil }
        let id = reader.id(fields["id"], "id", separator: "-")
        if let id, id != expectedID { reader.report(fields["id"], "id", .idNotFileName(expected: expectedID)) }
        let title = reader.text(fields["title"], "title")
        let field = reader.oneOf(fields["field"], "field", ProcedureField.self, allowed: ProcedureField.allCases)
        let level = reader.oneOf(fields["level"], "level", ProcedureLevel.self, allowed: ProcedureLevel.allCases)
        let authority = reader.text(fields["authority"], "authority")
        let channels = reader.list(fields["channels"], "channels").compactMap {
            reader.oneOf($0.0, $0.1, Channel.self, allowed: [.vneid, .portal, .counter, .post])
        }
        if fields["channels"] != nil && channels.isEmpty { reader.report(fields["channels"], "channels", .empty) }
        let fee = readFee(fields["fee"])
        let time = reader.text(fields["processing_time"], "processing_time")
        let sources = reader.sources(fields["sources"], "sources")
        let result = reader.text(fields["result"], "result")
        let steps = readSteps(fields["steps"])
        guard let id, let title, let field, let level, let authority, let fee, let time, let result,
              !channels.isEmpty, !sources.isEmpty, !steps.isEmpty
        else { return nil }
        return Procedure(
            id: id, title: title, aliases: reader.strings(fields["aliases"], "aliases"), field: field,
            codes: readCodes(fields["codes"]), level: level, authority: authority, channels: channels, fee: fee,
            processingTime: time, legalBasis: reader.strings(fields["legal_basis"], "legal_basis"), sources: sources,
            result: result, pitfalls: reader.texts(fields["pitfalls"], "pitfalls"),
            toConfirm: reader.texts(fields["to_confirm"], "to_confirm"),
            guides: reader.list(fields["guides"], "guides").compactMap { reader.id($0.0, $0.1, separator: "-") },
            steps: steps, places: readPlaces(fields["places"], channels: channels))
    }

    /// `places: {counter: Tại Công an xã, …}`: each key one of the procedure's channels.
    private func readPlaces(_ node: Node?, channels: [Channel]) -> [Channel: LocalizedText] {
        guard let node, node.null == nil else { return [:] }
        guard let mapping = node.mapping else {
            reader.report(node, "places", .wrongType(expected: "mapping"))
            return [:]
        }
        var places: [Channel: LocalizedText] = [:]
        for (key, value) in mapping {
            let name = key.scalar?.string ?? ""
            guard let channel = Channel(rawValue: name), channel != .any else {
                reader.report(key, "places.\(name)", .notOneOf([Channel.vneid, .portal, .counter, .post].map(\.rawValue)))
                continue
            }
            guard channels.contains(channel) else {
                reader.report(key, "places.\(name)", .placeNotAChannel(name))
                continue
            }
            if let text = reader.text(value, "places.\(name)") { places[channel] = text }
        }
        return places
    }

    private func readFee(_ node: Node?) -> Fee? {
        guard let parts = reader.fields(node, "fee", allowed: ["text", "province_dependent"], required: ["text"]),
              let text = reader.text(parts["text"], "fee.text")
        else { return nil }
        return Fee(text: text, provinceDependent: reader.bool(parts["province_dependent"], "fee.province_dependent") ?? false)
    }

    private func readCodes(_ node: Node?) -> [ProcedureCode] {
        reader.list(node, "codes").compactMap { item, path in
            guard let parts = reader.fields(item, path, allowed: ["code", "verified", "note"], required: ["code"]),
                  let code = reader.string(parts["code"], "\(path).code")
            else { return nil }
            let shape = code.split(separator: ".")
            if shape.count != 2 || !code.allSatisfy({ $0.isNumber || $0 == "." }) {
                reader.report(parts["code"], "\(path).code", .wrongType(expected: "a code like 1.001193"))
            }
            return ProcedureCode(code: code, verified: reader.bool(parts["verified"], "\(path).verified") ?? true,
                                 note: reader.text(parts["note"], "\(path).note"))
        }
    }

    private func readSteps(_ node: Node?) -> [Step] {
        let items = reader.list(node, "steps")
        if node != nil && items.isEmpty { reader.report(node, "steps", .empty) }
        var steps: [Step] = []
        var seen: Set<String> = []
        for (item, path) in items {
            guard let step = readStep(item, path, earlier: steps) else { continue }
            if seen.contains(step.id) {
                reader.report(item, "\(path).id", .duplicateID(step.id))
                continue
            }
            seen.insert(step.id)
            steps.append(step)
        }
        return steps
    }

    private func readStep(_ node: Node, _ path: String, earlier: [Step]) -> Step? {
        guard let fields = reader.fields(node, path, allowed: Self.stepFields, required: ["id", "kind", "text"]) else { return nil }
        let id = reader.id(fields["id"], "\(path).id", separator: "_")
        if let id, ResidentIntake.isIntake(id) { reader.report(fields["id"], "\(path).id", .reservedID) }
        let text = reader.text(fields["text"], "\(path).text")
        let help = reader.text(fields["help"], "\(path).help")
        let condition = fields["when"].flatMap { ConditionReader(reader: reader, earlier: earlier).read($0, "\(path).when") }
        let kindName = reader.string(fields["kind"], "\(path).kind")
        let kinds = ["info", "question", "document", "action"]
        guard let kindName, kinds.contains(kindName) else {
            if kindName != nil { reader.report(fields["kind"], "\(path).kind", .notOneOf(kinds)) }
            return nil
        }
        let questionOnly = ["type", "choices", "not_future", "min", "max", "max_length", "birth_date"]
        let kind: Step.Kind?
        switch kindName {
        case "question":
            kind = readQuestion(fields, path, earlier: earlier).map(Step.Kind.question)
        case "document":
            refuse(fields, questionOnly + ["channel"], path, type: kindName)
            kind = .document(required: reader.bool(fields["required"], "\(path).required") ?? true)
        case "action":
            refuse(fields, questionOnly + ["required"], path, type: kindName)
            if fields["channel"] == nil { reader.report(node, "\(path).channel", .missing) }
            kind = reader.oneOf(fields["channel"], "\(path).channel", Channel.self, allowed: Channel.allCases).map(Step.Kind.action)
        default:
            refuse(fields, questionOnly + ["required", "channel"], path, type: kindName)
            kind = .info
        }
        guard let id, let text, let kind else { return nil }
        return Step(id: id, kind: kind, text: text, help: help, condition: condition)
    }

    private func refuse(_ fields: [String: Node], _ names: [String], _ path: String, type: String) {
        for name in names {
            if let node = fields[name] { reader.report(node, "\(path).\(name)", .notForType(type)) }
        }
    }

    private func readQuestion(_ fields: [String: Node], _ path: String, earlier: [Step]) -> Question? {
        refuse(fields, ["channel"], path, type: "question")
        guard fields["type"] != nil else {
            reader.report(nil, "\(path).type", .missing, line: fields["id"]?.mark?.line)
            return nil
        }
        guard let type = reader.oneOf(fields["type"], "\(path).type", QuestionType.self, allowed: QuestionType.allCases) else { return nil }
        let isChoice = type == .singleChoice || type == .multipleChoice
        var choices: [Choice] = []
        if isChoice {
            var seen: Set<String> = []
            for (item, itemPath) in reader.list(fields["choices"], "\(path).choices") {
                guard let parts = reader.fields(item, itemPath, allowed: ["id", "label"], required: ["id", "label"]),
                      let id = reader.id(parts["id"], "\(itemPath).id", separator: "_"),
                      let label = reader.text(parts["label"], "\(itemPath).label")
                else { continue }
                if !seen.insert(id).inserted { reader.report(parts["id"], "\(itemPath).id", .duplicateID(id)) }
                choices.append(Choice(id: id, label: label))
            }
            if choices.count < 2 { reader.report(fields["choices"], "\(path).choices", .tooFewChoices, line: fields["type"]?.mark?.line) }
        } else if let node = fields["choices"] {
            reader.report(node, "\(path).choices", .notForType(type.rawValue))
        }
        if type != .date, let node = fields["not_future"] { reader.report(node, "\(path).not_future", .notForType(type.rawValue)) }
        if type != .integer {
            for name in ["min", "max"] { if let node = fields[name] { reader.report(node, "\(path).\(name)", .notForType(type.rawValue)) } }
        }
        if type != .text, let node = fields["max_length"] { reader.report(node, "\(path).max_length", .notForType(type.rawValue)) }
        var birthDate: String?
        if let node = fields["birth_date"] {
            if type != .cccd {
                reader.report(node, "\(path).birth_date", .notForType(type.rawValue))
            } else if let target = reader.string(node, "\(path).birth_date") {
                if let step = earlier.first(where: { $0.id == target }) {
                    if step.question?.type != .date { reader.report(node, "\(path).birth_date", .wrongType(expected: "the id of a date question")) }
                    birthDate = target
                } else {
                    reader.report(node, "\(path).birth_date", .unknownQuestion(target))
                }
            }
        }
        let minimum = reader.int(fields["min"], "\(path).min")
        let maximum = reader.int(fields["max"], "\(path).max")
        if let minimum, let maximum, minimum > maximum { reader.report(fields["min"], "\(path).min", .minAboveMax) }
        return Question(
            type: type, required: reader.bool(fields["required"], "\(path).required") ?? true, choices: choices,
            notFuture: reader.bool(fields["not_future"], "\(path).not_future") ?? false, minimum: minimum, maximum: maximum,
            maxLength: reader.int(fields["max_length"], "\(path).max_length") ?? 200, birthDateQuestion: birthDate)
    }
}

/// Reads a `when:` condition and checks it against the steps before it.
struct ConditionReader {
    let reader: NodeReader
    let earlier: [Step]
    static let kinds = ["all", "any", "not", "equals", "in", "answered"]

    func read(_ node: Node, _ path: String) -> Condition? {
        guard let fields = reader.fields(node, path, allowed: Self.kinds, required: []) else { return nil }
        guard fields.count == 1, let (kind, value) = fields.first else {
            reader.report(node, path, .notOneOf(Self.kinds))
            return nil
        }
        let here = "\(path).\(kind)"
        switch kind {
        case "all", "any":
            let items = reader.list(value, here)
            if items.isEmpty { reader.report(value, here, .empty) }
            let conditions = items.compactMap { read($0.0, $0.1) }
            guard conditions.count == items.count, !items.isEmpty else { return nil }
            return kind == "all" ? .all(conditions) : .any(conditions)
        case "not":
            return read(value, here).map(Condition.not)
        case "answered":
            guard let id = reader.string(value, here), step(id, node: value, here) != nil else { return nil }
            return .answered(question: id)
        case "equals":
            guard let parts = reader.fields(value, here, allowed: ["question", "value"], required: ["question", "value"]),
                  let id = reader.string(parts["question"], "\(here).question"),
                  let step = step(id, node: parts["question"], "\(here).question"),
                  let literal = parts["value"].flatMap({ literal($0, "\(here).value", for: step) })
            else { return nil }
            return .equals(question: id, value: literal)
        default:  // "in"
            guard let parts = reader.fields(value, here, allowed: ["question", "values"], required: ["question", "values"]),
                  let id = reader.string(parts["question"], "\(here).question"),
                  let step = step(id, node: parts["question"], "\(here).question")
            else { return nil }
            let items = reader.list(parts["values"], "\(here).values")
            let literals = items.compactMap { literal($0.0, $0.1, for: step) }
            guard literals.count == items.count, !items.isEmpty else { return nil }
            return .isIn(question: id, values: literals)
        }
    }

    private func step(_ id: String, node: Node?, _ path: String) -> Step? {
        guard let step = earlier.first(where: { $0.id == id }) else {
            reader.report(node, path, .unknownQuestion(id))
            return nil
        }
        guard step.asks else {
            reader.report(node, path, .notAQuestion(id))
            return nil
        }
        return step
    }

    /// The literal, if the step can have it as an answer.
    private func literal(_ node: Node, _ path: String, for step: Step) -> ConditionValue? {
        guard let raw = node.scalar?.string else {
            reader.report(node, path, .wrongType(expected: "a single value"))
            return nil
        }
        let impossible = ContentProblem.Kind.valueNotPossible(value: raw, question: step.id)
        switch step.kind {
        case .document:
            guard raw == "true" || raw == "false" else { reader.report(node, path, impossible); return nil }
            return .bool(raw == "true")
        case .question(let question):
            switch question.type {
            case .yesNo:
                guard raw == "true" || raw == "false" else { reader.report(node, path, impossible); return nil }
                return .bool(raw == "true")
            case .singleChoice, .multipleChoice:
                guard question.choices.contains(where: { $0.id == raw }) else { reader.report(node, path, impossible); return nil }
                return .string(raw)
            case .integer:
                guard let number = Int(raw) else { reader.report(node, path, impossible); return nil }
                return .integer(number)
            case .date:
                guard CalendarDate(iso: raw) != nil else { reader.report(node, path, .badDate); return nil }
                return .string(raw)
            case .text, .cccd, .phone:
                return .string(raw)
            }
        case .info, .action:
            return nil
        }
    }
}
