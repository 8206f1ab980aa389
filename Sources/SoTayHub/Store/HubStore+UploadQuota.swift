import Foundation
import GRDB
import SoTayWire

/// How much unfinished upload one device may hold: without a limit, one device created 300
/// uploads of 20 MiB in a second, promising 6 GiB of disk the hub never agreed to.
public struct UploadQuota: Sendable, Equatable {
    /// Unfinished uploads (not complete, not failed, not expired) per device.
    public var count: Int
    /// Their `Upload-Length`s added up, per device.
    public var bytes: Int64

    public init(count: Int = 20, bytes: Int64 = 200 << 20) {
        self.count = count
        self.bytes = bytes
    }

    /// What a refused client waits before trying again: its own uploads finish or expire.
    static let retryAfter = 60

    /// Throws 429 when one more upload of `length` bytes would take `deviceID` past the quota.
    /// Runs in the transaction that inserts the upload, so concurrent creations cannot all pass.
    func check(_ db: Database, deviceID: String, adding length: Int64, now: Date) throws {
        let unfinished = "FROM upload WHERE deviceId = ? AND completedAt IS NULL AND failedAt IS NULL AND expiresAt > ?"
        let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) " + unfinished, arguments: [deviceID, now]) ?? 0
        let total = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(length), 0) " + unfinished, arguments: [deviceID, now]) ?? 0
        try check(open: open, total: total, adding: length)
    }

    /// Throws 429 when a device holding `open` unfinished uploads of `total` bytes may not start
    /// one more of `length` bytes. Either store counts; this decides.
    func check(open: Int, total: Int64, adding length: Int64) throws {
        if open >= count {
            throw Refusal(429, .rateLimited, "This device already has \(open) unfinished uploads (at most \(count)). Finish or cancel (DELETE) one, then try again. Nothing was stored.",
                          retryAfter: Self.retryAfter)
        }
        if total + length > bytes {
            throw Refusal(429, .rateLimited, "This device's unfinished uploads would come to \(total + length) bytes (at most \(bytes)). Finish or cancel (DELETE) one, then try again. Nothing was stored.",
                          retryAfter: Self.retryAfter)
        }
    }
}
