import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging

/// The baseline of benchmark 1: how OpenRosa-style clients send a submission. Each dossier is
/// one multipart POST carrying its photos; when the connection drops, the whole POST starts
/// over. Same transport as ours (URLSession over libcurl), same request timeout.
struct NaiveUploader {
    struct Outcome {
        var finished: Int
        var restarts: Int
        var seconds: Double
    }

    let url: URL

    func upload(_ bodies: [Data], giveUpAfter limit: Double) async -> Outcome {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 20
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        var outcome = Outcome(finished: 0, restarts: 0, seconds: 0)
        for body in bodies {
            while true {
                guard elapsed() < limit else {
                    outcome.seconds = elapsed()
                    return outcome
                }
                var request = URLRequest(url: url)
                request.httpMethod = "POST"
                request.httpBody = body
                request.setValue("multipart/form-data; boundary=\(Multipart.boundary)", forHTTPHeaderField: "Content-Type")
                if let (_, response) = try? await session.data(for: request), (response as? HTTPURLResponse)?.statusCode == 201 {
                    outcome.finished += 1
                    break
                }
                outcome.restarts += 1
            }
        }
        outcome.seconds = elapsed()
        return outcome
    }
}

/// The server the naive uploader talks to: takes a POST whole and answers 201 once every byte
/// is in. It stores nothing; the figure is about the link.
enum MultipartSink {
    struct NotStarted: Error {}

    /// Starts serving on a loopback port and returns the port. It runs until the suite exits.
    static func start() async throws -> Int {
        let router = Router()
        router.post("dossiers") { request, _ -> Response in
            for try await _ in request.body {}
            return Response(status: .created)
        }
        var logger = Logger(label: "sotay-bench.sink")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        Task { try await app.runService(gracefulShutdownSignals: []) }
        for await port in ports where port > 0 { return port }
        throw NotStarted()
    }
}
