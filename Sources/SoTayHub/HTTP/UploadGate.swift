import Foundation

/// One writer per upload at a time.
///
/// After a dropped connection the client asks for the offset and sends the next PATCH, often
/// before the hub has noticed that the old connection is gone. The new request waits here for
/// the old one to finish, so the offset it is told is final and two writers never share a file.
/// A holder that has made no progress for `staleAfter` (a connection stalled without closing)
/// loses the upload to the next request; its next `progress` call tells it to stop.
actor UploadGate {
    struct Token: Hashable, Sendable {
        let value = UUID()
    }

    private struct Holder {
        var token: Token
        var lastProgress: ContinuousClock.Instant
    }

    private var holders: [String: Holder] = [:]
    let staleAfter: Duration
    let maxWait: Duration

    init(staleAfter: Duration = .seconds(20), maxWait: Duration = .seconds(30)) {
        self.staleAfter = staleAfter
        self.maxWait = maxWait
    }

    /// Waits for the upload to be free (or its holder to go stale); `nil` after `maxWait`.
    func acquire(_ id: String) async -> Token? {
        let clock = ContinuousClock()
        let deadline = clock.now + maxWait
        while let holder = holders[id], clock.now - holder.lastProgress < staleAfter {
            guard clock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let token = Token()
        holders[id] = Holder(token: token, lastProgress: clock.now)
        return token
    }

    /// Notes progress; `false` when the upload was taken over and the caller must stop writing.
    func progress(_ id: String, _ token: Token) -> Bool {
        guard holders[id]?.token == token else { return false }
        holders[id]?.lastProgress = ContinuousClock.now
        return true
    }

    func release(_ id: String, _ token: Token) {
        if holders[id]?.token == token { holders[id] = nil }
    }
}
