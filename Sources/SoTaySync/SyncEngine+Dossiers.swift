import Foundation
import SoTayCore
import SoTayStore
import SoTayWire

// The outbox's dossiers, a window at a time: attempts noted in one transaction, the requests,
// the receipts kept in one (see `SyncEngine.Pacing`).
extension SyncEngine {
    /// The dossiers in outbox order, a window at a time, each sent once its blobs are uploaded.
    /// A window holds at most one revision of a dossier, so a dossier's revisions go in order.
    func sendQueued(_ items: [OutboxItem], _ attachments: [[AttachmentRef]], _ board: BlobBoard, _ report: inout SyncReport,
                    _ retry: inout RetryPolicy, _ progress: @Sendable (SyncEvent) -> Void) async throws {
        let queued = zip(items, attachments).filter { $0.0.id != nil && $0.0.payload != nil }
        let items = queued.map(\.0), attachments = queued.map(\.1)
        guard !items.isEmpty else { return }
        // Each lane on a URLSession of its own, made once for the whole run: side by side on one
        // session, FoundationNetworking sometimes sent a request's head and never its body (the
        // hub waited 20 s for it, then the client timed out).
        let clients = [client] + (1..<min(dossierLanes, items.count)).map { _ in client.withOwnSession() }
        defer { for lane in clients.dropFirst() { lane.finish() } }
        let batches = BatchSupport()
        var start = 0
        while start < items.count {
            var end = start
            var dossiers = Set<String>()
            while end < items.count, end - start < dossierWindow, dossiers.insert(items[end].itemId).inserted { end += 1 }
            try await sendWindow(Array(items[start..<end]), Array(attachments[start..<end]), clients, board, batches, &report, &retry, progress)
            start = end
        }
    }

    /// What became of one dossier revision of a window.
    private enum Sent: Sendable {
        case accepted(DossierAccepted, bytes: Int)
        case parked(reason: String)
        /// A failure that stops this sync (the hub unreachable after the retries, a bad receipt).
        case failed(any Error)
    }

    /// Whether the hub takes `POST /v1/dossiers`, learnt at the first batch of a run.
    private actor BatchSupport {
        private(set) var refused = false
        func refuse() { refused = true }
    }

    /// Hands out a window's units (a batch, or one dossier) in order to the lanes, and stops
    /// handing them out once one failed.
    private actor WindowQueue {
        private var next = 0
        private var stopped = false
        private let count: Int

        init(count: Int) { self.count = count }

        func take() -> Int? {
            guard !stopped, next < count else { return nil }
            defer { next += 1 }
            return next
        }

        func stop() { stopped = true }
    }

    /// Sends one window on the lanes' clients (`dossierLanes` of them), then books what came back in outbox
    /// order. The attempt is on disk before any request goes (a revision that may have reached
    /// the hub is never replaced in place); the receipts are kept after, in one transaction. A
    /// process killed between the two loses no dossier: the next sync sends those revisions
    /// again, and the hub answers a revision it holds with the receipt it gave (`repeated`).
    private func sendWindow(_ items: [OutboxItem], _ attachments: [[AttachmentRef]], _ clients: [HubClient], _ board: BlobBoard, _ batches: BatchSupport,
                            _ report: inout SyncReport, _ retry: inout RetryPolicy, _ progress: @Sendable (SyncEvent) -> Void) async throws {
        try store.noteAttempt(items.compactMap(\.id))
        let noBatches = await batches.refused
        let batching = dossierBatch > 1 && !noBatches
        let units = batching ? Self.batched(items, size: dossierBatch) : items.indices.map { [$0] }
        let queue = WindowQueue(count: units.count)
        let policy = retry
        let lanes: [(sent: [(Int, Sent)], report: SyncReport, retry: RetryPolicy)] = await withoutActuallyEscaping(progress) { progress in
            await withTaskGroup(of: (sent: [(Int, Sent)], report: SyncReport, retry: RetryPolicy).self) { group in
                for client in clients.prefix(units.count) {
                    group.addTask {
                        var sent: [(Int, Sent)] = []
                        var laneReport = SyncReport()
                        var laneRetry = policy
                        var chunk = AdaptiveChunk()
                        while let unit = await queue.take() {
                            let indices = units[unit]
                            let outcomes: [(Int, Sent)]
                            if indices.count == 1 {
                                outcomes = [(indices[0], await send(items[indices[0]], attachments[indices[0]], client, board, &chunk, &laneReport, &laneRetry, progress))]
                            } else {
                                outcomes = await sendBatch(indices, items, attachments, client, board, batches, &chunk, &laneReport, &laneRetry, progress)
                            }
                            if outcomes.contains(where: { if case .failed = $0.1 { true } else { false } }) { await queue.stop() }
                            sent.append(contentsOf: outcomes)
                        }
                        return (sent, laneReport, laneRetry)
                    }
                }
                var lanes: [(sent: [(Int, Sent)], report: SyncReport, retry: RetryPolicy)] = []
                for await lane in group { lanes.append(lane) }
                return lanes
            }
        }
        for lane in lanes {
            report.requests += lane.report.requests
            report.attachmentBytes += lane.report.attachmentBytes
            report.blobsSent += lane.report.blobsSent
            if lane.retry.failures > retry.failures { retry = lane.retry }
        }
        var outcomes = [Sent?](repeating: nil, count: items.count)
        for lane in lanes { for (index, outcome) in lane.sent { outcomes[index] = outcome } }

        // Booked in outbox order: the accepted first (one transaction), then the refused, then
        // the failure that stopped the window, if any.
        var completions: [Store.Completion] = []
        var accepted: [(OutboxItem, DossierAccepted, Int)] = []
        var refused: [(OutboxItem, id: Int64, reason: String)] = []
        var failure: (any Error)?
        for (item, outcome) in zip(items, outcomes) {
            guard let id = item.id, let outcome else { continue }
            switch outcome {
            case .accepted(let reply, let bytes):
                completions.append(Store.Completion(itemID: id, receipt: ReceiptRecord(reply.receipt, kind: reply.kind), hubStatus: reply.status.rawValue))
                accepted.append((item, reply, bytes))
            case .parked(let reason):
                refused.append((item, id, reason))
            case .failed(let error):
                if let error = error as? SyncError { try? store.noteFailure(id, error: error.message(.en)) }
                failure = failure ?? error
            }
        }
        try store.completeDossiers(completions)
        for (item, reply, bytes) in accepted {
            report.sentDossiers += 1
            if reply.kind == .supplement { report.supplements += 1 }
            report.bytesSent += bytes
            progress(.sentDossier(id: item.itemId, revision: item.revision, kind: reply.kind, bytes: bytes))
        }
        for (item, id, reason) in refused {
            try store.park([id], reason: reason)
            report.parked.append(.init(id: item.itemId, reason: reason))
            progress(.parked(id: item.itemId, reason: reason))
        }
        if let failure { throw failure }
    }

    /// A window's dossiers in runs of at most `size` and `Pacing.maxBatchBytes`, in outbox order; a
    /// payload that cannot go on one line, or is larger than a batch, goes alone (by `PUT`).
    static func batched(_ items: [OutboxItem], size: Int) -> [[Int]] {
        var units: [[Int]] = []
        var current: [Int] = []
        var bytes = 0
        for (index, item) in items.enumerated() {
            let payload = item.payload ?? Data()
            guard WireProtocol.fitsOnOneLine(payload), payload.count < Pacing.maxBatchBytes else {
                units.append([index])
                continue
            }
            if current.count == size || bytes + payload.count + 1 > Pacing.maxBatchBytes {
                units.append(current)
                current = []
                bytes = 0
            }
            current.append(index)
            bytes += payload.count + 1
        }
        if !current.isEmpty { units.append(current) }
        return units
    }

    /// Sends a unit's dossier revisions in batches (`POST /v1/dossiers`), each dossier as soon as
    /// its own files are in, as when dossiers went one by one: the first waits for its files, and
    /// those after it join its batch only if theirs are already settled, so no dossier waits for
    /// another's photos (a short stay on a good link still gets whole dossiers through). With
    /// every file on the hub already, as in a backlog without photos, the unit goes in one batch.
    private func sendBatch(_ indices: [Int], _ items: [OutboxItem], _ attachments: [[AttachmentRef]], _ client: HubClient, _ board: BlobBoard,
                           _ batches: BatchSupport, _ chunk: inout AdaptiveChunk, _ report: inout SyncReport, _ retry: inout RetryPolicy,
                           _ progress: @Sendable (SyncEvent) -> Void) async -> [(Int, Sent)] {
        var pending = indices[...]
        var outcomes: [(Int, Sent)] = []
        while let first = pending.first {
            for ref in attachments[first] { _ = await board.outcome(of: ref.sha256) }
            var run = [first]
            for index in pending.dropFirst() {
                guard await board.areSettled(attachments[index].map(\.sha256)) else { break }
                run.append(index)
            }
            pending = pending.dropFirst(run.count)
            let sent = await sendRun(run, items, attachments, client, board, batches, &chunk, &report, &retry, progress)
            outcomes += sent
            if sent.contains(where: { if case .failed = $0.1 { true } else { false } }) { break }
        }
        return outcomes
    }

    /// Sends a run of dossier revisions whose files are settled in one `POST /v1/dossiers`, and
    /// checks each receipt as `send` does. What a batch cannot settle goes alone through `send`:
    /// a revision whose file failed to upload or that the hub says it lacks files for (`send`
    /// uploads them again), a line the hub could not answer, every line of a batch the hub refused
    /// whole, and, for the rest of the sync, everything when the hub has no batches (404).
    private func sendRun(_ run: [Int], _ items: [OutboxItem], _ attachments: [[AttachmentRef]], _ client: HubClient, _ board: BlobBoard,
                         _ batches: BatchSupport, _ chunk: inout AdaptiveChunk, _ report: inout SyncReport, _ retry: inout RetryPolicy,
                         _ progress: @Sendable (SyncEvent) -> Void) async -> [(Int, Sent)] {
        var ready: [Int] = []
        var alone: [Int] = []
        for index in run {
            var blobsHeld = true
            for ref in attachments[index] {
                if case .failed = await board.outcome(of: ref.sha256) { blobsHeld = false }
            }
            if blobsHeld { ready.append(index) } else { alone.append(index) }
        }
        var outcomes: [(Int, Sent)] = []
        if ready.count > 1, await !batches.refused {
            let payloads = ready.map { items[$0].payload ?? Data() }
            do {
                let reply = try await withRetry(&retry, &report, progress) { () async throws(SyncError) in try await client.postDossiers(payloads) }
                guard reply.results.count == ready.count else { throw SyncError.notTheHub(host: client.address.host, status: 200) }
                for (index, result) in zip(ready, reply.results) {
                    let item = items[index], payload = item.payload ?? Data()
                    guard result.dossierId == item.itemId, result.revision == item.revision else {
                        outcomes.append((index, .failed(SyncError.badReceipt(dossier: item.itemId))))
                        continue
                    }
                    if let accepted = result.accepted, (200..<300).contains(result.status) {
                        outcomes.append((index, holds(accepted, for: item, payload: payload)
                                            ? .accepted(accepted, bytes: payload.count) : .failed(SyncError.badReceipt(dossier: item.itemId))))
                    } else if let error = result.error, error.error.isPermanent, error.error != .missingBlobs {
                        outcomes.append((index, .parked(reason: Self.reason(result.status, error))))
                    } else {
                        alone.append(index)
                    }
                }
            } catch let error as SyncError where error.meansNoBatches {
                await batches.refuse()
                alone += ready
            } catch SyncError.refused {
                // Refused whole (a line the hub could not read): each alone, so only that one is set aside.
                alone += ready
            } catch {
                return outcomes + ready.map { ($0, .failed(error)) } + alone.map { ($0, .failed(error)) }
            }
        } else {
            alone += ready
        }
        for index in alone.sorted() {
            let outcome = await send(items[index], attachments[index], client, board, &chunk, &report, &retry, progress)
            outcomes.append((index, outcome))
            if case .failed = outcome { break }
        }
        return outcomes
    }

    /// Whether the hub's reply is a receipt for exactly this revision: signed with the hub's key,
    /// over these bytes, naming this dossier and revision (a batch's line or a `PUT`'s reply alike).
    private func holds(_ accepted: DossierAccepted, for item: OutboxItem, payload: Data) -> Bool {
        accepted.receipt.isSigned(by: hubKey) && accepted.receipt.contentSHA256 == Hashes.sha256Hex(payload)
            && accepted.dossierId == item.itemId && accepted.revision == item.revision
    }

    /// Sends one dossier revision once its blobs are on the hub, and checks the receipt.
    private func send(_ item: OutboxItem, _ refs: [AttachmentRef], _ client: HubClient, _ board: BlobBoard, _ chunk: inout AdaptiveChunk, _ report: inout SyncReport,
                      _ retry: inout RetryPolicy, _ progress: @Sendable (SyncEvent) -> Void) async -> Sent {
        let payload = item.payload ?? Data()
        do {
            for ref in refs {
                if case .failed(let error) = await board.outcome(of: ref.sha256) { throw error }
            }
            let accepted: DossierAccepted
            do {
                accepted = try await withRetry(&retry, &report, progress) { () async throws(SyncError) in
                    try await client.putDossier(item.itemId, payload: payload)
                }
            } catch SyncError.missingBlobs(let hashes) {
                // The hub lost blobs it had confirmed (restored from an old backup): send
                // them again, then the same revision. A second refusal parks the dossier.
                try store.markBlobsMissing(hashes)
                try await sendAttachments(refs, &chunk, &report, &retry, progress)
                accepted = try await withRetry(&retry, &report, progress) { () async throws(SyncError) in
                    try await client.putDossier(item.itemId, payload: payload)
                }
            }
            guard holds(accepted, for: item, payload: payload) else { throw SyncError.badReceipt(dossier: item.itemId) }
            return .accepted(accepted, bytes: payload.count)
        } catch SyncError.refused(let status, let body) {
            return .parked(reason: Self.reason(status, body))
        } catch let error as SyncError where error.parksDossier {
            return .parked(reason: error.message(.vi))
        } catch {
            return .failed(error)
        }
    }
}
