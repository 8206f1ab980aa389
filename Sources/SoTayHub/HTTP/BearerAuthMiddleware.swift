import Hummingbird
import SoTayWire

/// Lets through only requests whose bearer token belongs to `role`: no or an unknown token is
/// 401, a valid token of another role is 403. Repeated failures from one address wait.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let store: any HubSyncRepository
    let limiter: any FailureLimiting
    let role: HubRole

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // A valid token always goes through: behind a reverse proxy every laptop shares one
        // address, and one revoked laptop retrying must not lock the others out. Only the
        // failures wait, so guessing tokens stays slow.
        guard let token = BearerToken(authorization: request.headers[.authorization]), let holder = try await store.holder(of: token) else {
            if let wait = try await limiter.waitBeforeTrying(context.clientAddress) {
                throw Refusal(429, .rateLimited, "Too many failed attempts from this address. Wait and try again.", retryAfter: wait)
            }
            try await limiter.countFailure(context.clientAddress)
            throw Refusal.unauthorized(role)
        }
        guard holder.role == role else { throw Refusal.wrongRole(holder.role, needed: role) }
        var context = context
        switch holder {
        case .device(let device):
            context.device = device
            context.logger[metadataKey: "device"] = "\(device.id)"
        case .staff(let staff):
            context.staff = staff
            context.logger[metadataKey: staff.role.rawValue] = "\(staff.id)"
        }
        return try await next(request, context)
    }
}

extension Refusal {
    static func unauthorized(_ role: HubRole) -> Refusal {
        switch role {
        case .device: unauthorized
        case .officer:
            Refusal(401, .unauthorized, "A valid officer token is required (Authorization: Bearer). The commune admin makes one with: sotay-hub officers add.")
        case .admin:
            Refusal(401, .unauthorized, "A valid admin token is required (Authorization: Bearer). Make one on the hub with: sotay-hub admins add.")
        case .province:
            Refusal(401, .unauthorized, "A valid province token is required (Authorization: Bearer). Make one on the province hub with: sotay-hub province add.")
        }
    }

    static func wrongRole(_ holder: HubRole, needed: HubRole) -> Refusal {
        Refusal(403, .forbidden, "This is \(holder == .admin ? "an" : "a") \(holder.rawValue)'s token; these routes are for \(needed == .admin ? "an" : "a") \(needed.rawValue).")
    }
}
