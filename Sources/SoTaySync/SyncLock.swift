import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One sync at a time per data folder: an exclusive `flock` on `sync.lock`, which also holds
/// the holder's process id for the message the second one shows.
///
/// Two syncs of the same outbox (two terminals, the home menu's background sync and a timer)
/// would upload every photo twice and trip over each other's uploads. The kernel lets go of the
/// lock when the holder exits however it exits, so a killed sync never leaves the folder locked.
public final class SyncLock: Sendable {
    public static let fileName = "sync.lock"
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        // Closing the file lets go of the lock.
        _ = Glibc.close(descriptor)
    }

    /// Takes the lock of `folder` now, or throws `syncInProgress` with the holder's pid.
    public static func acquire(folder: URL) throws(SyncError) -> SyncLock {
        let url = folder.appending(path: fileName)
        let descriptor = Glibc.open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .syncLockUnavailable(path: url.path) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = readHolder(descriptor)
            _ = Glibc.close(descriptor)
            throw .syncInProgress(pid: holder)
        }
        let pid = Data("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return SyncLock(descriptor: descriptor)
    }

    /// Takes the lock, waiting while another sync holds it, until `deadline`. `waiting` is
    /// told the holder once, when the wait starts.
    public static func acquire(folder: URL, until deadline: ContinuousClock.Instant,
                               waiting: (Int32?) -> Void) async throws(SyncError) -> SyncLock {
        var told = false
        while true {
            do {
                return try acquire(folder: folder)
            } catch {
                guard case .syncInProgress(let pid) = error, ContinuousClock.now < deadline else { throw error }
                if !told {
                    waiting(pid)
                    told = true
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    private static func readHolder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
