import Crypto
import Foundation
import SoTayContent
import SoTayCore

/// The library's listing (`LibraryListing`) kept in the data folder, so that `sotay procedures`
/// reads a small text instead of parsing the whole YAML library and folding every name.
///
/// A listing is kept under a key: the SHA-256 of the library's files (paths and bytes) and of
/// this binary's identity (its size and modification time: a new binary may fold words
/// differently). Another library, another binary or a damaged file finds no listing and the
/// library is loaded as before; the listing it gives is then written for the next command.
/// Nothing personal is in it: names of procedures and their search words.
struct ListingCache {
    let folder: URL

    init(dataDirectory: URL) {
        folder = dataDirectory.appending(path: "cache")
    }

    /// The listing of the library made of `files`: read back if kept, else `load`ed, listed and kept.
    func listing(files: [(path: String, data: Data)], load: () throws -> ContentPack) throws -> LibraryListing {
        guard let key = Self.key(files) else { return LibraryListing(try load()) }
        let url = folder.appending(path: "listing-\(key).txt")
        if let data = FileManager.default.contents(atPath: url.path), let listing = LibraryListing(serializedBytes: data) {
            return listing
        }
        let listing = LibraryListing(try load())
        keep(listing, at: url)
        return listing
    }

    /// Written to a new file and renamed into place, so a reader sees a whole listing or none;
    /// the listings of other libraries are removed. Only into a data folder that exists (a
    /// listing is no reason to make one before `sotay` is set up), and a failure is not an error:
    /// the next command works it out again.
    private func keep(_ listing: LibraryListing, at url: URL) {
        let dataDirectory = folder.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = folder.appending(path: ".listing-\(UUID().uuidString).tmp")
            guard FileManager.default.createFile(atPath: temporary.path, contents: Data(listing.serialized().utf8), attributes: [.posixPermissions: 0o600])
            else { return }
            guard rename(temporary.path, url.path) == 0 else {
                unlink(temporary.path)
                return
            }
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path)
            where name.hasPrefix("listing-") && name != url.lastPathComponent {
                unlink(folder.appending(path: name).path)
            }
        } catch {
            return
        }
    }

    /// Hex SHA-256 of this binary's identity, then each file's path, length and bytes.
    /// Nil when the binary cannot be told apart from another (it could not be looked at).
    static func key(_ files: [(path: String, data: Data)]) -> String? {
        guard let binaryIdentity else { return nil }
        var hash = SHA256()
        hash.update(data: Data(binaryIdentity.utf8))
        for file in files.sorted(by: { $0.path < $1.path }) {
            hash.update(data: Data("\u{0}\(file.path)\u{0}\(file.data.count)\u{0}".utf8))
            hash.update(data: file.data)
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The running binary's path, size and modification time (nanoseconds).
    static var binaryIdentity: String? {
        let path = FileManager.default.fileExists(atPath: "/proc/self/exe") ? "/proc/self/exe" : Bundle.main.executablePath
        var info = stat()
        guard let path, stat(path, &info) == 0 else { return nil }
        #if os(Linux)
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #else
        let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #endif
        return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(modified)"
    }
}
