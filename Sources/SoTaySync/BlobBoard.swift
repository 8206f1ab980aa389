import Foundation
import SoTayWire

/// Where each blob of a sync stands, shared by the upload lanes and the dossier loop: the lanes
/// take blobs in outbox order and post each outcome; the loop waits for the blobs its next
/// dossier names. Counters for the sync's report are kept here and merged at the end.
actor BlobBoard {
    enum Outcome: Sendable {
        case uploaded
        case failed(SyncError)
    }

    /// A blob upload that failed, with what it had done before failing.
    struct Failure: Error {
        var error: SyncError
        var gained: Int64
        var requests: Int
    }

    private let jobs: [AttachmentRef]
    private let queued: Set<String>
    private var next = 0
    private var outcomes: [String: Outcome] = [:]
    private var waiters: [String: [CheckedContinuation<Outcome, Never>]] = [:]
    private var attachmentBytes: Int64 = 0
    private var requests = 0
    private var blobsSent = 0

    init(_ jobs: [AttachmentRef]) {
        self.jobs = jobs
        self.queued = Set(jobs.map(\.sha256))
    }

    /// The next blob to upload, or nil when none is left or the sync is stopping.
    func take() -> AttachmentRef? {
        guard next < jobs.count, !Task.isCancelled else { return nil }
        defer { next += 1 }
        return jobs[next]
    }

    func finish(_ sha256: String, _ outcome: Outcome, bytes: Int64, requests: Int) {
        attachmentBytes += bytes
        self.requests += requests
        if case .uploaded = outcome { blobsSent += 1 }
        outcomes[sha256] = outcome
        for waiter in waiters.removeValue(forKey: sha256) ?? [] { waiter.resume(returning: outcome) }
    }

    /// How the blob's upload ended, once it has; a blob not queued is already on the hub.
    func outcome(of sha256: String) async -> Outcome {
        guard queued.contains(sha256) else { return .uploaded }
        if let outcome = outcomes[sha256] { return outcome }
        return await withCheckedContinuation { waiters[sha256, default: []].append($0) }
    }

    /// Whether every one of these blobs' uploads has ended (or was never queued), without waiting.
    func areSettled(_ hashes: [String]) -> Bool {
        hashes.allSatisfy { !queued.contains($0) || outcomes[$0] != nil }
    }

    func merge(into report: inout SyncReport) {
        report.attachmentBytes += attachmentBytes
        report.requests += requests
        report.blobsSent += blobsSent
        attachmentBytes = 0
        requests = 0
        blobsSent = 0
    }
}
