import Foundation
import Testing
@testable import SoTaySync

@Suite("What an open sotay does when it finds the commune hub")
struct ProbeActionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("something waiting, or no sync for 15 minutes: a full sync")
    func sync() {
        #expect(HubProbe.action(pending: 1, lastSyncAt: now, lastPulledAt: now, now: now) == .sync)
        #expect(HubProbe.action(pending: 0, lastSyncAt: nil, lastPulledAt: nil, now: now) == .sync)
        #expect(HubProbe.action(pending: 0, lastSyncAt: now.addingTimeInterval(-15 * 60 - 1), lastPulledAt: now, now: now) == .sync)
    }

    @Test("nothing waiting: the hub's decisions are pulled at least every 2 minutes, and not more often")
    func pull() {
        let synced = now.addingTimeInterval(-5 * 60)
        #expect(HubProbe.action(pending: 0, lastSyncAt: synced, lastPulledAt: nil, now: now) == .pull)
        #expect(HubProbe.action(pending: 0, lastSyncAt: synced, lastPulledAt: now.addingTimeInterval(-120), now: now) == .pull)
        #expect(HubProbe.action(pending: 0, lastSyncAt: synced, lastPulledAt: now.addingTimeInterval(-119), now: now) == .nothing)
        #expect(HubProbe.action(pending: 0, lastSyncAt: synced, lastPulledAt: now.addingTimeInterval(-10), now: now, pullEvery: 5) == .pull)
    }
}
