import Foundation
import Hummingbird
@testable import SoTayHub
import Testing
import Yams

/// Each store's router against the contract: every route it answers is in `sync/openapi.yaml`
/// for that store, and every route there for it is answered. A path marked
/// `x-sotay-backends: [postgres]` (the province's reader) is the PostgreSQL hub's only; one marked
/// `[sqlite]` would be the SQLite hub's only (none is today).
@Suite("Conformance: each store's router serves the contract")
struct ContractConformanceTests {
    static let openAPI = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../sync/openapi.yaml").standardizedFileURL

    /// Every (method, path) of `sync/openapi.yaml` that `backend` serves.
    static func contractRoutes(for backend: Backend) throws -> Set<RouteSpec> {
        let text = try String(contentsOf: openAPI, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        var routes: Set<RouteSpec> = []
        let methods = ["get", "put", "post", "patch", "delete", "head", "options"]
        for (path, item) in paths {
            let operations = try #require(item as? [String: Any])
            if let backends = operations["x-sotay-backends"] as? [String], !backends.contains(backend.rawValue) { continue }
            for method in methods where operations[method] != nil {
                routes.insert(RouteSpec(method: method.uppercased(), path: path))
            }
        }
        return routes
    }

    @Test("Every route the hub answers is in sync/openapi.yaml, and every route there is answered", arguments: Backend.enabled)
    func routesMatchContract(_ backend: Backend) async throws {
        let store = try await StoreUnderTest.make(backend)
        let configuration = HubConfiguration(dataDirectory: store.directory)
        let served: [RouteSpec]
        if let sqlite = store.sqlite {
            served = buildRouter(store: sqlite, configuration: configuration).1
        } else if let postgres = store.postgres {
            served = buildRouter(postgres: postgres, configuration: configuration).1
        } else {
            served = []
        }
        await store.close()
        let contract = try Self.contractRoutes(for: backend)
        #expect(Set(served) == contract, "served: \(served.sorted { $0.description < $1.description }), contract: \(contract.sorted { $0.description < $1.description })")
        #expect(served.count == Set(served).count)
        #expect(!served.isEmpty)
    }
}
