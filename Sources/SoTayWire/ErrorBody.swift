import Foundation

/// The body of every refusal: a stable code for programs, a sentence for people.
public struct ErrorBody: Codable, Sendable, Hashable, Error {
    public var error: ErrorCode
    public var message: String
    /// Which fields were wrong and why, for `invalid_field`.
    public var fields: [FieldProblem]?

    public init(_ error: ErrorCode, _ message: String, fields: [FieldProblem]? = nil) {
        self.error = error
        self.message = message
        self.fields = fields
    }
}

public struct FieldProblem: Codable, Sendable, Hashable {
    public var field: String
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }
}

/// Machine-readable error codes (`sync/PROTOCOL.md`, "Errors").
public enum ErrorCode: String, Codable, Sendable, Hashable, CaseIterable {
    case invalidJSON = "invalid_json"
    case invalidField = "invalid_field"
    case bodyTooLarge = "body_too_large"
    case unauthorized
    case forbidden
    case notFound = "not_found"
    case staleRevision = "stale_revision"
    case revisionConflict = "revision_conflict"
    case invalidCode = "invalid_code"
    case rateLimited = "rate_limited"
    case unsupportedMediaType = "unsupported_media_type"
    case internalError = "internal_error"

    /// Whether resending the same request later can succeed (the client keeps it in the outbox)
    /// or never will (the client parks it with the reason).
    public var isPermanent: Bool {
        switch self {
        case .rateLimited, .internalError: false
        default: true
        }
    }
}
