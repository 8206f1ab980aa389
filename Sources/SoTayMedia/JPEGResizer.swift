import CTurboJPEG
import Foundation

/// An 8-bit grey or RGB image in memory, rows top to bottom.
public struct Pixels: Sendable {
    public var width: Int
    public var height: Int
    /// 3 bytes a pixel (RGB).
    public var rgb: [UInt8]

    public init(width: Int, height: Int, rgb: [UInt8]) {
        self.width = width
        self.height = height
        self.rgb = rgb
    }
}

/// How a photo of a paper looks, for a warning (never a refusal): too dark, blurred, blank.
public struct PhotoQuality: Sendable, Hashable {
    /// Mean luminance, 0–255.
    public var brightness: Double
    /// Standard deviation of luminance: near 0 is a blank (lens cap, white wall).
    public var contrast: Double
    /// Variance of the Laplacian of luminance: low is blurred (text edges smeared).
    public var sharpness: Double

    public var tooDark: Bool { brightness < 55 }
    public var blank: Bool { contrast < 6 }
    public var blurred: Bool { !blank && sharpness < 25 }
}

public enum JPEGFailure: Error, Sendable, Equatable {
    case notJPEG
    case decode(String)
    case encode(String)
}

/// A sending copy of a JPEG for a village link: decoded at the smallest libjpeg-turbo scale
/// (1/8 steps) whose long side still reaches `maxSide`, reduced the rest of the way by area
/// averaging, turned upright by its EXIF orientation, encoded at `quality`.
public enum JPEGResizer {
    public struct Result: Sendable {
        public var jpeg: Data
        public var width: Int
        public var height: Int
        public var originalWidth: Int
        public var originalHeight: Int
        public var quality: PhotoQuality
    }

    public static func isJPEG(_ data: Data) -> Bool { data.count > 3 && data.prefix(3) == Data([0xFF, 0xD8, 0xFF]) }

    /// The image's size without decoding it.
    public static func dimensions(_ data: Data) throws(JPEGFailure) -> (width: Int, height: Int) {
        guard isJPEG(data) else { throw .notJPEG }
        guard let handle = tjInitDecompress() else { throw .decode("init") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = data.withUnsafeBytes { buffer in
            tjDecompressHeader3(handle, buffer.bindMemory(to: UInt8.self).baseAddress, UInt(data.count), &width, &height, &subsampling, &colorspace)
        }
        guard status == 0 else { throw .decode(String(cString: tjGetErrorStr2(handle))) }
        return (Int(width), Int(height))
    }

    /// Decodes at the smallest scale whose long side is at least `atLeast` (or full size).
    public static func decode(_ data: Data, atLeast longSide: Int = .max) throws(JPEGFailure) -> Pixels {
        guard isJPEG(data) else { throw .notJPEG }
        guard let handle = tjInitDecompress() else { throw .decode("init") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = data.withUnsafeBytes { buffer in
            tjDecompressHeader3(handle, buffer.bindMemory(to: UInt8.self).baseAddress, UInt(data.count), &width, &height, &subsampling, &colorspace)
        }
        guard header == 0, width > 0, height > 0 else { throw .decode(String(cString: tjGetErrorStr2(handle))) }
        var count: Int32 = 0
        var target = (Int(width), Int(height))
        if let factors = tjGetScalingFactors(&count) {
            // The smallest scaled size that is still at least the long side asked for.
            var best = target
            for index in 0 ..< Int(count) {
                let factor = factors[index]
                let scaledWidth = (Int(width) * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom)
                let scaledHeight = (Int(height) * Int(factor.num) + Int(factor.denom) - 1) / Int(factor.denom)
                if max(scaledWidth, scaledHeight) >= min(longSide, max(Int(width), Int(height))), scaledWidth * scaledHeight < best.0 * best.1 {
                    best = (scaledWidth, scaledHeight)
                }
            }
            target = best
        }
        var pixels = [UInt8](repeating: 0, count: target.0 * target.1 * 3)
        let status = data.withUnsafeBytes { buffer in
            pixels.withUnsafeMutableBufferPointer { out in
                tjDecompress2(handle, buffer.bindMemory(to: UInt8.self).baseAddress, UInt(data.count), out.baseAddress, Int32(target.0), 0, Int32(target.1),
                              Int32(TJPF_RGB.rawValue), Int32(TJFLAG_ACCURATEDCT))
            }
        }
        guard status == 0 else { throw .decode(String(cString: tjGetErrorStr2(handle))) }
        return Pixels(width: target.0, height: target.1, rgb: pixels)
    }

    public static func encode(_ image: Pixels, quality: Int) throws(JPEGFailure) -> Data {
        guard let handle = tjInitCompress() else { throw .encode("init") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.rgb.withUnsafeBufferPointer { buffer in
            tjCompress2(handle, buffer.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue), &output, &size,
                        Int32(TJSAMP_420.rawValue), Int32(quality), Int32(TJFLAG_ACCURATEDCT))
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else { throw .encode(String(cString: tjGetErrorStr2(handle))) }
        return Data(bytes: output, count: Int(size))
    }

    /// The sending copy; `nil` when the photo is already small enough (it goes as it is).
    public static func sendingCopy(_ data: Data, maxSide: Int, quality: Int = 80) throws(JPEGFailure) -> Result? {
        let (width, height) = try dimensions(data)
        let orientation = exifOrientation(data)
        guard max(width, height) > maxSide || (orientation != 1 && max(width, height) > maxSide / 2) else { return nil }
        var image = try decode(data, atLeast: maxSide)
        image = reduce(image, maxSide: maxSide)
        image = orient(image, orientation)
        let jpeg = try encode(image, quality: quality)
        // A copy that is not smaller is no use on a slow link.
        guard jpeg.count < data.count else { return nil }
        return Result(jpeg: jpeg, width: image.width, height: image.height, originalWidth: width, originalHeight: height, quality: measure(image))
    }

    /// Area averaging down to `maxSide` on the long side: every source pixel counts, so thin
    /// strokes of text thin out rather than vanish.
    public static func reduce(_ image: Pixels, maxSide: Int) -> Pixels {
        let long = max(image.width, image.height)
        guard long > maxSide else { return image }
        let scale = Double(maxSide) / Double(long)
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let xRatio = Double(image.width) / Double(width)
        let yRatio = Double(image.height) / Double(height)
        image.rgb.withUnsafeBufferPointer { source in
            for y in 0 ..< height {
                let y0 = Int(Double(y) * yRatio), y1 = max(y0 + 1, min(image.height, Int(Double(y + 1) * yRatio)))
                for x in 0 ..< width {
                    let x0 = Int(Double(x) * xRatio), x1 = max(x0 + 1, min(image.width, Int(Double(x + 1) * xRatio)))
                    var r = 0, g = 0, b = 0
                    for sy in y0 ..< y1 {
                        var index = (sy * image.width + x0) * 3
                        for _ in x0 ..< x1 {
                            r += Int(source[index]); g += Int(source[index + 1]); b += Int(source[index + 2])
                            index += 3
                        }
                    }
                    let n = (y1 - y0) * (x1 - x0)
                    let target = (y * width + x) * 3
                    out[target] = UInt8(r / n); out[target + 1] = UInt8(g / n); out[target + 2] = UInt8(b / n)
                }
            }
        }
        return Pixels(width: width, height: height, rgb: out)
    }

    /// The EXIF orientation (1–8) of a JPEG, 1 when there is none.
    public static func exifOrientation(_ data: Data) -> Int {
        let bytes = [UInt8](data.prefix(128 * 1024))
        var index = 2
        while index + 4 < bytes.count, bytes[index] == 0xFF {
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if marker == 0xDA || marker == 0xD9 { break }
            if marker == 0xE1, index + 10 < bytes.count, Array(bytes[index + 4 ..< index + 10]) == Array("Exif\0\0".utf8) {
                let tiff = index + 10
                guard tiff + 8 < bytes.count else { return 1 }
                let little = bytes[tiff] == 0x49
                func u16(_ at: Int) -> Int {
                    guard at + 1 < bytes.count else { return 0 }
                    return little ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : Int(bytes[at]) << 8 | Int(bytes[at + 1])
                }
                func u32(_ at: Int) -> Int { little ? u16(at) | u16(at + 2) << 16 : u16(at) << 16 | u16(at + 2) }
                let ifd = tiff + u32(tiff + 4)
                let entries = u16(ifd)
                for entry in 0 ..< min(entries, 200) {
                    let at = ifd + 2 + entry * 12
                    if u16(at) == 0x0112 {
                        let value = u16(at + 8)
                        return (1...8).contains(value) ? value : 1
                    }
                }
                return 1
            }
            index += 2 + length
        }
        return 1
    }

    /// Turns the pixels upright as EXIF orientation `orientation` says the camera held them.
    public static func orient(_ image: Pixels, _ orientation: Int) -> Pixels {
        guard (2...8).contains(orientation) else { return image }
        let swap = orientation >= 5
        let width = swap ? image.height : image.width
        let height = swap ? image.width : image.height
        var out = [UInt8](repeating: 0, count: image.rgb.count)
        for y in 0 ..< height {
            for x in 0 ..< width {
                // The source pixel shown at (x, y) of the upright image.
                let (sx, sy): (Int, Int) = switch orientation {
                case 2: (image.width - 1 - x, y)
                case 3: (image.width - 1 - x, image.height - 1 - y)
                case 4: (x, image.height - 1 - y)
                case 5: (y, x)
                case 6: (y, image.height - 1 - x)
                case 7: (image.width - 1 - y, image.height - 1 - x)
                default: (image.width - 1 - y, x)
                }
                let from = (sy * image.width + sx) * 3
                let to = (y * width + x) * 3
                out[to] = image.rgb[from]; out[to + 1] = image.rgb[from + 1]; out[to + 2] = image.rgb[from + 2]
            }
        }
        return Pixels(width: width, height: height, rgb: out)
    }

    /// Exposure, contrast and sharpness of an image (luminance, on at most ~800 px long side).
    public static func measure(_ image: Pixels) -> PhotoQuality {
        let small = reduce(image, maxSide: 800)
        let count = small.width * small.height
        guard count > 0 else { return PhotoQuality(brightness: 0, contrast: 0, sharpness: 0) }
        var luma = [Double](repeating: 0, count: count)
        for index in 0 ..< count {
            luma[index] = 0.299 * Double(small.rgb[index * 3]) + 0.587 * Double(small.rgb[index * 3 + 1]) + 0.114 * Double(small.rgb[index * 3 + 2])
        }
        let mean = luma.reduce(0, +) / Double(count)
        let variance = luma.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count)
        var laplacians: [Double] = []
        laplacians.reserveCapacity(count)
        if small.width > 2 && small.height > 2 {
            for y in 1 ..< small.height - 1 {
                for x in 1 ..< small.width - 1 {
                    let at = y * small.width + x
                    laplacians.append(luma[at - 1] + luma[at + 1] + luma[at - small.width] + luma[at + small.width] - 4 * luma[at])
                }
            }
        }
        let lapMean = laplacians.isEmpty ? 0 : laplacians.reduce(0, +) / Double(laplacians.count)
        let lapVariance = laplacians.isEmpty ? 0 : laplacians.reduce(0) { $0 + ($1 - lapMean) * ($1 - lapMean) } / Double(laplacians.count)
        return PhotoQuality(brightness: mean, contrast: variance.squareRoot(), sharpness: lapVariance)
    }
}
