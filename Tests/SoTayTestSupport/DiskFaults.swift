import Foundation

/// Disks that fail for real: a tmpfs of a few megabytes that fills up, a folder bind-mounted
/// read-only. Tests run as root here, and `chmod` does not stop root, so a read-only folder
/// has to be a read-only mount. Needs `mount` (root or CAP_SYS_ADMIN); where it is not
/// allowed, `isAvailable` is false and the tests that need it are skipped, saying so.
public enum DiskFaults {
    /// Whether this process may mount a tmpfs (tried once, on a scratch folder).
    public static let isAvailable: Bool = {
        guard geteuid() == 0 else { return false }
        let folder = FileManager.default.temporaryDirectory.appending(path: "sotay-mount-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
              run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder.path]) == 0 else { return false }
        return run(["umount", folder.path]) == 0
    }()

    /// A fresh tmpfs of `megabytes` mounted on a new temp folder.
    public static func smallDisk(megabytes: Int) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "sotay-small-disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard run(["mount", "-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", folder.path]) == 0 else { throw Failed(what: "mount tmpfs") }
        return folder
    }

    /// Fills the disk of `folder` with one file until no byte more fits. Returns the file.
    @discardableResult
    public static func fill(_ folder: URL) throws -> URL {
        let filler = folder.appending(path: "filler")
        guard FileManager.default.createFile(atPath: filler.path, contents: nil) else { throw Failed(what: "create filler") }
        let handle = try FileHandle(forWritingTo: filler)
        defer { try? handle.close() }
        let block = Data(count: 64 << 10)
        var size = block.count
        while size >= 1 {
            do {
                try handle.write(contentsOf: block.prefix(size))
            } catch {
                size /= 2
            }
        }
        return filler
    }

    /// Makes `folder` read-only, for root too: bind-mounted on itself, then remounted read-only.
    public static func makeReadOnly(_ folder: URL) throws {
        guard run(["mount", "--bind", folder.path, folder.path]) == 0 else { throw Failed(what: "bind mount") }
        guard run(["mount", "-o", "remount,ro,bind", folder.path]) == 0 else {
            unmount(folder)
            throw Failed(what: "remount read-only")
        }
    }

    /// Undoes `smallDisk` or `makeReadOnly` (lazily, if something still has a file open there).
    public static func unmount(_ folder: URL) {
        if run(["umount", folder.path]) != 0 { _ = run(["umount", "-l", folder.path]) }
    }

    @discardableResult
    static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    public struct Failed: Error, CustomStringConvertible {
        public let what: String
        public var description: String { "could not \(what)" }
    }
}
