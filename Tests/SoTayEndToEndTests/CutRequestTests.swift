import Foundation
import SoTaySync
import SoTayTestSupport
import Testing

/// A link that drops right after a request's head. libcurl resends such a request on a new
/// connection when the dead one was reused, and FoundationNetworking does not rewind the body:
/// the resent head promised a body that never came, and the request hung until its timeout.
@Suite("End to end: a request cut after its head")
struct CutRequestTests {
    @Test("A PUT cut after its head fails at once and is never resent without its body")
    func cutAfterHead() async throws {
        let server = try RecordingHTTPServer(reply: RecordingHTTPServer.Reply(status: 200, reason: "OK", body: "{}"), keepAlive: true, cutAfterHeadOf: 2)
        defer { server.shutdown() }
        let client = HubClient(address: try HubAddress(server.url, allowInsecure: false), token: "token")
        let payload = Data(repeating: 0x7B, count: 3000)
        for round in 0..<3 {
            do {
                _ = try await client.putDossier("dossier-\(round)", payload: payload)
            } catch {
                // Not the hub (no protocol header), or the cut: either way it comes back.
            }
        }
        #expect(server.bodiesNeverSent == 0, "a request went out again without its body: \(server.requests.map { "\($0.method) \($0.path)" })")
        #expect(server.requests.filter { $0.method == "PUT" }.count == 3, "\(server.requests.map { "\($0.method) \($0.path)" })")
    }
}
