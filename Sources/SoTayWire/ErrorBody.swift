import Foundation

/// The body of every refusal: a stable code for programs, a sentence for people.
public struct ErrorBody: Codable, Sendable, Hashable, Error {
    public var error: ErrorCode
    public var message: String
    /// Which fields were wrong and why, for `invalid_field`.
    public var fields: [FieldProblem]?
    /// The blobs a dossier names that the hub does not hold, for `missing_blobs`.
    public var missing: [String]?

    public init(_ error: ErrorCode, _ message: String, fields: [FieldProblem]? = nil, missing: [String]? = nil) {
        self.error = error
        self.message = message
        self.fields = fields
        self.missing = missing
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
    /// A dossier names blobs the hub does not hold: upload them, then send the same revision again.
    case missingBlobs = "missing_blobs"
    /// tus: `Upload-Offset` is not where the upload stands; ask with `HEAD` and continue from there.
    case offsetMismatch = "offset_mismatch"
    /// tus: a chunk's `Upload-Checksum`, or the whole blob's SHA-256, did not match.
    case checksumMismatch = "checksum_mismatch"
    /// tus: the upload expired or failed its check; start a new one.
    case uploadExpired = "upload_expired"
    /// tus: `Tus-Resumable` missing or not 1.0.0.
    case tusVersion = "tus_version"
    case unsupportedChecksum = "unsupported_checksum"
    /// Another request is writing this upload right now; ask again in a moment.
    case uploadBusy = "upload_busy"
    /// 507: the hub's disk is full. Nothing was stored; the laptop keeps everything and tries later.
    case storageFull = "storage_full"
    /// 503: the hub cannot write its data folder (read-only, permission denied, I/O error).
    case storageUnwritable = "storage_unwritable"

    /// Whether resending the same request later can succeed (the client keeps it in the outbox)
    /// or never will (the client parks it with the reason).
    public var isPermanent: Bool {
        switch self {
        case .rateLimited, .internalError, .missingBlobs, .offsetMismatch, .checksumMismatch, .uploadExpired, .uploadBusy, .storageFull, .storageUnwritable: false
        default: true
        }
    }
}
