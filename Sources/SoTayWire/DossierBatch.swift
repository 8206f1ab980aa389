import Foundation

// `POST /v1/dossiers`: many dossier revisions in one request (sync/PROTOCOL.md, "Dossier
// batches"). The body is newline-delimited JSON: each line is one revision, byte for byte the
// body its `PUT /v1/dossiers/{id}` would carry, so the hub stores and signs the same bytes and
// the receipt's SHA-256 is the same whichever way the revision went.

extension WireProtocol {
    /// The media type of a batch's body: one compact JSON object per line.
    public static let dossierBatchMediaType = "application/x-ndjson"
    /// Most revisions in one batch.
    public static let maxDossiersPerBatch = 64
    /// Largest batch body the hub reads (each line is also held to `maxDossierBody`).
    public static let maxDossierBatchBody = 4 << 20

    /// The lines of a batch body, as `POST /v1/dossiers` takes them: one revision per line, empty
    /// lines (a trailing newline) skipped.
    public static func batchBody(_ payloads: [Data]) -> Data {
        var body = Data(capacity: payloads.reduce(0) { $0 + $1.count + 1 })
        for payload in payloads {
            body.append(payload)
            body.append(0x0A)
        }
        return body
    }

    /// Whether a revision's bytes can travel as one line of a batch (compact JSON never holds a raw
    /// newline; a body that does goes by `PUT` instead).
    public static func fitsOnOneLine(_ payload: Data) -> Bool {
        !payload.contains(0x0A) && !payload.contains(0x0D)
    }
}

/// The hub's answer to a batch: one result per line, in the order sent.
public struct DossierBatchReply: Codable, Sendable, Hashable {
    public var results: [DossierBatchResult]

    public init(results: [DossierBatchResult]) {
        self.results = results
    }
}

/// What became of one line of a batch: what its `PUT` would have answered, status code included.
public struct DossierBatchResult: Codable, Sendable, Hashable {
    /// The line's dossier id and revision, as sent.
    public var dossierId: String
    public var revision: Int
    /// The status its `PUT /v1/dossiers/{id}` would have had: 201 stored now, 200 stored before,
    /// 4xx refused (`error` says why).
    public var status: Int
    /// For 200 and 201: the same reply as the `PUT`'s, with the signed receipt.
    public var accepted: DossierAccepted?
    /// For a refusal: the same body as the `PUT`'s refusal.
    public var error: ErrorBody?

    public init(dossierId: String, revision: Int, status: Int, accepted: DossierAccepted? = nil, error: ErrorBody? = nil) {
        self.dossierId = dossierId
        self.revision = revision
        self.status = status
        self.accepted = accepted
        self.error = error
    }
}
