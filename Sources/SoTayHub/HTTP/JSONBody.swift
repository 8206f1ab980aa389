import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SoTayWire

/// Reading request bodies and writing JSON replies the way the protocol says.
enum JSONBody {
    /// The body, refused with 413 before reading when it announces more than `limit` bytes.
    static func bytes(of request: Request, limit: Int, mediaType: String = "application/json") async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Refusal(413, .bodyTooLarge, "The request body is larger than \(limit) bytes. Nothing was stored.")
        }
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix(mediaType) {
            throw Refusal(415, .unsupportedMediaType, "Send the body as \(mediaType).")
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Refusal(413, .bodyTooLarge, "The request body is larger than \(limit) bytes. Nothing was stored.")
        }
    }

    /// For a route that takes no body: 413 if one comes anyway (announced, or streamed).
    static func none(_ request: Request) async throws -> Request {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > 0 {
            throw Refusal(413, .bodyTooLarge, "This request takes no body. Nothing was stored.")
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: 0)
        } catch is NIOTooManyBytesError {
            throw Refusal(413, .bodyTooLarge, "This request takes no body. Nothing was stored.")
        }
        return request
    }

    /// Decodes `T`, turning every decoding failure into a 400 that names the field.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        // Foundation also reads UTF-16 and UTF-32 JSON, and skips a byte order mark; the hub keeps
        // bodies as UTF-8 text and signs them, so anything else (a NUL byte, invalid UTF-8, a BOM,
        // which RFC 8259 says not to send) is refused before decoding.
        guard !data.contains(0), !data.starts(with: [0xEF, 0xBB, 0xBF]), String(validating: data, as: UTF8.self) != nil,
              (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
        else {
            throw Refusal(400, .invalidJSON, "The body is not valid JSON (UTF-8). Nothing was stored.")
        }
        if let key = DuplicateKeys.first(in: data) {
            throw Refusal(400, .invalidJSON, "The body has the key \"\(key.prefix(40))\" twice in one object; send each key once. Nothing was stored.")
        }
        do {
            return try WireProtocol.decoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw Refusal.invalid([problem(error)])
        }
    }

    private static func problem(_ error: DecodingError) -> FieldProblem {
        func path(_ codingPath: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (key.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "(body)" : text
        }
        switch error {
        case .keyNotFound(let key, let context): return FieldProblem(field: path(context.codingPath, key), problem: "is required")
        case .typeMismatch(_, let context): return FieldProblem(field: path(context.codingPath), problem: "has the wrong type")
        case .valueNotFound(_, let context): return FieldProblem(field: path(context.codingPath), problem: "must not be null")
        case .dataCorrupted(let context): return FieldProblem(field: path(context.codingPath), problem: "is not a valid value")
        @unknown default: return FieldProblem(field: "(body)", problem: "cannot be decoded")
        }
    }
}

enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try WireProtocol.encoder().encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func refusal(_ refusal: Refusal) -> Response {
        let data = (try? WireProtocol.encoder().encode(refusal.body)) ?? Data("{\"error\":\"internal_error\",\"message\":\"\"}".utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let wait = refusal.retryAfter { headers[.retryAfter] = String(wait) }
        if refusal.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"sotay-hub\"" }
        for (name, value) in refusal.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: refusal.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
