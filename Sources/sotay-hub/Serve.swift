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

    @Option(name: .customLong("header-timeout"), help: ArgumentHelp("Giây tối đa để một kết nối gửi xong phần đầu yêu cầu (mặc định 10).", valueName: "giây"))
    var headerTimeout = 10.0

    @Option(name: .customLong("body-timeout"), help: ArgumentHelp("Giây tối đa phần thân yêu cầu được đứng yên (mặc định 30).", valueName: "giây"))
    var bodyTimeout = 30.0

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Giây một kết nối được để không giữa hai yêu cầu (mặc định 60).", valueName: "giây"))
    var idleTimeout = 60.0

    @Option(name: .customLong("max-connections-per-address"), help: ArgumentHelp("Số kết nối mở cùng lúc tối đa từ một địa chỉ (mặc định 64).", valueName: "số"))
    var maxConnectionsPerAddress = 64

    @Option(name: .customLong("max-open-uploads"), help: ArgumentHelp("Số tệp đang tải lên dở tối đa của một máy (mặc định 20).", valueName: "số"))
    var maxOpenUploads = 20

    @Option(name: .customLong("max-open-upload-mib"), help: ArgumentHelp("Tổng dung lượng (MiB) các tệp đang tải lên dở của một máy (mặc định 200).", valueName: "MiB"))
    var maxOpenUploadMiB = 200

    var connectionLimits: ConnectionLimits {
        ConnectionLimits(headerTimeout: .milliseconds(Int64(headerTimeout * 1000)), bodyTimeout: .milliseconds(Int64(bodyTimeout * 1000)),
                         idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), perAddress: maxConnectionsPerAddress)
    }

    func validate() throws {
        for (flag, value) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)] where !(0.1...86_400).contains(value) {
            throw ValidationError(options.t("\(flag) phải từ 0,1 đến 86400 giây.", "\(flag) must be 0.1 to 86400 seconds."))
        }
        guard (1...100_000).contains(maxConnectionsPerAddress) else {
            throw ValidationError(options.t("--max-connections-per-address phải từ 1 đến 100000.", "--max-connections-per-address must be 1 to 100000."))
        }
        guard (1...100_000).contains(maxOpenUploads), (1...1_048_576).contains(maxOpenUploadMiB) else {
            throw ValidationError(options.t("--max-open-uploads phải từ 1 đến 100000, --max-open-upload-mib từ 1 đến 1048576.",
                                            "--max-open-uploads must be 1 to 100000, --max-open-upload-mib 1 to 1048576."))
        }
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
        guard let (host, port) = Self.parse(listen) else { throw ExitCode.validationFailure }
        let configuration = HubConfiguration(dataDirectory: options.dataDirectory, host: host, port: port, tlsCertificate: tlsCert, tlsKey: tlsKey,
                                              connectionLimits: connectionLimits,
                                              uploadQuota: UploadQuota(count: maxOpenUploads, bytes: Int64(maxOpenUploadMiB) << 20))
        let scheme = tlsCert == nil ? "http" : "https"
        let data = options.dataDirectory.path
        let language = options.language
        let announce: @Sendable (Int) async -> Void = { boundPort in
            let line = language == .vi ? "sotay-hub đang phục vụ tại \(scheme)://\(host):\(boundPort) (dữ liệu: \(data)). Dừng: Ctrl-C."
                                       : "sotay-hub serving at \(scheme)://\(host):\(boundPort) (data: \(data)). Stop: Ctrl-C."
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        if let databaseURL = options.databaseURL {
            let store = try await PostgresHubStore.open(url: databaseURL, directory: options.dataDirectory, keyFile: options.keyFileURL, logger: logger)
            do {
                try await runHub(configuration: configuration, postgres: store, logger: logger, onServerRunning: announce)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        } else {
            try await runHub(configuration: configuration, store: try options.openStore(), logger: logger, onServerRunning: announce)
        }
        FileHandle.standardOutput.write(Data(options.t("sotay-hub đã dừng.\n", "sotay-hub stopped.\n").utf8))
    }
}
