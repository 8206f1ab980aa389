import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif
import SoTayWire

/// The hub's own disk failed it: full, read-only, or not writable for the hub's user, and
/// where. Said in words in the log and with a stable code in the error body, never as
/// `error=DatabaseError`.
public struct StorageFault: Error, Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case full = "disk full"
        case readOnly = "read-only file system"
        case permissionDenied = "permission denied"
        case ioError = "input/output error"
    }

    public var kind: Kind
    public var path: String
    /// The low-level cause, for the log: `errno 28`, `SQLite 13`.
    public var detail: String

    public init(kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    /// Sorts a file or SQLite error out; an error that is not about the disk is `ioError` here,
    /// so call this only where the disk was being used (or use `classify`).
    init(_ error: any Error, path: String) {
        self = Self.classify(error, path: path) ?? StorageFault(kind: Self.probe(path) ?? .ioError, path: path, detail: String(describing: type(of: error)))
    }

    /// The storage fault behind `error`, or nil when the error is not about the disk.
    static func classify(_ error: any Error, path: String) -> StorageFault? {
        if let fault = error as? StorageFault { return fault }
        if let error = error as? HubError {
            switch error {
            case .storage(let fault): return fault
            case .diskFull: return StorageFault(kind: .full, path: path, detail: "disk full")
            default: return nil
            }
        }
        if let error = error as? DatabaseError {
            let detail = "SQLite \(error.extendedResultCode.rawValue)"
            switch error.resultCode {
            case .SQLITE_FULL: return StorageFault(kind: .full, path: path, detail: detail)
            case .SQLITE_READONLY: return StorageFault(kind: probe(path) ?? .readOnly, path: path, detail: detail)
            case .SQLITE_PERM, .SQLITE_AUTH: return StorageFault(kind: .permissionDenied, path: path, detail: detail)
            case .SQLITE_IOERR, .SQLITE_CANTOPEN: return StorageFault(kind: probe(path) ?? .ioError, path: path, detail: detail)
            default: return nil
            }
        }
        if let code = posixCode(error) {
            let detail = "errno \(code)"
            switch code {
            case ENOSPC, EDQUOT: return StorageFault(kind: .full, path: path, detail: detail)
            case EROFS: return StorageFault(kind: .readOnly, path: path, detail: detail)
            case EACCES, EPERM: return StorageFault(kind: .permissionDenied, path: path, detail: detail)
            case EIO: return StorageFault(kind: .ioError, path: path, detail: detail)
            default: return nil
            }
        }
        if let error = error as? CocoaError {
            switch error.code {
            case .fileWriteOutOfSpace: return StorageFault(kind: .full, path: path, detail: "\(error.code.rawValue)")
            case .fileWriteVolumeReadOnly: return StorageFault(kind: .readOnly, path: path, detail: "\(error.code.rawValue)")
            case .fileWriteNoPermission: return StorageFault(kind: probe(path) ?? .permissionDenied, path: path, detail: "\(error.code.rawValue)")
            default: return nil
            }
        }
        return nil
    }

    /// The errno inside a Foundation error (FileHandle and FileManager wrap it).
    static func posixCode(_ error: any Error) -> Int32? {
        if let error = error as? POSIXError { return error.code.rawValue }
        let bridged = error as NSError
        if bridged.domain == NSPOSIXErrorDomain { return Int32(bridged.code) }
        if let underlying = bridged.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        return nil
    }

    /// What the file system says about the folder of `path` (SQLite does not tell its errno):
    /// mounted read-only, no space left, or not writable for this user.
    static func probe(_ path: String) -> Kind? {
        var folder = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) || !isFolder.boolValue {
            folder = folder.deletingLastPathComponent()
        }
        var stats = statvfs()
        if statvfs(folder.path, &stats) == 0 {
            if stats.f_flag & UInt(ST_RDONLY) != 0 { return .readOnly }
            if stats.f_bavail == 0 { return .full }
        }
        if access(folder.path, W_OK) != 0 { return errno == EROFS ? .readOnly : .permissionDenied }
        return nil
    }

    /// For the log: `disk full at /srv/hub/uploads/x.part (errno 28)`.
    public var logDescription: String { "\(kind.rawValue) at \(path) (\(detail))" }

    /// What a laptop is told: a stable code, and a 5xx so it keeps everything and tries later.
    var refusal: Refusal {
        switch kind {
        case .full:
            Refusal(507, .storageFull, "The hub's disk is full. Nothing was stored; the commune's IT person must free space. Try again later.", retryAfter: 300)
        case .readOnly, .permissionDenied, .ioError:
            Refusal(503, .storageUnwritable, "The hub cannot write to its data folder (\(kind.rawValue)). Nothing was stored; the commune's IT person must fix it. Try again later.",
                    retryAfter: 300)
        }
    }
}
