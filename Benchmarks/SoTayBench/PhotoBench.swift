import Foundation
import SoTayCore
import SoTayMedia
import SoTayStore
import SoTaySync
import SoTayTestSupport

/// Benchmark 7: photos sized for a village link. Dossiers with phone-sized photos, attached with
/// `sotay attach` (which keeps the original and sends a 1600 px copy, the default) and sent with
/// `sotay sync` over the bad link: the bytes through the link, against the bytes of the photos as
/// taken. Sending them as taken costs at least those bytes (more: HTTP, and what a cut loses), so
/// the ratio is an upper bound. Until this stop the photos as taken were also sent over the link
/// (`photo-max-px 0`): 164 MB at 1 Mbit/s took 22.5 of `make bench`'s 44 minutes to show only
/// that it is slow; their time at the link's rate is now worked out from their bytes, and said to be.
enum PhotoBench {
    /// A phone's photo of a paper: 4000 × 3000, strokes of text on a page with a sensor's noise,
    /// quality 92 — 2–4 MB, as a phone's camera writes it.
    static func phonePhoto(width: Int, height: Int, seed: Int) throws -> Data {
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        var state = UInt64(truncatingIfNeeded: seed &* 2_862_933_555_777_941_757 &+ 3_037_000_493)
        for y in 0 ..< height {
            for x in 0 ..< width {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let noise = Int(state >> 60)  // 0…15: a phone denoises, but not all of it
                // Rows of words (strokes 4 px wide every 12 px), margins, a light falling off across the page.
                let inLine = (y / 40) % 3 != 2 && (x / 60) % 6 != 5 && x > width / 12 && x < width - width / 12 && (x + seed) % 12 < 4
                let paper = 230 - (x + y) * 30 / (width + height)
                let value = UInt8(clamping: (inLine ? 40 : paper) + noise - 8)
                let at = (y * width + x) * 3
                rgb[at] = value; rgb[at + 1] = UInt8(clamping: Int(value) - 6); rgb[at + 2] = UInt8(clamping: Int(value) - 14)
            }
        }
        return try JPEGResizer.encode(Pixels(width: width, height: height, rgb: rgb), quality: 92)
    }

    static func run(work: URL, pack: ContentPack, scale: Scale) async throws -> [BenchResult] {
        let dossiers = ProcessInfo.processInfo.environment["SOTAY_BENCH_PHOTO_DOSSIERS"].flatMap(Int.init) ?? (scale.smoke ? 2 : 20)
        let perDossier = scale.smoke ? 1 : 2
        let (width, height) = scale.smoke ? (2000, 1500) : (4000, 3000)
        let photos = work.appending(path: "phone-photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        var files: [URL] = []
        var photoBytes = 0
        for index in 0 ..< dossiers * perDossier {
            let data = try phonePhoto(width: width, height: height, seed: index)
            photoBytes += data.count
            files.append(try SampleFiles.write(data, named: "anh-giay-to-\(index).jpg", in: photos))
        }
        let after = try await send(files, dossiers: dossiers, perDossier: perDossier, link: scale.link, logN: scale.logN, work: work, pack: pack)
        // As taken, at the link's rate: their bytes over its bytes a second, round trips and cuts aside.
        let asTakenAtRate = Double(photoBytes) / Double(max(scale.link.bytesPerSecond ?? 1, 1))
        let ratio = Double(after.bytes) / Double(max(photoBytes, 1))
        return [
            BenchResult(
                id: "photo-bytes",
                title: "Photos for a village link: \(dossiers) dossiers × \(perDossier) photos of \(width)×\(height) (\(String(format: "%.1f", Double(photoBytes) / 1e6)) MB) over \(SyncBench.linkText(scale.link))",
                value: ratio, unit: "of the photos' bytes as taken", target: "≤ 0.25",
                detail: String(format: "the sync's bytes through the link (1600 px copies, HTTP and what the cuts lost) %.1f MB in %.0f s; the photos as taken %.1f MB, "
                               + "which at the link's rate take at least %.0f s (worked out from the bytes, not sent), so at least %.0f× longer",
                               Double(after.bytes) / 1e6, after.seconds, Double(photoBytes) / 1e6, asTakenAtRate, asTakenAtRate / max(after.seconds, 0.001)),
                met: ratio <= 0.25),
        ]
    }

    /// A laptop with the dossiers, photos attached by `sotay attach` as it does by default, synced over the link.
    private static func send(_ files: [URL], dossiers: Int, perDossier: Int, link: FaultProxy.Faults, logN: Int, work: URL,
                             pack: ContentPack) async throws -> (bytes: Int, seconds: Double) {
        let hub = try BenchHub()
        defer { hub.stop() }
        let folder = work.appending(path: "photos-laptop")
        let store = try LaptopFiller.seal(try LaptopFiller.prepare(folder), logN: logN)
        for index in 0 ..< dossiers {
            let dossier = try store.startDraft(procedureID: "ly-lich-tu-phap", packVersion: pack.version, residentID: nil, profile: LaptopFiller.profile,
                                                  consent: LaptopFiller.consent)
            let attach = Child(executable: Sotay.binary, arguments: ["attach", dossier.id] + files[index * perDossier ..< (index + 1) * perDossier].map(\.path),
                               environment: LaptopEnvironment.of(folder))
            _ = try attach.run()
            _ = try DossierPayload.markReady(dossier.id, in: store)
        }
        try await hub.enrol(store, name: "Nguyễn Thị Lan")
        let proxy = try FaultProxy(targetPort: hub.process.port, faults: link)
        let sync = Child(executable: Sotay.binary, arguments: ["sync", "--hub", "http://127.0.0.1:\(proxy.port)"], environment: LaptopEnvironment.of(folder))
        let outcome = try await Task.detached { try sync.run() }.value
        let stats = proxy.stats
        try await proxy.shutdown()
        let held = try hub.admin.dossiers().count
        guard held == dossiers else {
            throw BenchFailure(command: sync.commandLine, status: outcome.status, output: outcome.output, what: "the hub holds \(held) of \(dossiers) dossiers")
        }
        return (stats.upstreamBytes, outcome.seconds)
    }
}
