import Hummingbird
import NIOCore

/// Per-request state: who is calling (after authentication) and from where.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The device whose bearer token authenticated the request.
    var device: HubDevice?
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
}
