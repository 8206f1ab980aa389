import Foundation
import SoTayCore
import SoTayStore
import SoTayWire

/// What a sync did, for the progress line, `sotay status` and the tests.
public struct SyncReport: Sendable, Hashable {
    /// An item the hub refused for good, and why.
    public struct Parked: Sendable, Hashable {
        public var id: String
        public var reason: String
    }

    public var sentDossiers = 0
    public var supplements = 0
    public var sentActivities = 0
    public var parked: [Parked] = []
    public var pulledChanges = 0
    public var requests = 0
    public var bytesSent = 0
    /// Attachment bytes the hub took in this run (partial chunks included), and whole blobs.
    public var attachmentBytes: Int64 = 0
    public var blobsSent = 0
    /// Dossiers left waiting because the store was locked (no passphrase given).
    public var dossiersLocked = 0
    /// Log entries with a note left waiting for the same reason (their notes are sealed).
    public var activitiesLocked = 0
    /// What the retention purge after the sync erased.
    public var purge = PurgeReport()
    /// A content pack taken, refused, or left half-downloaded by this sync.
    public var content: ContentOutcome?
}

/// One event of a running sync, for whoever shows progress.
public enum SyncEvent: Sendable {
    /// About to send: how many items and bytes wait, and the attachment bytes not yet on the hub.
    case starting(items: Int, bytes: Int, attachmentBytes: Int64)
    /// The hub took `bytes` more attachment bytes.
    case uploaded(bytes: Int64)
    case sentDossier(id: String, revision: Int, kind: RevisionKind, bytes: Int)
    case sentActivities(count: Int, bytes: Int)
    case parked(id: String, reason: String)
    case retrying(afterMilliseconds: Int, reason: SyncError)
    case pulled(count: Int)
}

/// Drains the outbox in order, then pulls the change feed. Safe to stop at any point: an item
/// leaves the outbox only in the transaction that stores the hub's receipt, and a resend of
/// the same revision is answered the same way, so the next sync finishes the job.
public struct SyncEngine: Sendable {
    public let store: Store
    public let client: HubClient
    public let hubKey: String
    public var retry: RetryPolicy
    public var activityBatchSize: Int
    /// Dossier requests in flight at once (see `Pacing`).
    public var dossierLanes: Int
    /// Dossiers noted as attempted, and booked, in one transaction (see `Pacing`).
    public var dossierWindow: Int
    /// Dossiers sent in one `POST /v1/dossiers` (see `Pacing`); 1 sends each by `PUT`.
    public var dossierBatch: Int
    let uploader: TusUploader

    public init(store: Store, client: HubClient, hubKey: String, retry: RetryPolicy = RetryPolicy(), activityBatchSize: Int = 200,
                pacing: Pacing = Pacing()) {
        self.store = store
        self.client = client
        self.uploader = client.uploader()
        self.hubKey = hubKey
        self.retry = retry
        self.activityBatchSize = activityBatchSize
        self.dossierLanes = pacing.lanes
        self.dossierWindow = pacing.window
        self.dossierBatch = pacing.batch
    }

    /// How the outbox's dossiers go: `window` dossiers noted as attempted in one transaction
    /// before they go and booked (receipts kept, outbox rows dropped) in one after, two fsyncs
    /// for a run of them rather than two each; `lanes` requests in flight at once.
    ///
    /// One lane by default. With several (each on a URLSession of its own), FoundationNetworking
    /// now and then sends a request's head and never its body: the hub waits, the client times
    /// out after 20 s and sends it again. Measured on this machine's first sync of 10,000
    /// dossiers with 4 lanes: stalls of 20 s every few hundred dossiers, 49 dossiers/s against
    /// 285 with one.
    ///
    /// Within a window, up to `batch` dossiers go in one request (`POST /v1/dossiers`, at most
    /// `maxBatchBytes` of them): one round trip and one commit on the hub for many dossiers,
    /// which on a village link (150 ms a round trip) is most of a first sync's time. A hub from
    /// before batches answers 404, and the rest of the run goes one dossier per `PUT`.
    ///
    /// `SOTAY_SYNC_LANES`, `SOTAY_SYNC_WINDOW` and `SOTAY_SYNC_BATCH` change them (1, 1 and 1: one
    /// dossier at a time, booked one by one, as before the windows and batches).
    public struct Pacing: Sendable, Hashable {
        public var lanes: Int
        public var window: Int
        public var batch: Int
        /// The most payload bytes in one batch: small enough to get through a link that drops
        /// every megabyte, large enough for a window of ordinary dossiers (1–3 KB each).
        public static let maxBatchBytes = 256 << 10

        public init(lanes: Int = 1, window: Int = 64, batch: Int = 64) {
            self.lanes = min(max(lanes, 1), 16)
            self.window = min(max(window, 1), 512)
            self.batch = min(max(batch, 1), WireProtocol.maxDossiersPerBatch)
        }

        /// The defaults, or what the environment sets (values out of range are clamped, others ignored).
        public static func from(environment: [String: String]) -> Pacing {
            let defaults = Pacing()
            return Pacing(lanes: environment["SOTAY_SYNC_LANES"].flatMap { Int($0) } ?? defaults.lanes,
                          window: environment["SOTAY_SYNC_WINDOW"].flatMap { Int($0) } ?? defaults.window,
                          batch: environment["SOTAY_SYNC_BATCH"].flatMap { Int($0) } ?? defaults.batch)
        }
    }

    /// Opens the engine for the hub this laptop is enrolled with (or `address` instead).
    public static func enrolled(store: Store, address: HubAddress? = nil) throws(SyncError) -> SyncEngine {
        let link: HubLink?
        do { link = try store.hubLink() } catch { throw .store(error) }
        guard let link else { throw .notEnrolled }
        let target: HubAddress
        if let address { target = address } else { target = try HubAddress(link.url, allowInsecure: link.allowInsecure) }
        return SyncEngine(store: store, client: HubClient(address: target, token: link.token), hubKey: link.hubKey,
                          pacing: .from(environment: ProcessInfo.processInfo.environment))
    }

    public func run(progress: @Sendable (SyncEvent) -> Void = { _ in }) async throws(SyncError) -> SyncReport {
        var report = SyncReport()
        var retry = self.retry
        do {
            try noteAttemptTime()
            if store.isUnlocked {
                try await sendDossiers(&report, &retry, progress)
            } else {
                // Dossiers are sealed in the outbox; without the passphrase (a timer's sync)
                // they wait, and the rest still goes.
                report.dossiersLocked = try store.waitingDossierCount()
            }
            try await sendActivities(&report, &retry, progress)
            report.activitiesLocked = try store.waitingLockedActivityCount()
            try await pullChanges(&report, &retry, progress)
            report.content = await updateContent()
            try await learnRelayKey()
            // Closed dossiers past the retention period lose their personal data here, right
            // after the hub confirmed what it holds.
            report.purge = try store.purge()
            // Photos' originals whose sending copy the hub has receipted (or no dossier holds).
            try store.pruneOriginals()
            try store.updateHubLink { link in
                link.lastSyncAt = Date()
                link.lastError = nil
            }
        } catch {
            if let failure = error as? SyncError {
                try? store.updateHubLink { link in link.lastError = failure.message(.vi) }
            }
            throw translated(error)
        }
        return report
    }

    /// Only the hub's decisions (`/v1/changes`): one request when nothing is new. What an open
    /// home menu does every couple of minutes, so that "cần bổ sung" shows while it is open.
    public func pull() async throws(SyncError) -> SyncReport {
        var report = SyncReport()
        var retry = self.retry
        do {
            try await pullChanges(&report, &retry, { _ in })
        } catch {
            throw translated(error)
        }
        return report
    }

    /// A failure as the volunteer hears of it: the store's and the sync's own errors as they
    /// are, anything else (the transport's) as "the hub cannot be reached".
    private func translated(_ error: any Error) -> SyncError {
        switch error {
        case let error as SyncError: error
        case let error as StoreError: .store(error)
        default: .unreachable(host: client.address.host)
        }
    }

    /// A laptop enrolled before relay files existed learns the hub's relay key once, from
    /// `/v1/health`, checked against the key it enrolled with (see RelayFile).
    private func learnRelayKey() async throws {
        guard try store.hubLink()?.relayKey == nil else { return }
        guard let reply = try? await client.health(), let relayKey = reply.relayKey, let signature = reply.relayKeySignature,
              RelayFile.isRelayKey(relayKey, signature: signature, signedBy: hubKey)
        else { return }
        try store.updateHubLink { link in link.relayKey = relayKey }
    }

    private func noteAttemptTime() throws {
        try store.updateHubLink { link in link.lastAttemptAt = Date() }
    }

    /// Runs `request`, retrying transient failures with backoff; other failures go up.
    func withRetry<T>(_ retry: inout RetryPolicy, _ report: inout SyncReport, _ progress: @Sendable (SyncEvent) -> Void,
                      _ request: () async throws(SyncError) -> T) async throws -> T {
        while true {
            report.requests += 1
            let result: Result<T, SyncError>
            do {
                result = .success(try await request())
            } catch {
                result = .failure(error)
            }
            switch result {
            case .success(let value):
                retry.succeeded()
                return value
            case .failure(let error):
                guard error.isTransient else { throw error }
                // The hub says how long to wait; beyond a minute, the next sync will do.
                var floor = 0
                if case .rateLimited(let seconds?) = error {
                    guard seconds <= 60 else { throw error }
                    floor = seconds * 1000
                }
                switch retry.failed(jitter: Double.random(in: 0..<1)) {
                case .giveUp:
                    throw error
                case .retry(let milliseconds):
                    let wait = max(milliseconds, floor)
                    progress(.retrying(afterMilliseconds: wait, reason: error))
                    try await Task.sleep(for: .milliseconds(wait))
                }
            }
        }
    }

    private func sendDossiers(_ report: inout SyncReport, _ retry: inout RetryPolicy, _ progress: @Sendable (SyncEvent) -> Void) async throws {
        let items = try store.outbox(kind: .dossier)
        let activities = try store.outbox(kind: .activity).count
        // Each frozen payload is decoded once, for the total and for the uploads.
        let attachments = items.map(Self.attachments(of:))
        var waiting: [String: Int64] = [:]
        for refs in attachments {
            for ref in refs where try store.blobUpload(ref.sha256)?.uploadedAt == nil {
                waiting[ref.sha256] = ref.size
            }
        }
        progress(.starting(items: items.count + activities, bytes: items.reduce(0) { $0 + ($1.payload?.count ?? 0) },
                           attachmentBytes: waiting.values.reduce(0, +)))
        // Every blob the outbox still needs, asked about in one request, then uploaded on a few
        // connections at once while the dossiers go in order, each as soon as its own blobs
        // are on the hub: on a slow link with long round trips, one request at a time leaves
        // the line idle for every reply, and uploads on other connections fill those gaps.
        let missing = try await missingBlobs(Array(waiting.keys), &report, &retry, progress)
        var queued = Set<String>()
        let jobs = attachments.flatMap { $0 }.filter { missing.contains($0.sha256) && queued.insert($0.sha256).inserted }
        let board = BlobBoard(jobs)
        let folder = try store.blobFolder()
        try await withoutActuallyEscaping(progress) { progress in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<min(Self.uploadLanes, jobs.count) {
                    group.addTask { await lane(board, folder: folder, progress) }
                }
                do {
                    try await sendQueued(items, attachments, board, &report, &retry, progress)
                } catch {
                    group.cancelAll()
                    await board.merge(into: &report)
                    throw error
                }
                try await group.waitForAll()
                await board.merge(into: &report)
            }
        }
    }

    /// Uploads at once on a slow link: enough to keep it busy through each reply's round trip.
    static let uploadLanes = 3

    /// One upload lane: takes the next blob in outbox order until none is left.
    private func lane(_ board: BlobBoard, folder: BlobFolder, _ progress: @escaping @Sendable (SyncEvent) -> Void) async {
        var chunk = AdaptiveChunk()
        while let ref = await board.take() {
            do {
                let (gained, requests) = try await uploadBlob(ref, folder: folder, chunk: &chunk, progress)
                try store.markBlobsUploaded([ref.sha256])
                await board.finish(ref.sha256, .uploaded, bytes: gained, requests: requests)
            } catch let failure as BlobBoard.Failure {
                await board.finish(ref.sha256, .failed(failure.error), bytes: failure.gained, requests: failure.requests)
            } catch let error as SyncError {
                await board.finish(ref.sha256, .failed(error), bytes: 0, requests: 0)
            } catch let error as StoreError {
                await board.finish(ref.sha256, .failed(.store(error)), bytes: 0, requests: 0)
            } catch {
                await board.finish(ref.sha256, .failed(.unreachable(host: client.address.host)), bytes: 0, requests: 0)
            }
        }
    }

    /// The attachments a queued revision names, read from the frozen payload itself.
    static func attachments(of item: OutboxItem) -> [AttachmentRef] {
        guard let payload = item.payload, let upload = try? WireProtocol.decoder().decode(DossierUpload.self, from: payload) else { return [] }
        return upload.attachments
    }

    /// Which of `hashes` the hub lacks, asked in as few requests as the hub allows; the
    /// others are marked uploaded.
    private func missingBlobs(_ hashes: [String], _ report: inout SyncReport, _ retry: inout RetryPolicy,
                              _ progress: @Sendable (SyncEvent) -> Void) async throws -> Set<String> {
        var missing = Set<String>()
        for start in stride(from: 0, to: hashes.count, by: WireProtocol.maxBlobQuery) {
            let slice = Array(hashes[start..<min(start + WireProtocol.maxBlobQuery, hashes.count)])
            let lacking = Set(try await withRetry(&retry, &report, progress) { () async throws(SyncError) in
                try await client.missingBlobs(slice)
            })
            try store.markBlobsUploaded(slice.filter { !lacking.contains($0) })
            missing.formUnion(lacking)
        }
        return missing
    }

    /// Makes sure the hub holds every blob in `refs`, one after another (the dossier loop's
    /// second try, when the hub lost blobs it had confirmed).
    func sendAttachments(_ refs: [AttachmentRef], _ chunk: inout AdaptiveChunk, _ report: inout SyncReport, _ retry: inout RetryPolicy,
                         _ progress: @Sendable (SyncEvent) -> Void) async throws {
        let pending = try refs.filter { try store.blobUpload($0.sha256)?.uploadedAt == nil }
        guard !pending.isEmpty else { return }
        let missing = try await missingBlobs(pending.map(\.sha256), &report, &retry, progress)
        let folder = try store.blobFolder()
        for ref in pending where missing.contains(ref.sha256) {
            do {
                let (gained, requests) = try await uploadBlob(ref, folder: folder, chunk: &chunk, progress)
                report.attachmentBytes += gained
                report.requests += requests
            } catch let failure as BlobBoard.Failure {
                report.attachmentBytes += failure.gained
                report.requests += failure.requests
                throw failure.error
            }
            try store.markBlobsUploaded([ref.sha256])
            report.blobsSent += 1
        }
    }

    /// Uploads one blob with tus, remembering the upload's address so that a later run resumes
    /// it. Returns the bytes the hub took and the requests made; a failure carries them too.
    private func uploadBlob(_ ref: AttachmentRef, folder: BlobFolder, chunk: inout AdaptiveChunk,
                            _ progress: @Sendable (SyncEvent) -> Void) async throws -> (gained: Int64, requests: Int) {
        let reader: BlobReader
        do { reader = try folder.reader(sha256: ref.sha256) } catch { throw SyncError.attachmentUnreadable(sha256: ref.sha256) }
        guard reader.length == ref.size else { throw SyncError.attachmentUnreadable(sha256: ref.sha256) }
        let kind = FileKind(mediaType: ref.mediaType)?.rawValue ?? "bin"
        let blob = TusUploader.Blob(source: .sealed(reader), size: ref.size, sha256: ref.sha256, name: "\(ref.sha256).\(kind)")
        let resume = try store.blobUpload(ref.sha256)?.uploadURL.flatMap { URL(string: $0) }
        let store = self.store
        var gained: Int64 = 0
        var requests = 0
        do {
            _ = try await uploader.upload(blob, resumeURL: resume, chunk: &chunk) { event in
                requests += 1
                switch event {
                case .created(let url):
                    try store.noteBlobUpload(ref.sha256, url: url.absoluteString, offset: 0)
                case .progressed(let url, let offset, let bytes):
                    try store.noteBlobUpload(ref.sha256, url: url.absoluteString, offset: offset)
                    gained += bytes
                    progress(.uploaded(bytes: bytes))
                case .retrying(let milliseconds, let reason):
                    progress(.retrying(afterMilliseconds: milliseconds, reason: reason))
                }
            }
        } catch {
            throw BlobBoard.Failure(error: error, gained: gained, requests: requests)
        }
        return (gained, requests)
    }

    private func sendActivities(_ report: inout SyncReport, _ retry: inout RetryPolicy, _ progress: @Sendable (SyncEvent) -> Void) async throws {
        var previousFirst: Int64?
        while true {
            let items = try store.outbox(kind: .activity, limit: activityBatchSize)
            // The same first item again means nothing could go (notes still locked): stop.
            guard !items.isEmpty, items.first?.id != previousFirst else { return }
            previousFirst = items.first?.id
            // A batch the hub refused is split and its bad items parked, so the loop ends:
            // every item is either sent, parked or held back, and none of those is read again.
            try await sendActivityBatch(items, &report, &retry, progress)
        }
    }

    /// Sends a batch; when the hub refuses it as invalid, sends the halves apart, so that one
    /// bad activity is parked and the good ones still go.
    @discardableResult
    private func sendActivityBatch(_ items: [OutboxItem], _ report: inout SyncReport, _ retry: inout RetryPolicy,
                                   _ progress: @Sendable (SyncEvent) -> Void) async throws -> Int {
        let records = Dictionary(uniqueKeysWithValues: try store.activities(ids: items.map(\.itemId)).map { ($0.id, $0) })
        // The outbox leaves out entries whose note is locked; should one come anyway, it stays
        // queued rather than reach the hub without its note.
        let items = items.filter { records[$0.itemId]?.hasLockedNote != true }
        guard !items.isEmpty else { return 0 }
        let ids = items.compactMap(\.id)
        let uploads = items.compactMap { records[$0.itemId].map(ActivityUpload.init) }
        try store.noteAttempt(ids)
        do {
            let batch = ActivityBatch(activities: uploads)
            let bytes = (try? WireProtocol.encoder().encode(batch).count) ?? 0
            _ = try await withRetry(&retry, &report, progress) { () async throws(SyncError) in
                try await client.postActivities(batch)
            }
            try store.completeActivities(ids)
            report.sentActivities += items.count
            report.bytesSent += bytes
            progress(.sentActivities(count: items.count, bytes: bytes))
            return items.count
        } catch SyncError.refused(let status, let body) {
            guard items.count > 1 else {
                let reason = Self.reason(status, body)
                try store.park(ids, reason: reason)
                report.parked.append(.init(id: items[0].itemId, reason: reason))
                progress(.parked(id: items[0].itemId, reason: reason))
                return 0
            }
            let middle = items.count / 2
            let first = try await sendActivityBatch(Array(items[..<middle]), &report, &retry, progress)
            return try await first + sendActivityBatch(Array(items[middle...]), &report, &retry, progress)
        }
    }

    /// A refusal as the volunteer reads it: status, code, message, and the fields named.
    static func reason(_ status: Int, _ body: ErrorBody) -> String {
        let fields = body.fields.map { " " + $0.map { "\($0.field) \($0.problem)" }.joined(separator: "; ") } ?? ""
        return "\(status) \(body.error.rawValue): \(body.message)" + fields
    }

    private func pullChanges(_ report: inout SyncReport, _ retry: inout RetryPolicy, _ progress: @Sendable (SyncEvent) -> Void) async throws {
        var cursor = try store.hubLink()?.cursor ?? "0"
        while true {
            let since = cursor
            let page = try await withRetry(&retry, &report, progress) { () async throws(SyncError) in
                try await client.changes(since: since)
            }
            try Self.apply(page.changes, cursor: page.cursor, to: store)
            report.pulledChanges += page.changes.count
            if !page.changes.isEmpty { progress(.pulled(count: page.changes.count)) }
            guard page.more, page.cursor != cursor else { return }
            cursor = page.cursor
        }
    }
}

extension ActivityUpload {
    init(_ record: ActivityRecord) {
        self.init(id: record.id, kind: record.kind, occurredAt: record.occurredAt, village: record.village, residentId: record.residentId,
                  procedureId: record.procedureId, dossierId: record.dossierId, outcome: record.outcome, reason: record.reason,
                  payment: record.payment, channel: record.channel, outsideCommune: record.outsideCommune ? true : nil, topic: record.topic,
                  participants: record.participants, satisfaction: record.satisfaction, notes: record.notes, retracts: record.retracts)
    }
}

extension SyncEngine {
    /// Applies a page of the change feed, from a sync or from a relay's return file: decisions
    /// and announcements into the store, content packs noted for the next download.
    static func apply(_ changes: [Change], cursor: String, to store: Store) throws {
        let pulled: [PulledChange] = changes.compactMap { change in
            switch change.kind {
            case .status:
                guard let id = change.dossierId, let status = change.status else { return nil }
                return .status(dossierID: id, status: status.rawValue, reason: change.reason, portalCode: change.portalCode, at: change.at)
            case .announcement:
                return change.message.map { .announcement(message: $0, at: change.at) }
            case .content:
                return nil
            }
        }
        try LocalLibrary(dataDirectory: store.directory).noteAnnounced(changes.compactMap(\.content))
        try store.apply(pulled, cursor: cursor)
    }
}
