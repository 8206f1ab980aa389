import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import SoTayContent
import SoTayCore
import SoTayWire

/// How the hub is started.
public struct HubConfiguration: Sendable {
    public var dataDirectory: URL
    public var host: String
    public var port: Int
    /// PEM files; both or neither.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Failed enrolments allowed per address per 15 minutes.
    public var enrollFailuresAllowed: Int
    /// Failed authentications allowed per address per 15 minutes.
    public var authFailuresAllowed: Int
    /// Largest blob taken at `/v1/uploads` (`Tus-Max-Size`).
    public var maxBlobBytes: Int64
    /// How long an unfinished upload is kept after its last step forward.
    public var uploadLifetime: TimeInterval
    /// Header, body and idle timeouts, and open connections per address.
    public var connectionLimits: ConnectionLimits
    /// Unfinished uploads per device.
    public var uploadQuota: UploadQuota
    /// The officer's web console at /console: session lifetimes (issue #19).
    public var console = ConsoleSettings()

    public init(dataDirectory: URL, host: String = "127.0.0.1", port: Int = 8080, tlsCertificate: String? = nil, tlsKey: String? = nil,
                enrollFailuresAllowed: Int = 10, authFailuresAllowed: Int = 30, maxBlobBytes: Int64 = WireProtocol.maxBlobSize,
                uploadLifetime: TimeInterval = 72 * 3600, connectionLimits: ConnectionLimits = .init(),
                uploadQuota: UploadQuota = .init()) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.enrollFailuresAllowed = enrollFailuresAllowed
        self.authFailuresAllowed = authFailuresAllowed
        self.maxBlobBytes = min(maxBlobBytes, WireProtocol.maxBlobSize)
        self.uploadLifetime = uploadLifetime
        self.connectionLimits = connectionLimits
        self.uploadQuota = uploadQuota
    }
}

/// What built-in TLS offers: TLS 1.3 (all its suites are forward secret and AEAD) and, for
/// older clients, TLS 1.2 with ECDHE key exchange and AEAD ciphers only. TLS 1.0 and 1.1, RSA
/// key exchange and CBC suites are refused.
public enum HubTLS {
    public static let tls12CipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
}

/// The hub's router and the list of routes it answers. `offersDossierBatches: false` leaves out
/// `POST /v1/dossiers`, as a hub from before batches (for tests of the laptop's fallback).
public func buildRouter(store: HubStore, configuration: HubConfiguration, offersDossierBatches: Bool = true) -> (Router<HubRequestContext>, [RouteSpec]) {
    let router = Router(context: HubRequestContext.self)
    if configuration.tlsCertificate != nil { router.add(middleware: StrictTransportSecurityMiddleware()) }
    // One limiter for bearer tokens and console sign-ins: the same budget of failures per address.
    let authLimiter = RateLimiter(limit: configuration.authFailuresAllowed, window: 15 * 60)
    let routes = HubRoutes(store: store, databasePath: store.databaseURL.path,
                           enrollLimiter: RateLimiter(limit: configuration.enrollFailuresAllowed, window: 15 * 60),
                           authLimiter: authLimiter,
                           tus: TusRoutes(store: store, gate: UploadGate(), maxBlobBytes: configuration.maxBlobBytes,
                                          lifetime: configuration.uploadLifetime, quota: configuration.uploadQuota),
                           staff: StaffRoutes(store: store),
                           content: ContentRoutes(shelf: store.contentShelf), offersDossierBatches: offersDossierBatches)
    let specs = routes.register(on: router)
    // The officer's web console (/console), after the protocol's middleware so errors stay safe.
    if let console = try? ConsoleRoutes(store: store, limiter: authLimiter, settings: configuration.console,
                                        secureCookies: configuration.tlsCertificate != nil) {
        console.register(on: router)
    }
    return (router, specs)
}

/// The hub application, called by `sotay-hub serve` and by the tests alike.
public func buildApplication(
    configuration: HubConfiguration, store: HubStore, logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let (router, _) = buildRouter(store: store, configuration: configuration)
    return try makeApplication(router: router, configuration: configuration, logger: logger, onServerRunning: onServerRunning)
}

/// The HTTP server around a router: limits, TLS, address. Shared by both stores.
func makeApplication(
    router: Router<HubRequestContext>, configuration: HubConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void
) throws -> some ApplicationProtocol {
    let server: HTTPServerBuilder
    let limits = configuration.connectionLimits
    let counter = ConnectionCounter()
    let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(limits: limits, counter: counter, logger: logger)]))
    if let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            tls.minimumTLSVersion = .tlsv12
            tls.cipherSuites = HubTLS.tls12CipherSuites
            server = try .tls(http1, tlsConfiguration: tls)
        } catch {
            throw HubError.tlsUnreadable(certificate: certificate, key: key)
        }
    } else {
        server = http1
    }
    return Application(
        router: router,
        server: server,
        // A longer queue of connections waiting to be accepted than the default 256: under a flood
        // of connections the kernel drops what does not fit, and a client that did nothing wrong
        // waits a second to try again.
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil, backlog: 1024),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// Says at start, in the log, which optional part of the hub will not be there: the routes
/// leave such a part out (or serve it without the procedure library) rather than not start.
/// Both stores serve the console, so both check its templates.
func logUnavailableParts(logger: Logger) {
    do {
        _ = try ConsoleTemplates.library()
    } catch {
        logger.error("the officer's console (/console) is off: its templates did not load", metadata: ["error": "\(error)"])
    }
    do {
        _ = try ContentPack.configured()
    } catch {
        logger.warning("no procedure library (SOTAY_CONTENT): pages show step ids and reports count no indicators",
                       metadata: ["error": "\(String(describing: error))"])
    }
}

/// Builds the hub and serves until SIGINT or SIGTERM, then finishes the requests in flight.
public func runHub(
    configuration: HubConfiguration, store: HubStore, logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) async throws {
    // Uploads that expired while the hub was stopped go before it serves again.
    try await store.checkWritable()
    let swept: Int
    do {
        swept = try await store.sweepExpiredUploads()
    } catch {
        throw HubStore.translate(error, path: store.databaseURL.path)
    }
    if swept > 0 { logger.info("expired uploads removed", metadata: ["count": "\(swept)"]) }
    logUnavailableParts(logger: logger)
    let app = try buildApplication(configuration: configuration, store: store, logger: logger, onServerRunning: onServerRunning)
    try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
}
