import Foundation
import SoTayStore
import SoTayWire

/// Exchanges a one-time code for a device token and remembers the hub.
public enum Enrollment {
    public static func enroll(address: HubAddress, code: String, deviceName: String, allowInsecure: Bool, store: Store,
                              now: Date = Date()) async throws(SyncError) -> EnrollReply {
        let client = HubClient(address: address, token: nil)
        let reply = try await client.enroll(EnrollRequest(code: code, deviceName: deviceName))
        var link = HubLink(url: address.description, allowInsecure: allowInsecure, deviceId: reply.deviceId, token: reply.token,
                           hubKey: reply.hubKey, volunteerId: reply.volunteer.id, enrolledAt: now)
        if let relayKey = reply.relayKey, let signature = reply.relayKeySignature,
           RelayFile.isRelayKey(relayKey, signature: signature, signedBy: reply.hubKey) {
            link.relayKey = relayKey
        }
        do {
            try store.saveHubLink(link)
        } catch {
            throw .store(error)
        }
        return reply
    }
}
