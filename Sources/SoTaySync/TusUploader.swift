import Foundation
import SoTayStore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SoTayWire

/// A tus 1.0.0 client (core and creation): uploads one file in chunks and, after any failure,
/// asks the server where the upload stands and continues from there.
///
/// It speaks plain tus, so it works against any tus server (the tests use an outside one);
/// what is particular to the commune hub (which blobs to send, the bearer token) is the caller's.
public struct TusUploader: Sendable {
    /// The creation URL, e.g. `https://hub/v1/uploads`.
    public let endpoint: URL
    let headers: [String: String]
    let session: URLSession
    /// Failed requests in a row without progress before giving up until the next sync.
    public var maxFailuresWithoutProgress: Int

    public init(endpoint: URL, headers: [String: String] = [:], timeout: TimeInterval = 30, maxFailuresWithoutProgress: Int = 6) {
        self.endpoint = endpoint
        self.headers = headers
        self.maxFailuresWithoutProgress = maxFailuresWithoutProgress
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = 24 * 3600
        self.session = NoRedirects.session(configuration)
    }

    /// A file to upload, with the hash the server checks it against.
    public struct Blob: Sendable {
        /// Where the plain bytes come from: a file, or a sealed blob opened a range at a time.
        public enum Source: Sendable {
            case file(URL)
            case sealed(BlobReader)
        }

        public var source: Source
        public var size: Int64
        public var sha256: String
        /// Sent as `filename` metadata (some servers need one). Never a person's file name.
        public var name: String

        public init(source: Source, size: Int64, sha256: String, name: String) {
            self.source = source
            self.size = size
            self.sha256 = sha256
            self.name = name
        }

        public init(fileURL: URL, size: Int64, sha256: String, name: String) {
            self.init(source: .file(fileURL), size: size, sha256: sha256, name: name)
        }
    }

    /// Something that happened during an upload, for progress and for remembering the place.
    public enum Event: Sendable {
        /// The upload exists at `url`; keep it, to resume in a later run.
        case created(url: URL)
        /// The server holds the first `offset` bytes; `gained` of them are new since the last event.
        case progressed(url: URL, offset: Int64, gained: Int64)
        case retrying(afterMilliseconds: Int, reason: SyncError)
    }

    /// Uploads `blob`, resuming at `resumeURL` when given. Returns the upload's URL.
    public func upload(_ blob: Blob, resumeURL: URL? = nil, chunk: inout AdaptiveChunk,
                       events: (Event) throws -> Void = { _ in }) async throws(SyncError) -> URL {
        let file: FileHandle?
        switch blob.source {
        case .file(let url):
            do { file = try FileHandle(forReadingFrom: url) } catch { throw .attachmentUnreadable(sha256: blob.sha256) }
        case .sealed:
            file = nil
        }
        defer { try? file?.close() }

        var retry = RetryPolicy(baseMilliseconds: 500, capMilliseconds: 15_000, maxAttempts: maxFailuresWithoutProgress)
        var url = resumeURL
        var offset: Int64 = 0
        var restarts = 0
        var offsetKnown = false
        while true {
            do {
                if let known = url {
                    if !offsetKnown { offset = try await head(known) }
                    offsetKnown = false
                } else {
                    let created = try await create(blob)
                    url = created
                    offset = 0
                    try? events(.created(url: created))
                }
                guard let current = url else { continue }
                while offset < blob.size {
                    let length = Int(min(Int64(chunk.size), blob.size - offset))
                    let bytes: Data
                    do {
                        switch blob.source {
                        case .sealed(let reader):
                            bytes = try reader.read(offset: offset, count: length)
                        case .file:
                            try file?.seek(toOffset: UInt64(offset))
                            bytes = try file?.read(upToCount: length) ?? Data()
                        }
                    } catch {
                        throw TusFailure.final(.attachmentUnreadable(sha256: blob.sha256))
                    }
                    guard bytes.count == length else { throw TusFailure.final(.attachmentUnreadable(sha256: blob.sha256)) }
                    let started = ContinuousClock.now
                    let next = try await patch(current, offset: offset, bytes: bytes)
                    let elapsed = ContinuousClock.now - started
                    chunk.succeeded(bytes: Int(next - offset), seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                    try? events(.progressed(url: current, offset: next, gained: next - offset))
                    offset = next
                    retry.succeeded()
                }
                return current
            } catch let failure as TusFailure {
                switch failure {
                case .final(let error):
                    throw error
                case .gone:
                    // Expired, terminated, or never this device's: start a new upload.
                    restarts += 1
                    guard restarts <= 2 else { throw .refused(status: 410, body: ErrorBody(.uploadExpired, "The upload keeps disappearing on the server.")) }
                    url = nil
                case .mismatch:
                    // The server stands elsewhere: ask again (the loop starts with HEAD), but
                    // not forever if something else keeps writing the same upload.
                    if case .giveUp = retry.failed(jitter: 0) { throw .hubFailed(status: 409) }
                case .corrupt:
                    restarts += 1
                    guard restarts <= 1 else {
                        throw .refused(status: 460, body: ErrorBody(.checksumMismatch, "The file does not hash to its SHA-256 on the server; it may have changed on this laptop."))
                    }
                    url = nil
                case .transient(let error):
                    chunk.failed()
                    // A dropped connection is not a dead link: ask for the offset at once, and
                    // go on at once when bytes got through; wait only when nothing moves.
                    if let current = url, let reached = try? await head(current) {
                        let gained = reached - offset
                        offset = reached
                        offsetKnown = true
                        if gained > 0 {
                            try? events(.progressed(url: current, offset: reached, gained: gained))
                            retry.succeeded()
                            continue
                        }
                    }
                    switch retry.failed(jitter: Double.random(in: 0..<1)) {
                    case .giveUp:
                        throw error
                    case .retry(let milliseconds):
                        try? events(.retrying(afterMilliseconds: milliseconds, reason: error))
                        try? await Task.sleep(for: .milliseconds(milliseconds))
                    }
                }
            } catch {
                throw .unreachable(host: endpoint.host ?? "")
            }
        }
    }

    /// Why a request did not go through, sorted by what the loop does next.
    enum TusFailure: Error {
        case transient(SyncError)
        case gone
        case mismatch
        case corrupt
        case final(SyncError)
    }

    // MARK: - Requests

    func create(_ blob: Blob) async throws(TusFailure) -> URL {
        var request = makeRequest(endpoint, method: "POST")
        request.setValue(String(blob.size), forHTTPHeaderField: "Upload-Length")
        request.setValue(Self.metadata(["sha256": blob.sha256, "filename": blob.name]), forHTTPHeaderField: "Upload-Metadata")
        request.httpBody = Data()
        let (http, body) = try await send(request)
        guard http.statusCode == 201, let location = http.value(forHTTPHeaderField: "Location"),
              let url = URL(string: location, relativeTo: endpoint)?.absoluteURL
        else { throw Self.failure(http, body) }
        return url
    }

    func head(_ url: URL) async throws(TusFailure) -> Int64 {
        let (http, body) = try await send(makeRequest(url, method: "HEAD"))
        guard http.statusCode == 200 || http.statusCode == 204 else { throw Self.failure(http, body) }
        guard let offset = http.value(forHTTPHeaderField: "Upload-Offset").flatMap({ Int64($0) }), offset >= 0 else {
            throw .final(.notTheHub(host: url.host ?? "", status: http.statusCode))
        }
        return offset
    }

    func patch(_ url: URL, offset: Int64, bytes: Data) async throws(TusFailure) -> Int64 {
        var request = makeRequest(url, method: "PATCH")
        request.setValue("application/offset+octet-stream", forHTTPHeaderField: "Content-Type")
        request.setValue(String(offset), forHTTPHeaderField: "Upload-Offset")
        request.httpBody = bytes
        let (http, body) = try await send(request)
        guard http.statusCode == 204 || http.statusCode == 200 else { throw Self.failure(http, body) }
        guard let next = http.value(forHTTPHeaderField: "Upload-Offset").flatMap({ Int64($0) }), next >= offset else {
            throw .final(.notTheHub(host: url.host ?? "", status: http.statusCode))
        }
        return next
    }

    private func makeRequest(_ url: URL, method: String) -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue(WireProtocol.tusVersion, forHTTPHeaderField: "Tus-Resumable")
        request.setValue("sotay/1", forHTTPHeaderField: "User-Agent")
        // libcurl would otherwise wait for a "100 Continue" before sending a large body.
        request.setValue("", forHTTPHeaderField: "Expect")
        // One connection per request. When a reused connection dies under a PATCH, libcurl
        // silently sends the whole chunk again on a new one, at a stale offset: on a link that
        // drops every few hundred kilobytes that wasted a third of the bytes. A fresh
        // connection costs one round trip, and the chunk size keeps requests long.
        request.setValue("close", forHTTPHeaderField: "Connection")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        return request
    }

    private func send(_ request: URLRequest) async throws(TusFailure) -> (HTTPURLResponse, Data) {
        let host = request.url?.host ?? ""
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw TusFailure.final(.notTheHub(host: host, status: 0)) }
            if (300..<400).contains(http.statusCode) {
                throw TusFailure.final(.redirected(host: host, to: http.value(forHTTPHeaderField: "Location").flatMap { URL(string: $0, relativeTo: request.url)?.host }))
            }
            // Every tus reply carries the version; a Wi-Fi login page does not.
            guard http.value(forHTTPHeaderField: "Tus-Resumable") == WireProtocol.tusVersion else {
                if http.statusCode >= 500 { throw TusFailure.transient(.hubFailed(status: http.statusCode)) }
                throw TusFailure.final(.notTheHub(host: host, status: http.statusCode))
            }
            return (http, data)
        } catch let failure as TusFailure {
            throw failure
        } catch let error as URLError where error.code == .timedOut {
            throw .transient(.timedOut(host: host))
        } catch let error as URLError where [.secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
                                              .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid].contains(error.code) {
            throw .final(.untrustedCertificate(host: host))
        } catch {
            throw .transient(.unreachable(host: host))
        }
    }

    private static func failure(_ http: HTTPURLResponse, _ body: Data) -> TusFailure {
        if let code = (try? WireProtocol.decoder().decode(ErrorBody.self, from: body))?.error, let storage = SyncError.storageFailure(code) {
            return .final(storage)
        }
        return switch http.statusCode {
        case 401: .final(.unauthorized)
        case 404, 410: .gone
        case 409: .mismatch
        case 460: .corrupt
        case 423, 429: .transient(.rateLimited(retryAfter: http.value(forHTTPHeaderField: "Retry-After").flatMap(Int.init)))
        case 500...: .transient(.hubFailed(status: http.statusCode))
        default: .final(.refused(status: http.statusCode, body: ErrorBody(.invalidField, "The upload server refused the request (\(http.statusCode)).")))
        }
    }

    /// `Upload-Metadata`: `key base64(value)` pairs, comma-separated, in a stable order.
    static func metadata(_ pairs: [String: String]) -> String {
        pairs.sorted { $0.key < $1.key }.map { "\($0.key) \(Data($0.value.utf8).base64EncodedString())" }.joined(separator: ",")
    }
}
