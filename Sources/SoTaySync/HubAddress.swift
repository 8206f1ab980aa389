import Foundation

/// A hub address the volunteer typed, checked: http or https, no path, and plain http only
/// to this machine unless the volunteer explicitly allows it.
public struct HubAddress: Sendable, Hashable, CustomStringConvertible {
    public let url: URL

    public init(_ text: String, allowInsecure: Bool) throws(SyncError) {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
              components.path.isEmpty, components.query == nil, components.user == nil,
              let url = components.url
        else { throw .invalidAddress(text) }
        if scheme == "http" && !allowInsecure && !Self.isLoopback(host) { throw .insecureAddress(trimmed) }
        self.url = url
    }

    public var host: String { url.host ?? url.absoluteString }
    public var description: String { url.absoluteString }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
