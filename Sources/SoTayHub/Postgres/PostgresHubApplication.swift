import Foundation
import Hummingbird
import Logging
import SoTayContent
import SoTayCore

/// The hub on PostgreSQL (`sotay-hub serve --database postgres://…`): the same device routes as
/// on SQLite and the uploads (tus), answered by `PostgresHubStore`; one writer per upload is kept
/// in the database (`PostgresUploadGate`), the officers' and admins' JSON routes and the officer's
/// web console (`/console`): an officer sees their own commune's dossiers, an admin the whole hub.
/// The console's sessions are rows in the database, good on every `serve` process at once.
public func buildRouter(postgres store: PostgresHubStore, configuration: HubConfiguration) -> (Router<HubRequestContext>, [RouteSpec]) {
    let router = Router(context: HubRequestContext.self)
    if configuration.tlsCertificate != nil { router.add(middleware: StrictTransportSecurityMiddleware()) }
    // Counted in the database: every process behind the load balancer sees every failure. One
    // budget for bearer tokens and console sign-ins, as on SQLite.
    let authLimiter = PostgresFailureLimiter(store: store, scope: "auth", limit: configuration.authFailuresAllowed, window: 15 * 60)
    let routes = HubRoutes(store: store, databasePath: store.displayName,
                           enrollLimiter: PostgresFailureLimiter(store: store, scope: "enroll", limit: configuration.enrollFailuresAllowed, window: 15 * 60),
                           authLimiter: authLimiter,
                           tus: TusRoutes(store: store, gate: PostgresUploadGate(store: store), maxBlobBytes: configuration.maxBlobBytes,
                                          lifetime: configuration.uploadLifetime, quota: configuration.uploadQuota),
                           staff: StaffRoutes(store: store), content: ContentRoutes(shelf: store.contentShelf),
                           province: ProvinceRoutes(store: store, pack: try? ContentPack.configured()))
    let specs = routes.register(on: router)
    // After the protocol's middleware so errors stay safe, as on SQLite.
    if let console = try? ConsoleRoutes(store: store, limiter: authLimiter, settings: configuration.console,
                                        secureCookies: configuration.tlsCertificate != nil) {
        console.register(on: router)
    }
    return (router, specs)
}

/// Builds the hub on PostgreSQL and serves until SIGINT or SIGTERM.
public func runHub(
    configuration: HubConfiguration, postgres store: PostgresHubStore, logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) async throws {
    // Uploads that expired while no process served go before this one serves.
    let swept = try await store.sweepExpiredUploads(now: Date())
    if swept > 0 { logger.info("expired uploads removed", metadata: ["count": "\(swept)"]) }
    logUnavailableParts(logger: logger)
    let (router, _) = buildRouter(postgres: store, configuration: configuration)
    let app = try makeApplication(router: router, configuration: configuration, logger: logger, onServerRunning: onServerRunning)
    try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
}
