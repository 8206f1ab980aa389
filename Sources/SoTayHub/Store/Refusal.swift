import SoTayWire

/// A request the hub turns down: an HTTP status and the machine-readable body that says why.
public struct Refusal: Error, Sendable, Hashable {
    public var status: Int
    public var body: ErrorBody
    /// For 429: seconds to wait.
    public var retryAfter: Int?
    /// Extra response headers (tus: `Tus-Version` on 412).
    public var headers: [String: String]

    init(_ status: Int, _ code: ErrorCode, _ message: String, fields: [FieldProblem]? = nil, missing: [String]? = nil, retryAfter: Int? = nil,
         headers: [String: String] = [:]) {
        self.status = status
        self.body = ErrorBody(code, message, fields: fields, missing: missing)
        self.retryAfter = retryAfter
        self.headers = headers
    }

    static func invalid(_ fields: [FieldProblem]) -> Refusal {
        Refusal(400, .invalidField, "Some fields are invalid; nothing was stored.", fields: fields)
    }

    static let unauthorized = Refusal(401, .unauthorized, "A valid device token is required (Authorization: Bearer). Enrol the device again if it was revoked.")
    static let notFound = Refusal(404, .notFound, "No such item for this device.")
}
