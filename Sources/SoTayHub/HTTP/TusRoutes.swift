import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import SoTayCore
import SoTayWire

/// tus 1.0.0 at `/v1/uploads` (core, creation, expiration, checksum, termination), and the
/// blob query. See `sync/PROTOCOL.md`, "Attachments and resumable uploads".
struct TusRoutes {
    let store: any HubUploadRepository
    let gate: any UploadWriterGate
    let maxBlobBytes: Int64
    /// How long an unfinished upload lives after its last step forward.
    let lifetime: TimeInterval
    /// Unfinished uploads one device may hold (count and bytes).
    var quota = UploadQuota()
    /// How often the offset is made durable during a long PATCH.
    static let flushEvery = 256 << 10

    static let extensions = "creation,expiration,checksum,termination"
    static let checksumAlgorithms = "sha1,sha256"

    enum Header {
        static let resumable = HTTPField.Name("Tus-Resumable")!
        static let version = HTTPField.Name("Tus-Version")!
        static let extensionList = HTTPField.Name("Tus-Extension")!
        static let maxSize = HTTPField.Name("Tus-Max-Size")!
        static let checksumAlgorithm = HTTPField.Name("Tus-Checksum-Algorithm")!
        static let uploadLength = HTTPField.Name("Upload-Length")!
        static let uploadOffset = HTTPField.Name("Upload-Offset")!
        static let uploadMetadata = HTTPField.Name("Upload-Metadata")!
        static let uploadChecksum = HTTPField.Name("Upload-Checksum")!
        static let uploadExpires = HTTPField.Name("Upload-Expires")!
        static let uploadDeferLength = HTTPField.Name("Upload-Defer-Length")!
    }

    func register(open: RouterGroup<HubRequestContext>, device: RouterGroup<HubRequestContext>, recorder: RouteRecorder) {
        recorder.on(open, .options, "uploads", options)
        recorder.on(device, .post, "uploads", create)
        recorder.on(device, .head, "uploads/:id", head)
        recorder.on(device, .patch, "uploads/:id", patch)
        recorder.on(device, .delete, "uploads/:id", terminate)
        recorder.on(device, .post, "blobs/query", query)
    }

    // MARK: - Routes

    @Sendable func options(_ request: Request, context: HubRequestContext) async throws -> Response {
        Response(status: .noContent, headers: [
            Header.version: WireProtocol.tusVersion, Header.extensionList: Self.extensions,
            Header.maxSize: String(maxBlobBytes), Header.checksumAlgorithm: Self.checksumAlgorithms,
        ])
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        try Self.requireVersion(request)
        guard request.headers[Header.uploadDeferLength] == nil else {
            throw Refusal.invalid([.init(field: "Upload-Defer-Length", problem: "is not supported; send Upload-Length")])
        }
        guard let length = request.headers[Header.uploadLength].flatMap(Self.decimal), length > 0 else {
            throw Refusal.invalid([.init(field: "Upload-Length", problem: "is required: the blob's size in bytes, 1 or more")])
        }
        guard length <= maxBlobBytes else {
            throw Refusal(413, .bodyTooLarge, "The blob is larger than the hub takes (Tus-Max-Size \(maxBlobBytes) bytes). Nothing was stored.")
        }
        let metadata = try Self.metadata(request.headers[Header.uploadMetadata] ?? "")
        guard let sha256 = metadata["sha256"], Identifiers.isSHA256(sha256) else {
            throw Refusal.invalid([.init(field: "Upload-Metadata.sha256", problem: "is required: the lowercase hex SHA-256 of the whole blob, base64-encoded")])
        }
        if let name = metadata["filename"], !AttachmentLabel.isValid(name) {
            throw Refusal.invalid([.init(field: "Upload-Metadata.filename", problem: "must be a plain file name (no / or \\, not . or ..); the hub keeps it as a label at most")])
        }
        try await store.sweepExpiredUploads(now: Date())
        let upload = try await store.createUpload(length: length, sha256: sha256, device: device, lifetime: lifetime, quota: quota, now: Date())
        context.logger.info("upload created", metadata: ["upload": "\(upload.id)", "length": "\(length)"])
        return Response(status: .created, headers: [
            .location: "/v1/uploads/\(upload.id)", Header.uploadOffset: "0", Header.uploadExpires: Self.httpDate(upload.expiresAt),
        ])
    }

    @Sendable func head(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        try Self.requireVersion(request)
        let id = context.parameters.get("id") ?? ""
        // Wait for a PATCH still writing this upload, so the offset given is final.
        let upload = try await holding(id) { _ in try await store.upload(id, device: device, now: Date()) }
        return Response(status: .ok, headers: [
            Header.uploadOffset: String(upload.offset), Header.uploadLength: String(upload.length),
            Header.uploadExpires: Self.httpDate(upload.expiresAt), .cacheControl: "no-store",
        ])
    }

    @Sendable func patch(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        try Self.requireVersion(request)
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/offset+octet-stream") == true else {
            throw Refusal(415, .unsupportedMediaType, "Send the bytes as application/offset+octet-stream.")
        }
        guard let offset = request.headers[Header.uploadOffset].flatMap(Self.decimal), offset >= 0 else {
            throw Refusal.invalid([.init(field: "Upload-Offset", problem: "is required: where these bytes start")])
        }
        let checksum = try request.headers[Header.uploadChecksum].map(Checksum.init(header:))
        let id = context.parameters.get("id") ?? ""
        return try await holding(id) { token in
            try await write(request, id: id, offset: offset, checksum: checksum, device: device, token: token, context: context)
        }
    }

    @Sendable func terminate(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        try Self.requireVersion(request)
        let id = context.parameters.get("id") ?? ""
        try await holding(id) { _ in try await store.deleteUpload(try await store.upload(id, device: device, now: Date())) }
        return Response(status: .noContent)
    }

    @Sendable func query(_ request: Request, context: HubRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let body = try JSONBody.decode(BlobQuery.self, from: try await JSONBody.bytes(of: request, limit: 128 << 10))
        guard (1...WireProtocol.maxBlobQuery).contains(body.sha256.count) else {
            throw Refusal.invalid([.init(field: "sha256", problem: "must list 1–\(WireProtocol.maxBlobQuery) hashes")])
        }
        let problems = body.sha256.enumerated().compactMap { index, hash in
            Identifiers.isSHA256(hash) ? nil : FieldProblem(field: "sha256[\(index)]", problem: "must be 64 lowercase hex digits")
        }
        guard problems.isEmpty else { throw Refusal.invalid(problems) }
        return try JSONResponse.make(BlobQueryReply(missing: try await store.missingBlobs(body.sha256, volunteerId: device.volunteerId)))
    }

    /// Runs `body` as the upload's one writer, and lets go however it ends.
    private func holding<T>(_ id: String, _ body: (UploadGate.Token) async throws -> T) async throws -> T {
        guard let token = try await gate.acquire(id) else { throw Self.busy }
        do {
            let value = try await body(token)
            await gate.release(id, token)
            return value
        } catch {
            await gate.release(id, token)
            throw error
        }
    }

    // MARK: - Writing a PATCH

    /// Appends the body to the part file as it arrives. When the connection drops midway the
    /// bytes that did arrive are kept and recorded (tus: the offset is what was written), unless
    /// the request carried a checksum, which a partial chunk cannot meet.
    private func write(_ request: Request, id: String, offset: Int64, checksum: Checksum?, device: HubDevice, token: UploadGate.Token,
                       context: HubRequestContext) async throws -> Response {
        var upload = try await store.upload(id, device: device, now: Date())
        if upload.completedAt != nil {
            guard offset == upload.length else { throw Self.mismatch(upload.length) }
            return Self.offsetReply(upload)
        }
        guard offset == upload.offset else { throw Self.mismatch(upload.offset) }
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > upload.length - offset {
            throw Refusal(413, .bodyTooLarge, "These bytes would go past Upload-Length (\(upload.length)). Nothing was stored.")
        }
        let file = try UploadFile(url: store.partURL(id), offset: offset)
        defer { file.close() }
        var written = offset
        var unflushed = 0
        var hasher = checksum.map { $0.hasher() }
        var dropped = false
        var overflow = false
        var malformed = false
        do {
            for try await buffer in request.body {
                guard await gate.progress(id, token) else { return Self.offsetReply(upload) }
                let bytes = buffer.readableBytesView
                guard written + Int64(bytes.count) <= upload.length else {
                    overflow = true
                    break
                }
                do { try file.append(bytes) } catch { throw StorageFault(error, path: store.partURL(id).path) }
                hasher?.update(bytes)
                written += Int64(bytes.count)
                unflushed += bytes.count
                if unflushed >= Self.flushEvery && checksum == nil {
                    do { try file.synchronize() } catch { throw StorageFault(error, path: store.partURL(id).path) }
                    upload = try await store.recordOffset(id, offset: written, lifetime: lifetime, now: Date())
                    unflushed = 0
                }
            }
        } catch let error as Refusal {
            throw error
        } catch let fault as StorageFault {
            // The disk, not the connection: nothing past the recorded offset counts.
            throw fault
        } catch is HTTPParserError {
            // The body stopped being valid HTTP (a chunk size past 64 bits, say): what came before
            // is kept, as for a dropped connection, but the client hears 400, not success.
            dropped = true
            malformed = true
        } catch {
            // The connection dropped in the middle of the body.
            dropped = true
        }
        if overflow {
            _ = try UploadFile(url: store.partURL(id), offset: offset)
            throw Refusal(413, .bodyTooLarge, "These bytes would go past Upload-Length (\(upload.length)). Nothing was stored.")
        }
        if let checksum, var hasher {
            guard !dropped, hasher.matches(checksum) else {
                _ = try UploadFile(url: store.partURL(id), offset: offset)
                throw Refusal(460, .checksumMismatch, "The chunk did not match its Upload-Checksum; it was discarded. Send it again from offset \(offset).")
            }
        }
        do { try file.synchronize() } catch { throw StorageFault(error, path: store.partURL(id).path) }
        upload = try await store.recordOffset(id, offset: written, lifetime: lifetime, now: Date())
        if malformed {
            throw Refusal(400, .invalidJSON, "The body is not valid HTTP/1.1 (chunked encoding). The bytes before the fault were kept: ask with HEAD and continue from there.",
                          headers: ["Connection": "close"])
        }
        if dropped {
            context.logger.info("upload interrupted", metadata: ["upload": "\(id)", "offset": "\(written)"])
            return Self.offsetReply(upload)
        }
        if written == upload.length {
            let actual = try UploadFile.sha256Hex(of: store.partURL(id))
            guard actual == upload.sha256 else {
                try await store.failUpload(upload, now: Date())
                context.logger.warning("upload failed its hash check", metadata: ["upload": "\(id)"])
                throw Refusal(460, .checksumMismatch, "The whole blob does not hash to the SHA-256 given at creation; it was discarded. Start a new upload.")
            }
            upload = try await store.completeUpload(upload, now: Date())
            context.logger.info("blob stored", metadata: ["upload": "\(id)", "length": "\(upload.length)"])
        }
        return Self.offsetReply(upload)
    }

    // MARK: - Helpers

    static func requireVersion(_ request: Request) throws {
        guard request.headers[Header.resumable] == WireProtocol.tusVersion else {
            throw Refusal(412, .tusVersion, "Send Tus-Resumable: \(WireProtocol.tusVersion).", headers: ["Tus-Version": WireProtocol.tusVersion])
        }
    }

    static let busy = Refusal(423, .uploadBusy, "Another request is still writing this upload. Ask again in a moment.", retryAfter: 2)

    static func mismatch(_ offset: Int64) -> Refusal {
        Refusal(409, .offsetMismatch, "The upload stands at offset \(offset). Ask with HEAD and continue from there.")
    }

    static func offsetReply(_ upload: HubUpload) -> Response {
        Response(status: .noContent, headers: [
            Header.uploadOffset: String(upload.completedAt != nil ? upload.length : upload.offset),
            Header.uploadExpires: httpDate(upload.expiresAt),
        ])
    }

    /// `Upload-Metadata`: comma-separated `key base64value` pairs (a key alone means empty).
    static func metadata(_ header: String) throws -> [String: String] {
        var pairs: [String: String] = [:]
        for item in header.split(separator: ",") {
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
            guard let key = parts.first, parts.count <= 2, !key.isEmpty else {
                throw Refusal.invalid([.init(field: "Upload-Metadata", problem: "must be comma-separated 'key base64value' pairs")])
            }
            // A key twice: which value counts would depend on the reader. tus says keys are unique.
            guard pairs[String(key)] == nil else {
                throw Refusal.invalid([.init(field: "Upload-Metadata.\(key.prefix(40))", problem: "is given twice; send each key once")])
            }
            if parts.count == 1 {
                pairs[String(key)] = ""
                continue
            }
            guard let data = Data(base64Encoded: String(parts[1])), let value = String(data: data, encoding: .utf8) else {
                throw Refusal.invalid([.init(field: "Upload-Metadata.\(key.prefix(40))", problem: "must be base64 of UTF-8 text")])
            }
            pairs[String(key)] = value
        }
        return pairs
    }

    /// A tus length or offset: ASCII digits only (tus: "a non-negative integer"). Swift's `Int64("+10")`
    /// reads a sign, and another reader may not: `+10`, `-0`, ` 10` are refused, not guessed.
    static func decimal(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int64(text)
    }

    /// RFC 9110 HTTP-date, e.g. `Tue, 24 Nov 2026 08:00:00 GMT`.
    static func httpDate(_ date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
            locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
    }
}

/// tus checksum extension: `Upload-Checksum: sha1|sha256 BASE64DIGEST`.
struct Checksum {
    enum Algorithm: String { case sha1, sha256 }
    let algorithm: Algorithm
    let digest: Data

    init(header: String) throws {
        let parts = header.split(separator: " ")
        guard parts.count == 2, let digest = Data(base64Encoded: String(parts[1])) else {
            throw Refusal.invalid([.init(field: "Upload-Checksum", problem: "must be 'algorithm base64digest'")])
        }
        guard let algorithm = Algorithm(rawValue: parts[0].lowercased()) else {
            throw Refusal(400, .unsupportedChecksum, "Checksum algorithm not supported; use one of \(TusRoutes.checksumAlgorithms).")
        }
        self.algorithm = algorithm
        self.digest = digest
    }

    func hasher() -> ChunkHasher {
        switch algorithm {
        case .sha1: .sha1(Insecure.SHA1())
        case .sha256: .sha256(SHA256())
        }
    }
}

enum ChunkHasher {
    case sha1(Insecure.SHA1)
    case sha256(SHA256)

    mutating func update(_ bytes: ByteBufferView) {
        switch self {
        case .sha1(var hasher):
            bytes.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) } ?? hasher.update(data: Data(bytes))
            self = .sha1(hasher)
        case .sha256(var hasher):
            bytes.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) } ?? hasher.update(data: Data(bytes))
            self = .sha256(hasher)
        }
    }

    mutating func matches(_ checksum: Checksum) -> Bool {
        switch self {
        case .sha1(let hasher): Data(hasher.finalize()) == checksum.digest
        case .sha256(let hasher): Data(hasher.finalize()) == checksum.digest
        }
    }
}
