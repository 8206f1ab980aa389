import Foundation
import SoTayCore
import SoTayMedia
import SoTayStore

/// Photos of papers sized for a village link. A phone's 3–8 MB JPEG becomes a sending copy with
/// the long side at `photo-max-px` (1600 by default: a page of A4 text at ~190 dpi), upright by
/// its EXIF orientation, quality 80 — a few hundred KB. The copy is what is attached and sent;
/// the original stays sealed on the laptop until the hub's receipt for a revision carrying the
/// copy (Store.pruneOriginals). Other files (PNG, PDF, small JPEGs) go as they are.
enum PhotoCopies {
    static let defaultMaxPixels = 1600
    static let quality = 80

    static func maxPixels(_ store: Store) throws -> Int {
        try store.setting(.photoMaxPixels).flatMap(Int.init) ?? defaultMaxPixels
    }

    /// Imports `source` (a sending copy when it is a large JPEG) and says what was done; warns,
    /// never refuses, when the photo looks too dark, blank or blurred.
    static func importForSending(_ source: URL, store: Store, render: Render) throws -> StoredBlob {
        let folder = try store.blobFolder()
        let limit = try maxPixels(store)
        guard limit > 0, let head = try? FileHandle(forReadingFrom: source), let first = try? head.read(upToCount: 3),
              JPEGResizer.isJPEG(first + Data([0]))
        else { return try folder.importFile(at: source) }
        try? head.close()
        // Checked as any attachment first (size limit, a real JPEG): the original is kept.
        let original = try folder.importFile(at: source)
        guard let data = try? Data(contentsOf: source), let copy = try? JPEGResizer.sendingCopy(data, maxSide: limit, quality: quality) else {
            if let data = try? Data(contentsOf: source), let image = try? JPEGResizer.decode(data, atLeast: 800) {
                warn(JPEGResizer.measure(image), source: source, render: render)
            }
            return original
        }
        let temporary = store.directory.appending(path: ".copy-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard FileManager.default.createFile(atPath: temporary.path, contents: copy.jpeg, attributes: [.posixPermissions: 0o600]) else {
            return original
        }
        let sent = try folder.importFile(at: temporary)
        try store.keepOriginal(original.sha256, forCopy: sent.sha256)
        Output.line(render.t(
            "  Ảnh gửi lên xã: \(copy.width)×\(copy.height), \(Attaching.megabytes(Int64(copy.jpeg.count))) (ảnh gốc \(copy.originalWidth)×\(copy.originalHeight), \(Attaching.megabytes(original.size)) giữ trên máy đến khi xã có biên nhận).",
            "  Photo to send: \(copy.width)×\(copy.height), \(Attaching.megabytes(Int64(copy.jpeg.count))) (the original, \(copy.originalWidth)×\(copy.originalHeight), \(Attaching.megabytes(original.size)), stays on this laptop until the commune's receipt)."))
        warn(copy.quality, source: source, render: render)
        return sent
    }

    static func warn(_ quality: PhotoQuality, source: URL, render: Render) {
        let name = source.lastPathComponent
        if quality.tooDark {
            Output.line("  ⚠ " + render.t("Ảnh \(name) quá tối: nên chụp lại chỗ sáng hơn để xã đọc được.",
                                          "The photo \(name) is too dark: take it again in better light so the commune can read it."))
        } else if quality.blank {
            Output.line("  ⚠ " + render.t("Ảnh \(name) gần như trống (một màu): kiểm tra đã chụp đúng giấy tờ chưa.",
                                          "The photo \(name) is almost blank (one colour): check it shows the paper."))
        } else if quality.blurred {
            Output.line("  ⚠ " + render.t("Ảnh \(name) bị mờ: nên chụp lại, giữ máy yên và lấy nét vào chữ.",
                                          "The photo \(name) is blurred: take it again, hold still and focus on the text."))
        }
    }
}
