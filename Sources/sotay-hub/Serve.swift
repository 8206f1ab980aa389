import ArgumentParser
import Foundation
import Logging
import SoTayHub

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Chạy máy chủ (Ctrl-C hoặc SIGTERM để dừng an toàn).")

    @OptionGroup var options: HubOptions

    @Option(help: ArgumentHelp("Địa chỉ nghe, dạng HOST:CỔNG (cổng 0: hệ thống tự chọn).", valueName: "host:cổng"))
    var listen = "127.0.0.1:8080"

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("Chứng chỉ TLS (PEM) để phục vụ https trực tiếp.", valueName: "tệp"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("Khóa riêng TLS (PEM).", valueName: "tệp"))
    var tlsKey: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info (mặc định), notice, warning, error.", valueName: "mức"))
    var logLevel = "info"

    func validate() throws {
        guard Self.parse(listen) != nil else { throw ValidationError(options.t("--listen phải có dạng HOST:CỔNG, ví dụ 0.0.0.0:8080", "--listen must be HOST:PORT, e.g. 0.0.0.0:8080")) }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError(options.t("Cần cả --tls-cert và --tls-key.", "Give both --tls-cert and --tls-key.")) }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError(options.t("--log-level không hợp lệ.", "Invalid --log-level.")) }
    }

    static func parse(_ listen: String) -> (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host.isEmpty ? nil : (host, port)
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "sotay-hub")
        let store = try options.openStore()
        guard let (host, port) = Self.parse(listen) else { throw ExitCode.validationFailure }
        let configuration = HubConfiguration(dataDirectory: options.dataDirectory, host: host, port: port, tlsCertificate: tlsCert, tlsKey: tlsKey)
        let scheme = tlsCert == nil ? "http" : "https"
        let data = options.dataDirectory.path
        let language = options.language
        try await runHub(configuration: configuration, store: store, logger: logger) { boundPort in
            let line = language == .vi ? "sotay-hub đang phục vụ tại \(scheme)://\(host):\(boundPort) (dữ liệu: \(data)). Dừng: Ctrl-C."
                                       : "sotay-hub serving at \(scheme)://\(host):\(boundPort) (data: \(data)). Stop: Ctrl-C."
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        FileHandle.standardOutput.write(Data(options.t("sotay-hub đã dừng.\n", "sotay-hub stopped.\n").utf8))
    }
}
