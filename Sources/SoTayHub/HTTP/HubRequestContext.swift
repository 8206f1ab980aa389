import Hummingbird
import NIOCore

/// Per-request state: who is calling (after authentication) and from where.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The device whose bearer token authenticated the request.
    var device: HubDevice?
    /// The officer or admin whose bearer token authenticated the request.
    var staff: HubStaff?
    /// The peer's IP address, for rate limits; "local" when there is no socket (router tests).
    let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    func requireDevice() throws -> HubDevice {
        guard let device else { throw Refusal.unauthorized }
        return device
    }

    /// The officer or admin making the request, as the audit log names them.
    func requireStaff() throws -> (HubStaff, AuditActor) {
        guard let staff else { throw Refusal.unauthorized }
        let role: AuditActor.Role = staff.role == .admin ? .admin : .officer
        return (staff, AuditActor(role: role, id: staff.id, name: staff.name, clientAddress: clientAddress))
    }
}
