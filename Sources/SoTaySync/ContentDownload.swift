import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SoTayCore
import SoTayWire

/// What a sync did about the procedure library.
public enum ContentOutcome: Sendable, Hashable, LocalizedMessage {
    /// Switched to pack `version` (from pack `previous`, or the bundled library when nil).
    case installed(previous: Int?, version: Int, expired: Bool)
    /// Downloaded and refused: the laptop keeps its library.
    case refused(version: Int, PackRefusal)
    /// The download stopped part-way; the next sync goes on from `got` bytes.
    case interrupted(version: Int, got: Int, of: Int?)

    public func message(_ language: Language) -> String {
        switch self {
        case .installed(_, let version, _):
            pick(language, vi: "Đã nhận thư viện thủ tục phiên bản \(version).", en: "Took procedure library version \(version).")
        case .refused(_, let refusal):
            refusal.message(language)
        case .interrupted(let version, let got, let size):
            pick(language, vi: "Tải thư viện thủ tục phiên bản \(version) bị ngắt (\(got)/\(size.map(String.init) ?? "?") byte); vẫn giữ thư viện hiện tại, lần đồng bộ sau sẽ tải tiếp.",
                 en: "The download of procedure library version \(version) stopped (\(got)/\(size.map(String.init) ?? "?") bytes); the current library is kept, the next sync goes on from there.")
        }
    }
}

extension SyncEngine {
    /// Bytes asked for per request: a cut costs at most this much again.
    static let contentChunk = 256 << 10

    /// Downloads the announced pack (resuming a part file), verifies it and switches to it.
    /// Never throws: whatever happens, the library in use stays until a verified pack replaces it.
    func updateContent() async -> ContentOutcome? {
        let library = LocalLibrary(dataDirectory: store.directory)
        let state = library.state()
        guard let pending = state.pending else { return nil }
        guard pending.version > (state.highest ?? Int.min), pending.size <= SignedPack.maxSize else {
            try? library.noteRefusal(.notNewer(version: pending.version, have: state.highest ?? 0), version: pending.version)
            return nil
        }
        let part = library.partURL(pending.version)
        do {
            try FileManager.default.createDirectory(at: library.folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if !FileManager.default.fileExists(atPath: part.path) {
                _ = FileManager.default.createFile(atPath: part.path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
        } catch {
            return .interrupted(version: pending.version, got: 0, of: pending.size)
        }
        var total: Int?
        var got = (try? FileManager.default.attributesOfItem(atPath: part.path)[.size] as? Int) ?? 0
        do {
            while true {
                let (chunk, size) = try await client.contentChunk(version: pending.version, from: got, length: Self.contentChunk)
                total = size
                guard size <= SignedPack.maxSize else { throw PackRefusal.malformed }
                if got >= size { break }
                guard !chunk.isEmpty else { throw PackRefusal.incomplete(expected: size, got: got) }
                let handle = try FileHandle(forWritingTo: part)
                try handle.seekToEnd()
                try handle.write(contentsOf: chunk)
                try handle.close()
                got += chunk.count
                if got >= size { break }
            }
        } catch let refusal as PackRefusal {
            try? library.noteRefusal(refusal, version: pending.version)
            return .refused(version: pending.version, refusal)
        } catch {
            return .interrupted(version: pending.version, got: got, of: total ?? pending.size)
        }
        guard let data = FileManager.default.contents(atPath: part.path) else {
            return .interrupted(version: pending.version, got: got, of: total)
        }
        // What came is what the hub announced (a cut or a changed file shows here first).
        guard data.count == pending.size, Hashes.sha256Hex(data) == pending.sha256 else {
            let refusal = PackRefusal.incomplete(expected: pending.size, got: data.count)
            try? library.noteRefusal(refusal, version: pending.version)
            return .refused(version: pending.version, refusal)
        }
        let previous = state.active
        do {
            let hubKey = try store.hubLink()?.hubKey
            let verified = try library.install(data, hubKey: hubKey, packId: nil)
            try? FileManager.default.removeItem(at: part)
            return .installed(previous: previous, version: verified.manifest.version, expired: verified.isExpired(now: Date()))
        } catch let refusal as PackRefusal {
            try? library.noteRefusal(refusal, version: pending.version)
            return .refused(version: pending.version, refusal)
        } catch {
            return .interrupted(version: pending.version, got: got, of: total)
        }
    }
}

extension HubClient {
    /// `GET /v1/content/packs/VERSION` with `Range`: up to `length` bytes from `from`, and the
    /// pack's whole size (from `Content-Range`).
    func contentChunk(version: Int, from: Int, length: Int) async throws -> (Data, Int) {
        guard let url = URL(string: address.url.absoluteString + "/v1/content/packs/\(version)") else { throw SyncError.invalidAddress(address.description) }
        var request = URLRequest(url: url)
        request.setValue("sotay/1", forHTTPHeaderField: "User-Agent")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.setValue("bytes=\(from)-\(from + length - 1)", forHTTPHeaderField: "Range")
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse, http.value(forHTTPHeaderField: WireProtocol.header) == WireProtocol.version else {
            throw SyncError.notTheHub(host: address.host, status: (response as? HTTPURLResponse)?.statusCode ?? 0)
        }
        let range = http.value(forHTTPHeaderField: "Content-Range") ?? ""
        let total = range.split(separator: "/").last.flatMap { Int($0) }
        switch http.statusCode {
        case 206:
            guard let total, data.count <= length else { throw PackRefusal.malformed }
            return (data, total)
        case 416:
            // Asked from the end: the part file holds the whole pack (or more, if the hub's changed).
            guard let total else { throw PackRefusal.malformed }
            if from > total { throw PackRefusal.incomplete(expected: total, got: from) }
            return (Data(), total)
        case 404:
            throw PackRefusal.incomplete(expected: 0, got: from)
        default:
            throw SyncError.hubFailed(status: http.statusCode)
        }
    }
}
