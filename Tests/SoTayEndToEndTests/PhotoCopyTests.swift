import Foundation
import SoTayMedia
import SoTayTestSupport
import SoTayWire
import Testing

/// Test photos made with libjpeg-turbo (through SoTayMedia), real JPEGs of a phone's size.
enum TestPhotos {
    /// A 4000 × 3000 "page": dark strokes on paper, a red mark in the top-left corner.
    static func page(width: Int = 4000, height: Int = 3000, brightness: UInt8 = 235, quality: Int = 92) throws -> Data {
        var rgb = [UInt8](repeating: brightness, count: width * height * 3)
        var generator = SystemRandomNumberGenerator()
        for y in 0 ..< height {
            for x in 0 ..< width {
                // Lines of "text": short strokes on rows of 40 px, with noise like a camera's.
                let inLine = (y / 20) % 3 != 2 && (x / 12) % 7 != 6 && (x + y / 3) % 9 < 3
                let noise = UInt8.random(in: 0...12, using: &generator)
                let value = inLine ? 30 + noise : brightness &- noise
                let at = (y * width + x) * 3
                rgb[at] = value; rgb[at + 1] = value; rgb[at + 2] = value
                if x < 200 && y < 200 { rgb[at] = 220; rgb[at + 1] = 20; rgb[at + 2] = 20 }
            }
        }
        return try JPEGResizer.encode(Pixels(width: width, height: height, rgb: rgb), quality: quality)
    }

    /// `jpeg` with an EXIF APP1 segment saying orientation `value` (6: the camera was turned 90° clockwise).
    static func withOrientation(_ jpeg: Data, _ value: UInt8) -> Data {
        let tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, value,
                             0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        let payload = Array("Exif\0\0".utf8) + tiff
        let length = payload.count + 2
        return Data([0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload) + jpeg.dropFirst(2)
    }
}

@Suite("Photos sized for a village link", .serialized)
struct PhotoCopyTests {
    @Test("A 4000 × 3000 JPEG becomes a 1600 px copy at quality 80, far smaller; EXIF orientation 6 turns it upright")
    func sendingCopy() throws {
        let photo = try TestPhotos.page()
        let copy = try #require(try JPEGResizer.sendingCopy(photo, maxSide: 1600))
        #expect(copy.width == 1600 && copy.height == 1200)
        #expect(copy.jpeg.count * 3 < photo.count, "copy \(copy.jpeg.count) bytes, photo \(photo.count)")
        #expect(!copy.quality.blank && !copy.quality.tooDark)

        let turned = try #require(try JPEGResizer.sendingCopy(TestPhotos.withOrientation(photo, 6), maxSide: 1600))
        #expect(turned.width == 1200 && turned.height == 1600)
        // The red corner (top-left as stored) is top-right once turned 90° clockwise.
        let image = try JPEGResizer.decode(turned.jpeg)
        func pixel(_ x: Int, _ y: Int) -> (Int, Int, Int) {
            let at = (y * image.width + x) * 3
            return (Int(image.rgb[at]), Int(image.rgb[at + 1]), Int(image.rgb[at + 2]))
        }
        let topRight = pixel(image.width - 20, 20)
        let topLeft = pixel(20, 20)
        #expect(topRight.0 > 150 && topRight.1 < 90, "top-right \(topRight)")
        #expect(!(topLeft.0 > 150 && topLeft.1 < 90), "top-left \(topLeft)")
        // Small photos are not touched.
        #expect(try JPEGResizer.sendingCopy(try TestPhotos.page(width: 1200, height: 900), maxSide: 1600) == nil)
    }

    @Test("Too dark, blank and blurred photos are told apart from a good one")
    func qualityMeasures() throws {
        let good = JPEGResizer.measure(try JPEGResizer.decode(try TestPhotos.page(width: 1600, height: 1200)))
        #expect(!good.tooDark && !good.blank && !good.blurred, "\(good)")
        let dark = JPEGResizer.measure(try JPEGResizer.decode(try TestPhotos.page(width: 1600, height: 1200, brightness: 35)))
        #expect(dark.tooDark, "\(dark)")
        let blank = JPEGResizer.measure(Pixels(width: 800, height: 600, rgb: [UInt8](repeating: 200, count: 800 * 600 * 3)))
        #expect(blank.blank, "\(blank)")
        // Blurred: the good page through a 9 × 9 box blur, twice (close to a Gaussian), as an
        // out-of-focus shot smears the strokes.
        var smeared = try JPEGResizer.decode(try TestPhotos.page(width: 800, height: 600)).rgb
        for _ in 0 ..< 2 { smeared = Self.boxBlur(smeared, width: 800, height: 600, radius: 3) }
        let blurred = JPEGResizer.measure(Pixels(width: 800, height: 600, rgb: smeared))
        #expect(blurred.blurred, "\(blurred) vs sharp \(good)")
        print("photo measures: good \(good); dark \(dark); blank \(blank); blurred \(blurred)")
    }

    /// A separable box blur of an RGB image.
    static func boxBlur(_ rgb: [UInt8], width: Int, height: Int, radius: Int) -> [UInt8] {
        var horizontal = rgb
        for y in 0 ..< height {
            for x in 0 ..< width {
                for channel in 0 ..< 3 {
                    var sum = 0, count = 0
                    for dx in -radius ... radius where x + dx >= 0 && x + dx < width {
                        sum += Int(rgb[(y * width + x + dx) * 3 + channel]); count += 1
                    }
                    horizontal[(y * width + x) * 3 + channel] = UInt8(sum / count)
                }
            }
        }
        var out = horizontal
        for y in 0 ..< height {
            for x in 0 ..< width {
                for channel in 0 ..< 3 {
                    var sum = 0, count = 0
                    for dy in -radius ... radius where y + dy >= 0 && y + dy < height {
                        sum += Int(horizontal[((y + dy) * width + x) * 3 + channel]); count += 1
                    }
                    out[(y * width + x) * 3 + channel] = UInt8(sum / count)
                }
            }
        }
        return out
    }

    /// A paper's text, as a commune's form reads.
    static let paper = """
        Tờ khai đăng ký khai sinh. Kính gửi Ủy ban nhân dân xã Gia Lộc, huyện Gia Lộc, tỉnh Hải Dương. \
        Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hương. Nơi cư trú: thôn Đông, xã Gia Lộc. \
        Giấy tờ tùy thân: Căn cước công dân số 001326012345, cấp ngày 12 tháng 3 năm 2021. \
        Quan hệ với người được khai sinh: mẹ. Đề nghị cơ quan đăng ký khai sinh cho người dưới đây: \
        Họ, chữ đệm, tên: Trần Minh Khôi. Ngày, tháng, năm sinh: ngày mười hai tháng tư năm hai nghìn \
        không trăm hai mươi sáu. Giới tính: Nam. Dân tộc: Kinh. Quốc tịch: Việt Nam. Nơi sinh: Trạm y tế \
        xã Gia Lộc. Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự \
        thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật và chịu trách nhiệm trước \
        pháp luật về cam đoan của mình.
        """

    static var convert: String {
        ["/usr/bin/convert", "/usr/local/bin/convert"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/convert"
    }

    /// Runs a program and returns its standard output.
    static func run(_ path: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    /// A binary PPM (P6, maxval 255) as pixels.
    static func ppm(_ data: Data) throws -> Pixels {
        var fields: [String] = []
        var index = data.startIndex
        while fields.count < 4, index < data.endIndex {
            while index < data.endIndex, data[index] == 0x20 || data[index] == 0x0A || data[index] == 0x0D || data[index] == 0x09 { index += 1 }
            var field = ""
            while index < data.endIndex, !(data[index] == 0x20 || data[index] == 0x0A || data[index] == 0x0D || data[index] == 0x09) {
                field.append(Character(UnicodeScalar(data[index])))
                index += 1
            }
            fields.append(field)
        }
        index += 1
        let width = try #require(Int(fields[1])), height = try #require(Int(fields[2]))
        #expect(fields[0] == "P6" && fields[3] == "255")
        return Pixels(width: width, height: height, rgb: [UInt8](data[index ..< index + width * height * 3]))
    }

    /// Share of the characters of `expected` that OCR got right: 1 − edit distance / length,
    /// on the texts with whitespace folded.
    static func accuracy(_ read: String, _ expected: String) -> Double {
        let a = Array(read.split(whereSeparator: \.isWhitespace).joined(separator: " ").precomposedStringWithCanonicalMapping)
        let b = Array(expected.split(whereSeparator: \.isWhitespace).joined(separator: " ").precomposedStringWithCanonicalMapping)
        var previous = Array(0 ... b.count)
        for i in 1 ... max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1 ... max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return 1 - Double(previous[b.count]) / Double(max(b.count, 1))
    }

    @Test("Legibility: a page of Vietnamese text photographed at 4000 px still reads after the 1600 px copy (tesseract OCR, vie)")
    func legibility() throws {
        let work = FileManager.default.temporaryDirectory.appending(path: "legibility-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        // The page: A4 proportions, 11 pt-like text, rendered by headless Chromium 4× (4000 px wide).
        let html = work.appending(path: "page.html")
        try Data("""
            <!doctype html><html lang="vi"><meta charset="utf-8"><body style="margin:60px;font:15px/1.5 'Liberation Serif',serif;background:#f4f1ea;color:#222">
            <p>\(Self.paper)</p></body></html>
            """.utf8).write(to: html)
        let png = work.appending(path: "page.png")
        let profile = work.appending(path: "profile")
        _ = try Self.run("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)",
                                               "--force-device-scale-factor=4", "--window-size=1000,700", "--screenshot=\(png.path)", html.absoluteString])
        // PNG to raw pixels with ImageMagick's convert (the photo is then made with libjpeg-turbo).
        let page = try Self.ppm(try Self.run(Self.convert, [png.path, "ppm:-"]))
        #expect(page.width == 4000, "rendered \(page.width) × \(page.height)")
        // The phone's photo: a 4000 px JPEG at a camera's quality.
        let photo = try JPEGResizer.encode(page, quality: 92)
        let copy = try #require(try JPEGResizer.sendingCopy(photo, maxSide: 1600))
        #expect(copy.width == 1600)

        func ocr(_ jpeg: Data, _ name: String) throws -> Double {
            let file = work.appending(path: name)
            try jpeg.write(to: file)
            let text = String(decoding: try Self.run("/usr/bin/tesseract", [file.path, "stdout", "-l", "vie", "--psm", "6"]), as: UTF8.self)
            return Self.accuracy(text, Self.paper)
        }
        let original = try ocr(photo, "photo.jpg")
        let sent = try ocr(copy.jpeg, "copy.jpg")
        // A copy reduced far too much (400 px) must read worse: the measure can fail.
        let tiny = try #require(try JPEGResizer.sendingCopy(photo, maxSide: 400))
        let unreadable = try ocr(tiny.jpeg, "tiny.jpg")
        print("legibility (tesseract vie, character accuracy): 4000 px photo \(photo.count) B \(String(format: "%.3f", original)); "
              + "1600 px copy \(copy.jpeg.count) B \(String(format: "%.3f", sent)); 400 px \(tiny.jpeg.count) B \(String(format: "%.3f", unreadable))")
        #expect(sent >= 0.95, "the 1600 px copy reads \(sent)")
        #expect(sent >= original - 0.03, "the copy reads \(sent), the photo \(original)")
        #expect(unreadable < sent - 0.1, "400 px reads \(unreadable), 1600 px \(sent)")
    }

    /// The sealed blob files on a laptop (one per distinct file kept).
    static func laptopBlobs(_ sotay: Sotay) -> Int {
        let folder = sotay.home.appending(path: "blobs")
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return 0 }
        return walker.compactMap { $0 as? URL }.filter { url in
            !url.lastPathComponent.hasPrefix(".") && ((try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false) == true
        }.count
    }

    @Test("sotay attach: a phone's JPEG goes as a 1600 px copy, the original kept until the hub's receipt; photo-max-px 0 sends it as taken; a dark photo is warned about and still attached")
    func attachThenSync() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let folder = laptop.sotay.home.appending(path: "photos")
        let photo = try TestPhotos.page()
        let file = try SampleFiles.write(photo, named: "giay-chung-sinh.jpg", in: folder)
        let id = try laptop.dossier("Ngô Văn Tâm", attaching: [file])
        let attachment = try #require((try laptop.draft(id)["attachments"] as? [[String: Any]])?.first)
        let size = try #require(attachment["size"] as? Int)
        let copyHash = try #require(attachment["sha256"] as? String)
        #expect(size * 3 < photo.count, "attached \(size) bytes of a \(photo.count)-byte photo")
        #expect(copyHash != Hashes.sha256Hex(photo))
        #expect(Self.laptopBlobs(laptop.sotay) == 2, "the copy and the original")

        #expect(try laptop.sotay.run(["sync"]).status == 0)
        #expect(try hubBlobs(hub) == [copyHash: size])
        // The receipt came: the original is erased, the copy stays with the dossier.
        #expect(Self.laptopBlobs(laptop.sotay) == 1)

        // As taken, when the volunteer says so.
        #expect(try laptop.sotay.run(["settings", "photo-max-px", "0"]).status == 0)
        let asTaken = try laptop.dossier("Đinh Thị Thu", attaching: [file])
        #expect((try laptop.draft(asTaken)["attachments"] as? [[String: Any]])?.first?["sha256"] as? String == Hashes.sha256Hex(photo))
        let refused = try laptop.sotay.run(["settings", "photo-max-px", "12"])
        #expect(refused.status != 0 && refused.stderr.contains("photo-max-px"), "\(refused.stderr)")
        #expect(try laptop.sotay.run(["settings", "photo-max-px", "--reset"]).status == 0)

        // Too dark: a warning, never a refusal.
        let dark = try SampleFiles.write(try TestPhotos.page(brightness: 40), named: "toi.jpg", in: folder)
        let answers: [String: Any] = ["resident_name": "Hà Văn Lâm", "resident_phone": "0912345678", "ngay_sinh": "01/02/2026", "noi_sinh": "1",
                                      "giay_chung_sinh": true, "so_cccd_me": "001326012345", "so_con": 1]
        try JSONSerialization.data(withJSONObject: answers).write(to: laptop.answers)
        let guided = try laptop.sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", laptop.answers.path, "--no-input"])
        let darkID = try #require(guided.stdout.split(separator: "\n").first.map(String.init))
        let attached = try laptop.sotay.run(["attach", darkID, dark.path])
        #expect(attached.status == 0, "\(attached.stderr)")
        #expect(attached.stdout.contains("quá tối") && attached.stdout.contains("Ảnh gửi lên xã: 1600×1200"), "\(attached.stdout)")
    }
}
