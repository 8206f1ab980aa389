import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Refuses every HTTP redirect, so the 3xx reply itself comes back to the caller.
///
/// The protocol has no redirects. Left to itself, URLSession (libcurl on Linux) follows a 302
/// or 307 to any host and sends the same `Authorization: Bearer …` there, plain http included:
/// a Wi-Fi login page that redirects would get the device token. A 3xx is read as "this network
/// needs a login" (`SyncError.redirected`). Verified on Linux FoundationNetworking: the session
/// delegate is asked for `data(for:)` too, and answering nil returns the 3xx unsent.
final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    /// A session for talking to the hub: nothing cached, no cookies, no redirects followed.
    static func session(_ configuration: URLSessionConfiguration) -> URLSession {
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }
}
