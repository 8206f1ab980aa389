import Foundation
import SoTayWire
#if canImport(Glibc)
import Glibc
#endif

/// The signed content packs this laptop has taken, in `DATA/content/`:
///
/// - `packs/VERSION.sotaypack`: every pack taken (a draft started on one keeps its questions);
/// - `state.json`: which one is in use (or the bundled library), the newest version ever taken
///   (versions only go up), the rotated root, and an announced pack not yet downloaded;
/// - `VERSION.part`: a download under way, resumed where it stopped.
///
/// Switching is one `rename` of `state.json`: a command sees the old library or the new one.
public struct LocalLibrary: Sendable {
    public let folder: URL

    public init(dataDirectory: URL) {
        self.folder = dataDirectory.appending(path: "content")
    }

    /// One pack taken.
    public struct Installed: Codable, Sendable, Hashable {
        public var version: Int
        public var packId: String
        public var publisher: String
        public var signer: VerifiedPack.Signer
        public var keyId: String
        /// The key that signed it, so that a load checks the file again without the hub link.
        public var publicKey: String
        public var createdAt: String
        public var expiresAt: String
        public var installedAt: Date
    }

    public struct State: Codable, Sendable, Hashable {
        /// The pack in use; nil: the bundled library.
        public var active: Int?
        /// The newest version ever taken: a pack must be above it.
        public var highest: Int?
        public var installed: [Installed] = []
        /// A root rotation taken from a pack.
        public var root: SignedRoot?
        /// Announced by the hub, not yet downloaded.
        public var pending: ContentAnnouncement?
        /// The last refusal, for `sotay content status` (Vietnamese, English).
        public var lastRefusal: [String]?
        /// A switch the volunteer has not been told of yet (a sync in the background): from, to.
        public var unseen: [Int?]?

        public init() {}

        public var activePack: Installed? { active.flatMap { version in installed.first { $0.version == version } } }
    }

    public func state() -> State {
        guard let data = FileManager.default.contents(atPath: folder.appending(path: "state.json").path),
              let state = try? WireProtocol.decoder().decode(State.self, from: data)
        else { return State() }
        return state
    }

    /// Writes the whole state to a new file, flushes it, and renames it into place.
    public func save(_ state: State) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder.appending(path: ".state.\(UUID().uuidString).json")
        let data = try WireProtocol.encoder().encode(state)
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        if let handle = FileHandle(forWritingAtPath: temporary.path) {
            try? handle.synchronize()
            try? handle.close()
        }
        guard rename(temporary.path, folder.appending(path: "state.json").path) == 0 else {
            unlink(temporary.path)
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// The project's root as this laptop knows it: the pinned one, or a rotation taken since.
    public func root(_ state: State) -> ContentRoot {
        guard let signed = state.root, let bytes = Data(base64Encoded: signed.root),
              let root = try? WireProtocol.decoder().decode(ContentRoot.self, from: bytes), root.version > ContentRoot.pinned.version
        else { return .pinned }
        return root
    }

    func packURL(_ version: Int) -> URL { folder.appending(path: "packs/\(version).sotaypack") }
    func partURL(_ version: Int) -> URL { folder.appending(path: "\(version).part") }

    /// Verifies `data` (above every version taken, of library `packId`), keeps it, and switches to it.
    @discardableResult
    public func install(_ data: Data, hubKey: String?, packId: String?, now: Date = Date()) throws(PackRefusal) -> VerifiedPack {
        var state = state()
        let verified = try PackTrust(root: root(state), hubKey: hubKey).verify(data, newerThan: state.highest, packId: packId)
        let publicKey: String
        switch verified.signer {
        case .project: publicKey = root(state).keyIds[verified.keyId] ?? ""
        case .hub: publicKey = hubKey ?? ""
        }
        do {
            try FileManager.default.createDirectory(at: folder.appending(path: "packs"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try data.write(to: packURL(verified.manifest.version), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: packURL(verified.manifest.version).path)
            state.installed.removeAll { $0.version == verified.manifest.version }
            state.installed.append(Installed(version: verified.manifest.version, packId: verified.manifest.packId, publisher: verified.manifest.publisher,
                                             signer: verified.signer, keyId: verified.keyId, publicKey: publicKey, createdAt: verified.manifest.createdAt,
                                             expiresAt: verified.manifest.expiresAt, installedAt: now))
            state.unseen = [state.active, verified.manifest.version]
            state.active = verified.manifest.version
            state.highest = verified.manifest.version
            if let root = verified.root { state.root = root }
            if let pending = state.pending, pending.version <= verified.manifest.version { state.pending = nil }
            state.lastRefusal = nil
            try save(state)
        } catch {
            throw .malformed
        }
        return verified
    }

    /// The files of pack `version` as taken, checked again against the key that signed it.
    public func files(version: Int) -> (files: [(path: String, data: Data)], installed: Installed)? {
        let state = state()
        guard let installed = state.installed.first(where: { $0.version == version }),
              let data = FileManager.default.contents(atPath: packURL(version).path),
              let verified = try? PackTrust(root: ContentRoot(version: Int.max, keys: [installed.publicKey]), hubKey: nil).verify(data, newerThan: nil, packId: nil),
              verified.manifest.version == version
        else { return nil }
        return (verified.files, installed)
    }

    /// The switch not told yet (from, to), cleared: whoever asks tells the volunteer.
    public func takeUnseen() -> (previous: Int?, version: Int)? {
        var state = state()
        guard let unseen = state.unseen, unseen.count == 2, let version = unseen[1] else { return nil }
        state.unseen = nil
        try? save(state)
        return (unseen[0], version)
    }

    /// Back to the library built into the binary; the packs taken stay (and versions still only go up).
    public func useBundled() throws {
        var state = state()
        state.active = nil
        try save(state)
    }

    /// Back to a pack taken before.
    public func use(version: Int) throws -> Bool {
        var state = state()
        guard state.installed.contains(where: { $0.version == version }), files(version: version) != nil else { return false }
        state.active = version
        try save(state)
        return true
    }

    /// Remembers the newest pack the hub announced, when it is above everything taken.
    public func noteAnnounced(_ announcements: [ContentAnnouncement]) throws {
        guard let newest = announcements.max(by: { $0.version < $1.version }) else { return }
        var state = state()
        guard newest.version > (state.highest ?? Int.min), newest.version > (state.pending?.version ?? Int.min) else { return }
        state.pending = newest
        try save(state)
    }

    public func noteRefusal(_ refusal: PackRefusal, version: Int) throws {
        var state = state()
        state.lastRefusal = [refusal.message(.vi), refusal.message(.en)]
        if state.pending?.version == version { state.pending = nil }
        try save(state)
        try? FileManager.default.removeItem(at: partURL(version))
    }
}
