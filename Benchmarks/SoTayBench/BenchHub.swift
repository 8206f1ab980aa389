import Foundation
import GRDB
import SoTayWire
import SoTayHub
import SoTayStore
import SoTaySync
import SoTayTestSupport

/// The release `sotay-hub serve` on a loopback port, as the commune runs it, with an admin
/// handle on its data folder for what the IT person does with `sotay-hub volunteers add` and
/// `sotay-hub enroll-code` (done in-process here: fifty enrolments by subprocess would take
/// seconds and measure nothing).
final class BenchHub {
    let process: HubProcess
    let admin: HubStore

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Sotay.hubBinary.path) else { throw BenchFailure.missing(Sotay.hubBinary) }
        do {
            process = try HubProcess()
        } catch let failed as HubProcess.HubFailed {
            throw BenchFailure(command: "sotay-hub serve", status: nil, output: failed.log, what: "did not start")
        }
        admin = try HubStore.open(directory: process.data)
    }

    var url: String { process.url }

    /// Enrols a laptop's store with this hub, the way `sotay enroll` does.
    @discardableResult
    func enrol(_ store: Store, name: String) async throws -> HubVolunteer {
        let volunteer = try admin.addVolunteer(name: name, village: "Thôn Đông", commune: "Xã An Bình")
        let code = try admin.makeEnrollCode(for: volunteer).code
        let address = try HubAddress(url, allowInsecure: true)
        _ = try await Enrollment.enroll(address: address, code: code, deviceName: name, allowInsecure: true, store: store)
        return volunteer
    }

    /// Requests answered so far, from the hub's own access log.
    func requestsAnswered() -> Int {
        // The log line is written as the reply goes out; give the last one a moment to land.
        Thread.sleep(forTimeInterval: 0.2)
        return process.requestCount()
    }

    /// Stops the hub; its folder and log stay with SOTAY_BENCH_KEEP=1, for looking into a figure.
    func stop() {
        if ProcessInfo.processInfo.environment["SOTAY_BENCH_KEEP"] == "1" {
            process.stop()
            say("  (hub data \(process.data.path), log \(process.logFile.path))")
        } else {
            process.cleanUp()
        }
    }
}

/// The rows the hub writes for an accepted dossier (the dossier and its first revision, the
/// resident's name and the body sealed with the hub's key), written straight into a hub
/// database: the baseline of benchmark 3, and "already synced" for benchmark 2.
enum HubRows {
    static func insert(_ body: Data, upload: DossierUpload, volunteerID: Int64, hub: HubStore, db: Database) throws {
        let now = Date()
        let name: String? = if case .text(let name) = upload.answers["resident_name"] { name } else { nil }
        let sealed = try hub.sealedValues(residentName: name, body: String(decoding: body, as: UTF8.self), dossierID: upload.id, revision: upload.revision)
        try db.execute(sql: """
            INSERT INTO dossier (id, volunteerId, procedureId, village, commune, residentName, status, latestRevision, receivedAt, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?, ?)
            """, arguments: [upload.id, volunteerID, upload.procedureId, upload.village, upload.commune, sealed.residentName, upload.revision, now, now])
        try db.execute(sql: """
            INSERT INTO dossierRevision (dossierId, revision, kind, deviceId, contentSHA256, body, receivedAt, signature)
            VALUES (?, ?, 'original', 'direct', '', ?, ?, '')
            """, arguments: [upload.id, upload.revision, sealed.body, WireDate.string(now)])
    }

    /// A connection to a hub database with the hub's own durability setting.
    static func queue(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}

/// The environment a volunteer's `sotay` runs with, on its own data folder.
enum LaptopEnvironment {
    /// Each command unlocks the store itself (`SOTAY_PASSPHRASE`, scrypt), keeping nothing: the
    /// first command of a stretch of work.
    static func of(_ folder: URL) -> [String: String] {
        var environment = base(folder)
        environment["SOTAY_PASSPHRASE"] = LaptopFiller.passphrase
        environment["SOTAY_UNLOCKED_MINUTES"] = "0"
        return environment
    }

    /// A command later in the stretch: no passphrase given, the store opened by the key an
    /// earlier command kept in the kernel keyring (`LaptopSession.open`).
    static func inSession(_ folder: URL) -> [String: String] {
        base(folder)
    }

    private static func base(_ folder: URL) -> [String: String] {
        var environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": folder.path, "SOTAY_HOME": folder.path]
        // Passed through, to see how glibc's per-thread malloc arenas weigh on peak memory.
        if let arenas = ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] { environment["MALLOC_ARENA_MAX"] = arenas }
        return environment
    }
}

/// A stretch of work on a bench laptop: unlocked once with the passphrase, as the volunteer's
/// first command does, with the key kept for the commands that follow (`inSession`).
struct LaptopSession {
    let store: Store

    static func open(_ folder: URL) throws -> LaptopSession {
        let store = try Store.open(directory: folder)
        _ = try store.unlocked(passphrase: LaptopFiller.passphrase, keepingFor: SessionKeyring.defaultMinutes)
        // A bench whose kernel refuses the keyring would time commands that cannot open the store.
        guard store.unlockedFromSession(keepingFor: SessionKeyring.defaultMinutes) != nil else {
            throw BenchFailure("the kernel keyring kept no key (keyctl refused?): the in-session figures cannot be measured")
        }
        return LaptopSession(store: store)
    }

    func close() {
        store.forgetSession()
    }
}
