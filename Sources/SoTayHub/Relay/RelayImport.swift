import Foundation
import GRDB
import SoTayWire

/// Why a relay file is refused. Checked in full before anything is stored: a refused file
/// leaves the hub as it was.
public enum RelayImportError: Error, Sendable, Equatable {
    case file(RelayFile.Failure)
    /// The device that wrote it is unknown here or was revoked.
    case unknownDevice
    /// This very file was imported before (at `importedAt`): nothing is stored twice.
    case replay(importedAt: String)
}

/// What an import did, for the admin's summary line.
public struct RelayImportResult: Sendable {
    public var returnFile: Data
    public var exportId: String
    public var deviceName: String
    public var newDossiers = 0
    public var repeatedDossiers = 0
    public var refusedDossiers = 0
    public var newActivities = 0
    public var repeatedActivities = 0
    public var blobsStored = 0
    public var changes = 0
}

/// `sotay-hub relay import` on either store: a laptop's relay file applied through the same
/// store calls the routes make (`storeDossier`, `storeActivities`, `changes`, a blob stored as
/// a finished upload), so a relayed dossier is stored, receipted and deduplicated exactly as a
/// synced one, on SQLite or PostgreSQL.
public protocol HubRelayRepository: Sendable {
    /// Applies a relay file and hands the return file to `deliver` (which writes it); only
    /// then is the file recorded as imported, so a return file that could not be written can
    /// be had by importing again.
    func importRelay(_ data: Data, now: Date, deliver: (Data) throws -> Void) async throws -> RelayImportResult
}

extension HubStore: HubRelayRepository {
    public func importRelay(_ data: Data, now: Date = Date(), deliver: (Data) throws -> Void) async throws -> RelayImportResult {
        try await RelayImporter(store: self, ledger: RelayLedger(directory: directory)).run(data, now: now, deliver: deliver)
    }
}

extension PostgresHubStore: HubRelayRepository {
    public func importRelay(_ data: Data, now: Date = Date(), deliver: (Data) throws -> Void) async throws -> RelayImportResult {
        try await RelayImporter(store: self, ledger: RelayLedger(directory: directory)).run(data, now: now, deliver: deliver)
    }
}

/// The files already imported, one JSON line each, in the data folder (shared by a province
/// hub's processes): a file imported twice is refused as a replay. Were two admins to import one
/// file at the same moment, both would pass this check, and still nothing would be stored twice:
/// every step below is idempotent.
struct RelayLedger {
    let url: URL

    init(directory: URL) {
        url = directory.appending(path: "relay-imports.jsonl")
    }

    struct Entry: Codable {
        var exportId: String
        var deviceId: String
        var importedAt: String
    }

    func importedBefore(_ exportId: String) -> Entry? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            if let entry = try? decoder.decode(Entry.self, from: Data(line)), entry.exportId == exportId { return entry }
        }
        return nil
    }

    func record(_ entry: Entry) throws {
        var line = try JSONEncoder().encode(entry)
        line.append(UInt8(ascii: "\n"))
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw HubError.cannotCreateFolder(path: url.deletingLastPathComponent().path)
            }
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
        try handle.synchronize()
    }
}

/// One import, through the repository calls every store answers.
struct RelayImporter<Store: HubSyncRepository & HubUploadRepository> {
    let store: Store
    let ledger: RelayLedger

    func run(_ data: Data, now: Date, deliver: (Data) throws -> Void) async throws -> RelayImportResult {
        let signingKey = store.signingKey
        // 1. Everything that can refuse the file, before anything is written.
        let parsed: RelayFile.Parsed
        let plaintext: Data
        do {
            parsed = try RelayFile.parse(data)
            plaintext = try RelayFile.openToHub(parsed, relayKey: signingKey.relayPrivateKey, hubKeyId: signingKey.keyID)
        } catch {
            throw RelayImportError.file(error)
        }
        guard let (bundle, blobBytes) = RelayBundle.decode(plaintext), bundle.exportId == parsed.header.exportId else {
            throw RelayImportError.file(.tampered)
        }
        for (blob, bytes) in zip(bundle.blobs, blobBytes) where Hashes.sha256Hex(bytes) != blob.sha256 {
            throw RelayImportError.file(.tampered)
        }
        guard let token = BearerToken(bundle.token), case .device(let device)? = try await store.holder(of: token), device.id == parsed.header.deviceId else {
            throw RelayImportError.unknownDevice
        }
        if let entry = ledger.importedBefore(bundle.exportId) { throw RelayImportError.replay(importedAt: entry.importedAt) }

        var result = RelayImportResult(returnFile: Data(), exportId: bundle.exportId, deviceName: device.name)

        // 2. Blobs first, as a sync uploads them before the dossiers that name them.
        let missing = Set(try await store.missingBlobs(bundle.blobs.map(\.sha256), volunteerId: device.volunteerId))
        for (blob, bytes) in zip(bundle.blobs, blobBytes) where missing.contains(blob.sha256) {
            try await storeRelayedBlob(bytes, sha256: blob.sha256, device: device, now: now)
            result.blobsStored += 1
        }
        let held = Set(bundle.blobs.map(\.sha256)).subtracting(try await store.missingBlobs(bundle.blobs.map(\.sha256), volunteerId: device.volunteerId))

        // 3. Dossiers, in outbox order, through the same call `PUT /v1/dossiers/{id}` makes.
        var accepted: [DossierAccepted] = []
        var refused: [RelayReturn.Refused] = []
        for payload in bundle.dossiers {
            guard let upload = try? WireProtocol.decoder().decode(DossierUpload.self, from: payload) else {
                refused.append(.init(dossierId: "", revision: 0, reason: "400 invalid: the dossier body is not valid JSON"))
                continue
            }
            let problems = upload.problems
            guard problems.isEmpty else {
                let fields = problems.map { "\($0.field) \($0.problem)" }.joined(separator: "; ")
                refused.append(.init(dossierId: upload.id, revision: upload.revision, reason: "422 invalid: \(fields)"))
                result.refusedDossiers += 1
                continue
            }
            do {
                let (reply, created) = try await store.storeDossier(upload, body: String(decoding: payload, as: UTF8.self), device: device, now: now).accepted()
                accepted.append(reply)
                if created { result.newDossiers += 1 } else { result.repeatedDossiers += 1 }
            } catch let refusal as Refusal {
                refused.append(.init(dossierId: upload.id, revision: upload.revision,
                                     reason: "\(refusal.status) \(refusal.body.error.rawValue): \(refusal.body.message)"))
                result.refusedDossiers += 1
            }
        }

        // 4. Activities, in batches as `POST /v1/activities` takes them.
        var stored: [String] = []
        var activitiesRefused: [RelayReturn.Refused] = []
        var seen = Set<String>()
        var valid: [ActivityUpload] = []
        for activity in bundle.activities where seen.insert(activity.id).inserted {
            let problems = activity.problems
            if problems.isEmpty {
                valid.append(activity)
            } else {
                activitiesRefused.append(.init(dossierId: activity.id, revision: 0,
                                               reason: "422 invalid: " + problems.map { "\($0.field) \($0.problem)" }.joined(separator: "; ")))
            }
        }
        for start in stride(from: 0, to: valid.count, by: WireProtocol.maxActivitiesPerBatch) {
            let batch = Array(valid[start ..< min(start + WireProtocol.maxActivitiesPerBatch, valid.count)])
            do {
                let reply = try await store.storeActivities(ActivityBatch(activities: batch), device: device, now: now).reply()
                result.newActivities += reply.accepted
                result.repeatedActivities += reply.duplicates
                stored += batch.map(\.id)
            } catch let refusal as Refusal {
                activitiesRefused += batch.map {
                    .init(dossierId: $0.id, revision: 0, reason: "\(refusal.status) \(refusal.body.error.rawValue): \(refusal.body.message)")
                }
            }
        }

        // 5. The change feed after the laptop's cursor, as `GET /v1/changes` pages it.
        var cursor = Int64(bundle.cursor) ?? 0
        var changes: [Change] = []
        for _ in 0..<50 {
            let page = try await store.changes(after: cursor, limit: WireProtocol.maxChangesLimit, device: device, now: now)
            changes += page.changes
            guard page.more, let next = Int64(page.cursor), next != cursor else {
                cursor = Int64(page.cursor) ?? cursor
                break
            }
            cursor = next
        }
        result.changes = changes.count

        let reply = RelayReturn(exportId: bundle.exportId, accepted: accepted, refused: refused, activitiesStored: stored,
                                activitiesRefused: activitiesRefused, blobs: held.sorted(), changes: changes, cursor: String(cursor),
                                newDossiers: result.newDossiers, newActivities: result.newActivities)
        let key = signingKey
        result.returnFile = try RelayFile.sealReturn(try WireProtocol.encoder().encode(reply), token: bundle.token, request: parsed.header,
                                                     sign: { try key.sign($0) }, now: now)
        try deliver(result.returnFile)
        // Last: a crash before this line only means the file can be imported again, which
        // stores nothing twice and answers with the same receipts.
        try ledger.record(RelayLedger.Entry(exportId: bundle.exportId, deviceId: device.id, importedAt: WireDate.string(now)))
        return result
    }

    /// A relayed blob, its hash checked: stored as a finished tus upload of the device would be
    /// (a row, the bytes in its part file, then sealed into `blobs/` by `completeUpload`).
    private func storeRelayedBlob(_ bytes: Data, sha256: String, device: HubDevice, now: Date) async throws {
        // The device's quota is for unfinished uploads arriving over the network; this one is
        // finished at once, by the admin: any number of photos, each of any size the file holds.
        let upload = try await store.createUpload(length: Int64(bytes.count), sha256: sha256, device: device, lifetime: 3600,
                                                  quota: UploadQuota(count: Int(Int32.max), bytes: Int64.max / 2), now: now)
        let part = store.partURL(upload.id)
        do {
            try bytes.write(to: part)
        } catch {
            try? await store.failUpload(upload, now: now)
            throw StorageFault(error, path: part.path)
        }
        _ = try await store.completeUpload(upload, now: now)
    }
}
