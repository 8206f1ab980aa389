import Foundation

/// Files shaped like what volunteers attach: valid headers and end marks over random bytes.
public enum SampleFiles {
    /// A JPEG of `size` bytes: SOI and a JFIF segment, random bytes, EOI. Each call differs.
    public static func jpeg(size: Int) -> Data {
        var data = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + Data("JFIF\u{0}".utf8) + Data([0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00])
        data.append(random(count: max(0, size - data.count - 2)))
        data.append(contentsOf: [0xFF, 0xD9])
        return data
    }

    public static func random(count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes)
    }

    /// Writes `data` under `folder` with `name`, and returns its URL.
    @discardableResult
    public static func write(_ data: Data, named name: String, in folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appending(path: name)
        try data.write(to: url)
        return url
    }
}

/// The Python of `.venv-test/` (made by `make test`), for the interop tests.
public enum TestPython {
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../..").standardizedFileURL
    public static var executable: URL { repository.appending(path: ".venv-test/bin/python") }
    public static func script(_ name: String) -> URL { repository.appending(path: "Tests/Interop/\(name)") }

    public struct Missing: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "\(TestPython.executable.path) is missing: run `make test` (it installs Tests/requirements.txt)" }
    }
}
