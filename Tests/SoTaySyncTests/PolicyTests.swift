import SoTaySync
import Testing

@Suite("Sync: retry and probe policies")
struct PolicyTests {
    @Test("Backoff doubles from the base, stays within half and all of each step, and gives up after the last attempt")
    func backoff() {
        var policy = RetryPolicy(baseMilliseconds: 500, capMilliseconds: 4000, maxAttempts: 6)
        let low = (0..<5).map { _ in policy.failed(jitter: 0) }
        #expect(low == [.retry(afterMilliseconds: 250), .retry(afterMilliseconds: 500), .retry(afterMilliseconds: 1000),
                        .retry(afterMilliseconds: 2000), .retry(afterMilliseconds: 2000)])
        #expect(policy.failed(jitter: 0) == .giveUp)

        var high = RetryPolicy(baseMilliseconds: 500, capMilliseconds: 4000, maxAttempts: 6)
        #expect(high.failed(jitter: 0.999) == .retry(afterMilliseconds: 499))
        #expect(high.failed(jitter: 1.5) == .retry(afterMilliseconds: 999))
    }

    @Test("A success starts the backoff again from the shortest wait")
    func resetAfterSuccess() {
        var policy = RetryPolicy(baseMilliseconds: 100, capMilliseconds: 10_000, maxAttempts: 3)
        _ = policy.failed(jitter: 0)
        _ = policy.failed(jitter: 0)
        policy.succeeded()
        #expect(policy.failed(jitter: 0) == .retry(afterMilliseconds: 50))
        #expect(policy.failed(jitter: 0) == .retry(afterMilliseconds: 100))
        #expect(policy.failed(jitter: 0) == .giveUp)
    }

    @Test("Probes come sooner after a change and spread out while the hub stays away")
    func probeSchedule() {
        var schedule = ProbeSchedule(firstSeconds: 5, capSeconds: 60, reachableSeconds: 30)
        #expect((0..<6).map { _ in schedule.next(reachable: false) } == [5, 10, 20, 40, 60, 60])
        #expect(schedule.next(reachable: true) == 30)
        #expect(schedule.next(reachable: false) == 5)
    }

    @Test("Plain http is refused except to this machine, unless explicitly allowed")
    func addresses() throws {
        #expect(throws: SyncError.self) { try HubAddress("http://192.168.1.10:8080", allowInsecure: false) }
        #expect(try HubAddress("http://192.168.1.10:8080", allowInsecure: true).host == "192.168.1.10")
        #expect(try HubAddress("http://127.0.0.1:8080/", allowInsecure: false).description == "http://127.0.0.1:8080")
        #expect(try HubAddress("http://localhost:9000", allowInsecure: false).host == "localhost")
        #expect(try HubAddress("https://sotay.xa-an-binh.vn", allowInsecure: false).host == "sotay.xa-an-binh.vn")
        for bad in ["ftp://x", "sotay.vn", "https://x.vn/api", "", "https://user@x.vn", "https://x.vn?a=b"] {
            #expect(throws: SyncError.self, "\(bad)") { try HubAddress(bad, allowInsecure: true) }
        }
    }

    @Test("Sync pacing: one dossier in flight and 64 booked at a time; the environment sets others within 1–16 and 1–512, and words are ignored")
    func pacing() {
        #expect(SyncEngine.Pacing() == SyncEngine.Pacing(lanes: 1, window: 64))
        #expect(SyncEngine.Pacing.from(environment: [:]) == SyncEngine.Pacing())
        let oneByOne = SyncEngine.Pacing.from(environment: ["SOTAY_SYNC_LANES": "1", "SOTAY_SYNC_WINDOW": "1"])
        #expect(oneByOne.lanes == 1 && oneByOne.window == 1)
        let clamped = SyncEngine.Pacing.from(environment: ["SOTAY_SYNC_LANES": "0", "SOTAY_SYNC_WINDOW": "100000"])
        #expect(clamped.lanes == 1 && clamped.window == 512)
        #expect(SyncEngine.Pacing.from(environment: ["SOTAY_SYNC_LANES": "nhiều", "SOTAY_SYNC_WINDOW": ""]) == SyncEngine.Pacing())
    }
}

@Suite("Sync: the adaptive chunk size")
struct AdaptiveChunkTests {
    @Test("Starts at 64 KiB, doubles while chunks go through, halves after a failure, within 16 KiB–4 MiB")
    func sequence() {
        var chunk = AdaptiveChunk(targetSeconds: 1000)
        #expect(chunk.size == 64 << 10)
        var sizes: [Int] = []
        for _ in 0..<8 {
            chunk.succeeded(bytes: chunk.size, seconds: 0.01)
            sizes.append(chunk.size)
        }
        let kibibytes: [Int] = sizes.map { $0 >> 10 }
        #expect(kibibytes == [128, 256, 512, 1024, 2048, 4096, 4096, 4096])
        chunk.failed()
        #expect(chunk.size == 2 << 20)
        for _ in 0..<20 { chunk.failed() }
        #expect(chunk.size == 16 << 10)
    }

    @Test("Does not grow past what the link carries in the target time")
    func boundedByRate() {
        var chunk = AdaptiveChunk(targetSeconds: 8)
        // A 1 Mbit/s link: 125 kB/s, so about 1 MB in 8 s.
        for _ in 0..<10 { chunk.succeeded(bytes: chunk.size, seconds: Double(chunk.size) / 125_000) }
        #expect(chunk.size <= 1_000_000)
        #expect(chunk.size >= 900_000)
    }
}
