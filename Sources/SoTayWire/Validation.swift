import Foundation
import SoTayCore

/// Field checks both sides agree on. The hub refuses a body with any problem, whole.
extension DossierUpload {
    public static let maxAnswers = 500
    public static let maxTextLength = 4000
    public static let maxAttachments = 50
    /// No laptop makes a millionth revision of one dossier; a larger number is an attack or a bug.
    public static let maxRevision = 1_000_000

    public var problems: [FieldProblem] {
        var problems: [FieldProblem] = []
        if !Identifiers.isUUID(id) { problems.append(.init(field: "id", problem: "must be a lowercase UUID")) }
        if revision < 1 || revision > Self.maxRevision { problems.append(.init(field: "revision", problem: "must be 1–\(Self.maxRevision)")) }
        if !Identifiers.isSlug(procedureId) { problems.append(.init(field: "procedureId", problem: "must be lowercase letters, digits and hyphens (1–80)")) }
        if packVersion.isEmpty || packVersion.count > 40 { problems.append(.init(field: "packVersion", problem: "must be 1–40 characters")) }
        if !Identifiers.isUUID(residentId) { problems.append(.init(field: "residentId", problem: "must be a lowercase UUID")) }
        for (field, value) in [("village", village), ("commune", commune)] where !Identifiers.isName(value) {
            problems.append(.init(field: field, problem: "must be 1–200 characters"))
        }
        if requiredCount < 0 { problems.append(.init(field: "requiredCount", problem: "must be 0 or more")) }
        if satisfiedCount < 0 || satisfiedCount > max(requiredCount, 0) {
            problems.append(.init(field: "satisfiedCount", problem: "must be between 0 and requiredCount"))
        }
        if answers.count > Self.maxAnswers { problems.append(.init(field: "answers", problem: "at most \(Self.maxAnswers) answers")) }
        for (key, value) in answers.sorted(by: { $0.key < $1.key }) {
            if !Identifiers.isStepID(key) { problems.append(.init(field: "answers.\(key.prefix(80))", problem: "is not a step id")) }
            if value.textLength > Self.maxTextLength { problems.append(.init(field: "answers.\(key.prefix(80))", problem: "longer than \(Self.maxTextLength) characters")) }
        }
        if readyAt < createdAt { problems.append(.init(field: "readyAt", problem: "must not be before createdAt")) }
        if attachments.count > Self.maxAttachments { problems.append(.init(field: "attachments", problem: "at most \(Self.maxAttachments)")) }
        for (index, attachment) in attachments.enumerated() {
            problems += attachment.problems.map { FieldProblem(field: "attachments[\(index)].\($0.field)", problem: $0.problem) }
        }
        if Set(attachments.map(\.sha256)).count != attachments.count {
            problems.append(.init(field: "attachments", problem: "each blob at most once"))
        }
        return problems
    }
}

extension ActivityUpload {
    public var problems: [FieldProblem] {
        var problems: [FieldProblem] = []
        if !Identifiers.isUUID(id) { problems.append(.init(field: "id", problem: "must be a lowercase UUID")) }
        if !Identifiers.isSlug(kind) { problems.append(.init(field: "kind", problem: "must be a kind name")) }
        for (field, value, allowed) in [("outcome", outcome, GuidanceOutcome.allCases.map(\.rawValue)), ("reason", reason, NotYetReason.allCases.map(\.rawValue)),
                                        ("payment", payment, PaymentWay.allCases.map(\.rawValue)), ("channel", channel, CommunicationChannel.allCases.map(\.rawValue))] {
            if let value, !allowed.contains(value) { problems.append(.init(field: field, problem: "must be one of " + allowed.joined(separator: ", "))) }
        }
        if kind == ActivityKind.undo.rawValue {
            if !retracts.map(Identifiers.isUUID).orFalse { problems.append(.init(field: "retracts", problem: "an undo names the entry it takes back (a lowercase UUID)")) }
        } else if retracts != nil {
            problems.append(.init(field: "retracts", problem: "only an undo takes an entry back"))
        }
        if retracts == id { problems.append(.init(field: "retracts", problem: "an entry cannot take itself back")) }
        if !Identifiers.isName(village) { problems.append(.init(field: "village", problem: "must be 1–200 characters")) }
        for (field, value) in [("residentId", residentId), ("dossierId", dossierId)] {
            if let value, !Identifiers.isUUID(value) { problems.append(.init(field: field, problem: "must be a lowercase UUID")) }
        }
        if let procedureId, !Identifiers.isSlug(procedureId) { problems.append(.init(field: "procedureId", problem: "must be a procedure id")) }
        if let participants, participants < 0 || participants > 100_000 { problems.append(.init(field: "participants", problem: "must be 0–100000")) }
        if let satisfaction, !(1...5).contains(satisfaction) { problems.append(.init(field: "satisfaction", problem: "must be 1–5")) }
        for (field, value) in [("topic", topic), ("notes", notes)] {
            if let value, value.count > DossierUpload.maxTextLength { problems.append(.init(field: field, problem: "too long")) }
        }
        return problems
    }
}

extension AttachmentRef {
    public static let mediaTypes: Set<String> = ["image/jpeg", "image/png", "application/pdf"]

    public var problems: [FieldProblem] {
        var problems: [FieldProblem] = []
        if !Identifiers.isSHA256(sha256) { problems.append(.init(field: "sha256", problem: "must be 64 lowercase hex digits")) }
        if size < 1 || size > WireProtocol.maxBlobSize { problems.append(.init(field: "size", problem: "must be 1–\(WireProtocol.maxBlobSize)")) }
        if !Self.mediaTypes.contains(mediaType) { problems.append(.init(field: "mediaType", problem: "must be image/jpeg, image/png or application/pdf")) }
        if let document, !Identifiers.isStepID(document) { problems.append(.init(field: "document", problem: "must be a document step id")) }
        return problems
    }
}

/// Shapes of identifiers on the wire.
public enum Identifiers {
    public static func isUUID(_ text: String) -> Bool {
        guard text.utf8.count == 36, let uuid = UUID(uuidString: text) else { return false }
        return uuid.uuidString.lowercased() == text
    }

    public static func isSlug(_ text: String) -> Bool {
        (1...80).contains(text.utf8.count) && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d }
    }

    /// Starts with a letter or digit, so that no step id is `.`, `..` or hidden, wherever it ends up.
    public static func isStepID(_ text: String) -> Bool {
        guard let first = text.utf8.first, (first >= 0x61 && first <= 0x7a) || (first >= 0x30 && first <= 0x39) else { return false }
        return text.utf8.count <= 80 && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e }
    }

    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    public static func isName(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return !trimmed.isEmpty && text.count <= 200 && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

extension AnswerValue {
    /// Characters of free text the answer carries, for the size limit.
    var textLength: Int {
        switch self {
        case .text(let text), .choice(let text): text.count
        case .choices(let ids): ids.reduce(0) { $0 + $1.count }
        default: 0
        }
    }
}

extension Optional where Wrapped == Bool {
    /// `nil` read as `false`.
    var orFalse: Bool { self ?? false }
}
