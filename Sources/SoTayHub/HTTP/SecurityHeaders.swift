import HTTPTypes
import Hummingbird

/// `Strict-Transport-Security` on every response of a hub serving TLS itself. It sits outside
/// `ProtocolMiddleware`, which turns every refusal into a response, so nothing escapes it.
/// (A hub behind nginx serves plain HTTP to nginx; nginx sets the header there.)
struct StrictTransportSecurityMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    static let value = "max-age=31536000"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.strictTransportSecurity] = Self.value
        return response
    }
}

/// Refuses a body on a request that takes none (GET, HEAD, DELETE, OPTIONS): a client that
/// sends one is not following the protocol, and nothing reads it.
struct NoBodyMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    static let methods: Set<HTTPRequest.Method> = [.get, .head, .delete, .options]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.methods.contains(request.method) else { return try await next(request, context) }
        return try await next(try await JSONBody.none(request), context)
    }
}
