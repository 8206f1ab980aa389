import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SoTayWire

/// The one HTTP transport of the client: URLSession (libcurl on Linux), JSON in and out.
///
/// Every reply must carry the protocol header and decode as the protocol says; anything else
/// (a Wi-Fi login page answering 200, a proxy's error page) is `notTheHub`, never success.
public struct HubClient: Sendable {
    public let address: HubAddress
    let token: String?
    let session: URLSession
    let timeout: TimeInterval

    public init(address: HubAddress, token: String?, timeout: TimeInterval = 20) {
        self.address = address
        self.token = token
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 3
        self.session = NoRedirects.session(configuration)
    }

    /// The same hub and token on a URLSession of its own (for requests sent side by side).
    public func withOwnSession() -> HubClient {
        HubClient(address: address, token: token, timeout: timeout)
    }

    /// Lets the requests under way end, then frees the session (its libcurl handles and queue):
    /// for a client from `withOwnSession`, once its lane is done.
    public func finish() {
        session.finishTasksAndInvalidate()
    }

    public func health() async throws(SyncError) -> HealthReply {
        try await send("GET", "/v1/health", as: HealthReply.self)
    }

    public func enroll(_ request: EnrollRequest) async throws(SyncError) -> EnrollReply {
        try await send("POST", "/v1/enroll", body: encode(request), as: EnrollReply.self)
    }

    public func putDossier(_ id: String, payload: Data) async throws(SyncError) -> DossierAccepted {
        try await send("PUT", "/v1/dossiers/\(id)", body: payload, as: DossierAccepted.self)
    }

    /// Many revisions in one request (`POST /v1/dossiers`), each answered as its `PUT` would be,
    /// in the order sent. Each payload must fit on one line (`WireProtocol.fitsOnOneLine`).
    public func postDossiers(_ payloads: [Data]) async throws(SyncError) -> DossierBatchReply {
        try await send("POST", "/v1/dossiers", body: WireProtocol.batchBody(payloads), contentType: WireProtocol.dossierBatchMediaType,
                       as: DossierBatchReply.self)
    }

    /// Which of these blobs the hub does not hold yet for this volunteer.
    public func missingBlobs(_ hashes: [String]) async throws(SyncError) -> [String] {
        try await send("POST", "/v1/blobs/query", body: encode(BlobQuery(sha256: hashes)), as: BlobQueryReply.self).missing
    }

    /// A tus client for the hub's `/v1/uploads`, with this device's token.
    public func uploader() -> TusUploader {
        TusUploader(endpoint: address.url.appending(path: "v1/uploads"), headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
    }

    public func postActivities(_ batch: ActivityBatch) async throws(SyncError) -> ActivityBatchReply {
        try await send("POST", "/v1/activities", body: encode(batch), as: ActivityBatchReply.self)
    }

    public func changes(since cursor: String) async throws(SyncError) -> ChangesPage {
        let escaped = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "0"
        return try await send("GET", "/v1/changes?since=\(escaped)&content=1", as: ChangesPage.self)
    }

    private func encode(_ value: some Encodable) throws(SyncError) -> Data {
        do {
            return try WireProtocol.encoder().encode(value)
        } catch {
            throw .invalidAddress(address.description)
        }
    }

    func send<T: Decodable>(_ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json",
                            as type: T.Type) async throws(SyncError) -> T {
        guard let url = URL(string: address.url.absoluteString + path) else { throw .invalidAddress(address.description) }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("sotay/1", forHTTPHeaderField: "User-Agent")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            // A request with a body never rides on a reused connection. When a reused
            // connection dies right after the head, libcurl silently sends the request again on
            // a new one, but FoundationNetworking does not rewind the body: the head goes out
            // with its Content-Length and no body, and the request hangs until the timeout
            // (20 s; the hub logs HTTPParserError). On a fresh connection libcurl does not
            // retry, the cut comes back at once, and the sync retries the whole request.
            request.setValue("close", forHTTPHeaderField: "Connection")
            // Nor wait for a "100 Continue" the hub does not send.
            request.setValue("", forHTTPHeaderField: "Expect")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError where error.code == .timedOut {
            throw .timedOut(host: address.host)
        } catch let error as URLError where [.secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
                                              .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid].contains(error.code) {
            throw .untrustedCertificate(host: address.host)
        } catch {
            throw .unreachable(host: address.host)
        }
        guard let http = response as? HTTPURLResponse else { throw .notTheHub(host: address.host, status: 0) }
        if (300..<400).contains(http.statusCode) {
            throw .redirected(host: address.host, to: http.value(forHTTPHeaderField: "Location").flatMap { URL(string: $0, relativeTo: url)?.host })
        }
        guard http.value(forHTTPHeaderField: WireProtocol.header) == WireProtocol.version else {
            // Not the hub's own reply. A reverse proxy in front of a stopped hub answers 5xx:
            // try again later. A proxy's own size limit: the item will never fit, set it aside.
            // Anything else (a Wi-Fi login page) is never taken for an answer.
            switch http.statusCode {
            case 500...: throw .hubFailed(status: http.statusCode)
            case 413: throw .refused(status: 413, body: ErrorBody(.bodyTooLarge, "The proxy in front of the hub refused the body as too large."))
            default: throw .notTheHub(host: address.host, status: http.statusCode)
            }
        }
        let decoder = WireProtocol.decoder()
        guard (200..<300).contains(http.statusCode) else {
            let body = try? decoder.decode(ErrorBody.self, from: data)
            if let storage = body.flatMap({ SyncError.storageFailure($0.error) }) { throw storage }
            switch http.statusCode {
            case 401: throw .unauthorized
            case 429: throw .rateLimited(retryAfter: http.value(forHTTPHeaderField: "Retry-After").flatMap(Int.init))
            case 500...: throw .hubFailed(status: http.statusCode)
            default:
                guard let body else { throw .notTheHub(host: address.host, status: http.statusCode) }
                if body.error == .missingBlobs { throw .missingBlobs(body.missing ?? []) }
                guard body.error.isPermanent else { throw .hubFailed(status: http.statusCode) }
                throw .refused(status: http.statusCode, body: body)
            }
        }
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw .notTheHub(host: address.host, status: http.statusCode)
        }
    }
}
