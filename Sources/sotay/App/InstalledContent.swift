import Foundation
import SoTayContent
import SoTayCore
import SoTayStore
import SoTaySync
import SoTayWire

/// The procedure library a command uses: the signed pack taken from the hub (`sotay content
/// status`), or the one built into the binary. A pack's library carries its version as
/// `PACK.YAML-VERSION#PACK-VERSION`, which a draft stores, so that a draft started on an older
/// pack keeps that pack's questions.
enum InstalledContent {
    static let separator = "#"

    /// The active pack's library, or the bundled one. A pack past its expiry is used with a
    /// warning; one that no longer loads gives way to the bundled library, with a warning.
    static func load(dataDirectory: URL, language: Language) throws -> ContentPack {
        let library = LocalLibrary(dataDirectory: dataDirectory)
        // The common case, no pack ever taken: one failed stat.
        guard hasTakenPack(dataDirectory: dataDirectory) else { return try ContentPack.bundled() }
        let state = library.state()
        guard let version = state.active else { return try ContentPack.bundled() }
        guard let pack = pack(version: version, library: library) else {
            Output.error("⚠ " + pick(language, vi: "Gói thư viện thủ tục phiên bản \(version) trên máy bị hỏng; tạm dùng thư viện có sẵn. Đồng bộ lại: sotay sync",
                                     en: "Procedure library pack version \(version) on this laptop is damaged; using the built-in library for now. Sync again: sotay sync"))
            return try ContentPack.bundled()
        }
        warnIfExpired(state, version: version, language: language)
        return pack
    }

    /// The listing of the library `load` gives (what `sotay procedures` needs), kept in the data
    /// folder for the next command: the same warnings, and the same library, as `load`.
    static func listing(dataDirectory: URL, language: Language) throws -> LibraryListing {
        let cache = ListingCache(dataDirectory: dataDirectory)
        let bundled = { try cache.listing(files: bundledFiles.map { ($0.path, $0.data) }) { try ContentPack.bundled() } }
        guard hasTakenPack(dataDirectory: dataDirectory) else { return try bundled() }
        let library = LocalLibrary(dataDirectory: dataDirectory)
        let state = library.state()
        guard let version = state.active else { return try bundled() }
        // A damaged pack: `load` says so and gives the bundled library.
        guard let found = library.files(version: version) else { return LibraryListing(try load(dataDirectory: dataDirectory, language: language)) }
        let listing: LibraryListing
        do {
            listing = try cache.listing(files: found.files) {
                guard let pack = pack(files: found.files, version: version) else { throw UnloadablePack() }
                return pack
            }
        } catch is UnloadablePack {
            // Not kept: `load` says the pack is damaged and gives the bundled library, each time.
            return LibraryListing(try load(dataDirectory: dataDirectory, language: language))
        }
        warnIfExpired(state, version: version, language: language)
        return listing
    }

    private struct UnloadablePack: Error {}

    private static func warnIfExpired(_ state: LocalLibrary.State, version: Int, language: Language) {
        if let installed = state.activePack, let expiry = WireDate.date(installed.expiresAt), expiry < Date() {
            Output.error("⚠ " + pick(language, vi: "Thư viện thủ tục phiên bản \(version) đã hết hạn ngày \(day(expiry)); vẫn dùng, nhưng có thể đã cũ. Đồng bộ với máy chủ xã để nhận bản mới.",
                                     en: "Procedure library version \(version) expired on \(day(expiry)); still used, but it may be out of date. Sync with the commune hub for a new one."))
        }
    }

    /// Whether this laptop ever took a pack from the hub (one stat; false on most laptops).
    static func hasTakenPack(dataDirectory: URL) -> Bool {
        FileManager.default.fileExists(atPath: LocalLibrary(dataDirectory: dataDirectory).folder.appending(path: "state.json").path)
    }

    /// The library of pack `version` as taken, if it is still on this laptop and loads.
    static func pack(version: Int, library: LocalLibrary) -> ContentPack? {
        guard let found = library.files(version: version) else { return nil }
        return pack(files: found.files, version: version)
    }

    /// The library of pack `version` from its files as taken, if it loads.
    private static func pack(files: [(path: String, data: Data)], version: Int) -> ContentPack? {
        var texts: [ContentLoader.File] = []
        for file in files {
            guard let text = String(data: file.data, encoding: .utf8) else { return nil }
            texts.append((file.path, text))
        }
        guard var pack = try? ContentLoader.load(texts, checkNFC: false) else { return nil }
        pack.version += separator + String(version)
        return pack
    }

    /// The library a draft was started on (its `packVersion`), when it is not the one in use.
    static func pack(matching packVersion: String, dataDirectory: URL) -> ContentPack? {
        if let mark = packVersion.lastIndex(of: Character(separator)), let version = Int(packVersion[packVersion.index(after: mark)...]) {
            return pack(version: version, library: LocalLibrary(dataDirectory: dataDirectory))
        }
        guard let bundled = try? ContentPack.bundled(), bundled.version == packVersion else { return nil }
        return bundled
    }

    /// The bundled library's files, as a pack would carry them.
    static var bundledFiles: [(path: String, data: Data)] {
        ContentPack.bundledFiles.map { ($0.path, Data($0.text.utf8)) }
    }

    /// The files of the library in use (pack or bundled), for a diff.
    static func files(active version: Int?, dataDirectory: URL) -> [(path: String, data: Data)] {
        guard let version, let files = LocalLibrary(dataDirectory: dataDirectory).files(version: version)?.files else { return bundledFiles }
        return files
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%02d/%02d/%04d", parts.day ?? 0, parts.month ?? 0, parts.year ?? 0)
    }

    private static func pick(_ language: Language, vi: String, en: String) -> String {
        language == .vi ? vi : en
    }

    /// The home menu's line when a sync in the background switched the library (used from the
    /// next start: this session keeps the library it opened with).
    static func showUnseen(dataDirectory: URL, render: Render) {
        guard FileManager.default.fileExists(atPath: dataDirectory.appending(path: "content/state.json").path),
              let unseen = LocalLibrary(dataDirectory: dataDirectory).takeUnseen()
        else { return }
        afterSync(.installed(previous: unseen.previous, version: unseen.version, expired: false), dataDirectory: dataDirectory, render: render, told: true)
        Output.line(render.t("   (Dùng từ lần mở Sổ Tay sau; hồ sơ nháp đang làm giữ câu hỏi cũ.)",
                             "   (In use from the next start of Sổ Tay; drafts under way keep their questions.)"))
    }

    /// The line after a sync that took, refused or half-downloaded a pack.
    static func afterSync(_ outcome: ContentOutcome?, dataDirectory: URL, render: Render, told: Bool = false) {
        guard let outcome else { return }
        switch outcome {
        case .installed(let previous, let version, let expired):
            if !told { _ = LocalLibrary(dataDirectory: dataDirectory).takeUnseen() }
            let old = files(active: previous, dataDirectory: dataDirectory)
            let new = files(active: version, dataDirectory: dataDirectory)
            let diff = LibraryDiff(old: old, new: new)
            let publisher = LocalLibrary(dataDirectory: dataDirectory).state().activePack?.publisher ?? "?"
            Output.line("📚 " + render.t("Thư viện thủ tục đã cập nhật: phiên bản \(version) của \(publisher) — \(diff.summary(.vi)).",
                                         "Procedure library updated: version \(version) from \(publisher) — \(diff.summary(.en))."))
            if expired {
                Output.line("⚠ " + render.t("Gói này đã quá hạn; vẫn dùng, nhưng hãy hỏi cán bộ xã về bản mới.", "This pack is past its expiry; it is used, but ask the commune staff for a new one."))
            }
        case .refused, .interrupted:
            Output.error("✗ " + outcome.message(render.language))
        }
    }
}

extension Workspace {
    /// The procedure of a draft, from the library it was started on when that is not the one in
    /// use (a newer pack came meanwhile) and is still on this laptop.
    func procedure(for dossier: DossierRecord) throws -> Procedure {
        if dossier.packVersion != pack.version,
           let old = InstalledContent.pack(matching: dossier.packVersion, dataDirectory: options.dataDirectory),
           let procedure = old.procedure(dossier.procedureId) {
            return procedure
        }
        return try procedure(dossier.procedureId)
    }
}
