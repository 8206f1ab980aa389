import Foundation

/// Blobs and tus uploads (`/v1/uploads`, `/v1/blobs/query`): the rows in the store's database,
/// the bytes in the data folder (`uploads/` while they arrive, `blobs/ab/abcdef…` sealed once
/// their hash is checked), whatever the engine. `TusRoutes` asks this of `HubStore` (SQLite)
/// and `PostgresHubStore` alike.
///
/// Like the SQLite store's upload methods from before the protocols, these throw the tus
/// refusals themselves (404 unknown, 410 expired or failed, 429 over quota): the routes pass
/// them on unchanged.
protocol HubUploadRepository: Sendable {
    /// Starts an upload: its row (the device's quota checked in the same transaction), then an
    /// empty part file.
    func createUpload(length: Int64, sha256: String, device: HubDevice, lifetime: TimeInterval, quota: UploadQuota, now: Date) async throws -> HubUpload
    /// The device's own upload; 404 for an unknown id or another device's, 410 expired or failed.
    func upload(_ id: String, device: HubDevice, now: Date) async throws -> HubUpload
    /// Records how far an upload got; its expiry moves on.
    func recordOffset(_ id: String, offset: Int64, lifetime: TimeInterval, now: Date) async throws -> HubUpload
    /// The whole blob is there and its hash checked: sealed into `blobs/` and recorded as held.
    func completeUpload(_ upload: HubUpload, now: Date) async throws -> HubUpload
    /// The bytes did not hash to what the upload announced.
    func failUpload(_ upload: HubUpload, now: Date) async throws
    /// Termination: the client gave up.
    func deleteUpload(_ upload: HubUpload) async throws
    /// The asked hashes this volunteer does not hold, in the order asked.
    func missingBlobs(_ hashes: [String], volunteerId: Int64) async throws -> [String]
    /// Removes expired uploads, rows and part files; returns how many went.
    @discardableResult
    func sweepExpiredUploads(now: Date) async throws -> Int
    /// Where an upload's bytes are written as they arrive.
    func partURL(_ uploadID: String) -> URL
}

extension HubStore: HubUploadRepository {}

/// One writer per upload at a time (see `UploadGate`). On SQLite the hub is one process and the
/// gate is in its memory; on PostgreSQL every `serve` process behind the load balancer asks the
/// database (`PostgresUploadGate`).
protocol UploadWriterGate: Sendable {
    /// Waits for the upload to be free (or its holder to go stale); nil when it stays busy.
    func acquire(_ id: String) async throws -> UploadGate.Token?
    /// False when the upload was taken over and the caller must stop writing.
    func progress(_ id: String, _ token: UploadGate.Token) async -> Bool
    func release(_ id: String, _ token: UploadGate.Token) async
}

extension UploadGate: UploadWriterGate {}
