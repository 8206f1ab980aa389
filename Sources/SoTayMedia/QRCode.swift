import CQREncode
import Foundation

/// A QR code made by libqrencode: a square of modules, `true` for dark.
public struct QRCode: Sendable, Hashable {
    public let size: Int
    public let modules: [Bool]

    public enum Failure: Error, Sendable { case tooLong(bytes: Int) }

    /// Encodes `text` as bytes (UTF-8), error correction M (15 % of the code can be lost: a
    /// folded, creased handout still reads).
    public init(_ text: String) throws(Failure) {
        let bytes = Array(text.utf8)
        let made: UnsafeMutablePointer<QRcode>? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { QRcode_encodeData(Int32(bytes.count), $0, 0, QR_ECLEVEL_M) }
        }
        guard let code = made else { throw .tooLong(bytes: bytes.count) }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        modules = (0 ..< width * width).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(_ x: Int, _ y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    /// An SVG of the code with a 4-module quiet zone, one path, crisp at any print size.
    public func svg(pixels: Int) -> String {
        let total = size + 8
        var path = ""
        for y in 0 ..< size {
            for x in 0 ..< size where isDark(x, y) { path += "M\(x + 4) \(y + 4)h1v1h-1z" }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" viewBox="0 0 \(total) \(total)" shape-rendering="crispEdges">\
            <rect width="\(total)" height="\(total)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }

    /// The code for a terminal: two modules a character (▀ ▄ █), dark on a light quiet zone,
    /// so it scans off a laptop screen whatever the terminal's colours.
    public func terminal() -> String {
        var lines: [String] = []
        let reset = "\u{1B}[0m"
        for y in stride(from: -2, to: size + 2, by: 2) {
            var line = "\u{1B}[30;47m"
            for x in -2 ..< size + 2 {
                let top = isDark(x, y)
                let bottom = isDark(x, y + 1)
                let cell = switch (top, bottom) {
                case (true, true): "█"
                case (true, false): "▀"
                case (false, true): "▄"
                case (false, false): " "
                }
                line += cell
            }
            lines.append(line + reset)
        }
        return lines.joined(separator: "\n")
    }
}
