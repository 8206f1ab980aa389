import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1
import SoTayWire

/// Wraps every route, the unknown ones included: turns refusals and errors into the protocol's
/// error body, and stamps the protocol and security headers on every response.
struct ProtocolMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    /// Where a database error happened, for the log (a file error names its own path).
    let databasePath: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let refusal as Refusal {
            response = JSONResponse.refusal(refusal)
        } catch is HTTPParserError {
            // A body the HTTP parser cannot read (`Transfer-Encoding: xchunked`, a chunk size past
            // 64 bits): the client's mistake, not the hub's. The connection cannot go on after it.
            response = JSONResponse.refusal(Refusal(400, .invalidJSON, "The request body is not valid HTTP/1.1 (chunked encoding or length). Nothing was stored."))
            response.headers[.connection] = "close"
        } catch let error as any HTTPResponseError {
            response = JSONResponse.refusal(Self.refusal(for: error.status))
        } catch {
            if let fault = StorageFault.classify(error, path: databasePath) {
                // Said in words, for whoever reads the log: what is wrong with which path.
                context.logger.error("storage failed", metadata: [
                    "cause": "\(fault.kind.rawValue)", "file": "\(fault.path)", "detail": "\(fault.detail)", "path": "\(request.uri.path)",
                ])
                response = JSONResponse.refusal(fault.refusal)
            } else {
                context.logger.error("request failed", metadata: ["error": "\(String(describing: type(of: error)))", "path": "\(request.uri.path)"])
                response = JSONResponse.refusal(Refusal(500, .internalError, "The hub could not handle the request. Nothing was stored; try again later."))
            }
        }
        Self.stamp(&response.headers)
        if request.uri.path.hasPrefix("/v1/uploads") {
            response.headers[TusRoutes.Header.resumable] = WireProtocol.tusVersion
        }
        // One access-log line per request: method, path (never the query or a body), status, time.
        let elapsed = (ContinuousClock.now - started).components
        let milliseconds = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        context.logger.info("request", metadata: [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(response.status.code)", "ms": "\(milliseconds)",
        ])
        return response
    }

    static func refusal(for status: HTTPResponse.Status) -> Refusal {
        switch status.code {
        case 404, 405: Refusal(404, .notFound, "There is no such route in protocol version 1 (see sync/openapi.yaml).")
        case 413: Refusal(413, .bodyTooLarge, "The request body is larger than the hub accepts. Nothing was stored.")
        case 400: Refusal(400, .invalidJSON, "The request could not be read. Nothing was stored.")
        default: Refusal(status.code, .internalError, status.reasonPhrase)
        }
    }

    static func stamp(_ headers: inout HTTPFields) {
        headers[HTTPField.Name(WireProtocol.header)!] = WireProtocol.version
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // The console's pages set their own (stylesheet and images from the hub itself).
        if headers[HTTPField.Name("X-Frame-Options")!] == nil { headers[HTTPField.Name("X-Frame-Options")!] = "DENY" }
        if headers[HTTPField.Name("Content-Security-Policy")!] == nil {
            headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; frame-ancestors 'none'"
        }
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
    }
}
