import Foundation
import SoTayCore
import SoTayMedia
import SoTayStore
import SoTaySync
import SoTayTestSupport

/// Benchmark 7: photos sized for a village link. The same dossiers with the same phone-sized
/// photos, attached with `sotay attach` and sent with `sotay sync` over the bad link twice: as
/// taken (`photo-max-px 0`, before) and as sending copies (the default, after). Bytes through
/// the link and the sync's time, each.
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
        let before = try await send(files, dossiers: dossiers, perDossier: perDossier, maxPixels: 0, work: work, pack: pack, scale: scale, name: "before")
        let after = try await send(files, dossiers: dossiers, perDossier: perDossier, maxPixels: nil, work: work, pack: pack, scale: scale, name: "after")
        let ratio = Double(after.bytes) / Double(max(before.bytes, 1))
        return [
            BenchResult(
                id: "photo-bytes",
                title: "Photos for a village link: \(dossiers) dossiers × \(perDossier) photos of \(width)×\(height) (\(String(format: "%.1f", Double(photoBytes) / 1e6)) MB) over \(SyncBench.linkText(scale.link))",
                value: ratio, unit: "of the bytes sent as taken", target: "≤ 0.25",
                detail: String(format: "as taken %.1f MB in %.0f s; 1600 px copies %.1f MB in %.0f s (%.1f× faster)",
                               Double(before.bytes) / 1e6, before.seconds, Double(after.bytes) / 1e6, after.seconds, before.seconds / max(after.seconds, 0.001)),
                met: ratio <= 0.25),
        ]
    }

    /// A laptop with the dossiers, photos attached by `sotay attach` at `maxPixels`, synced over the bad link.
    private static func send(_ files: [URL], dossiers: Int, perDossier: Int, maxPixels: Int?, work: URL, pack: ContentPack, scale: Scale,
                             name: String) async throws -> (bytes: Int, seconds: Double) {
        let hub = try BenchHub()
        defer { hub.stop() }
        let folder = work.appending(path: "photos-\(name)-laptop")
        let store = try LaptopFiller.seal(try LaptopFiller.prepare(folder), logN: scale.logN)
        if let maxPixels { try store.setSetting(.photoMaxPixels, String(maxPixels)) }
        for index in 0 ..< dossiers {
            let dossier = try store.startDraft(procedureID: "ly-lich-tu-phap", packVersion: pack.version, residentID: nil, profile: LaptopFiller.profile,
                                                  consent: LaptopFiller.consent)
            let attach = Child(executable: Sotay.binary, arguments: ["attach", dossier.id] + files[index * perDossier ..< (index + 1) * perDossier].map(\.path),
                               environment: LaptopEnvironment.of(folder))
            _ = try attach.run()
            _ = try DossierPayload.markReady(dossier.id, in: store)
        }
        try await hub.enrol(store, name: "Nguyễn Thị Lan")
        let proxy = try FaultProxy(targetPort: hub.process.port, faults: scale.link)
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
