import Foundation
import Hummingbird
@testable import SoTayHub
import Testing
import Yams

@Suite("Hub: the contract")
struct ContractTests {
    static let openAPI = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../sync/openapi.yaml").standardizedFileURL

    /// Every (method, path) of `sync/openapi.yaml`.
    static func contractRoutes() throws -> Set<RouteSpec> {
        let text = try String(contentsOf: openAPI, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        var routes: Set<RouteSpec> = []
        let methods = ["get", "put", "post", "patch", "delete", "head", "options"]
        for (path, item) in paths {
            // Paths only another store serves (the province's, on PostgreSQL) are not the SQLite hub's.
            if let backends = (item as? [String: Any])?["x-sotay-backends"] as? [String], !backends.contains("sqlite") { continue }
            let operations = try #require(item as? [String: Any])
            for method in methods where operations[method] != nil {
                routes.insert(RouteSpec(method: method.uppercased(), path: path))
            }
        }
        return routes
    }

    @Test("Every route the hub answers is in sync/openapi.yaml, and every route there is answered")
    func routesMatchContract() throws {
        let hub = try HubFixture()
        let (_, served) = buildRouter(store: hub.store, configuration: HubConfiguration(dataDirectory: hub.directory))
        let contract = try Self.contractRoutes()
        #expect(Set(served) == contract, "served: \(served.sorted { $0.description < $1.description }), contract: \(contract.sorted { $0.description < $1.description })")
        #expect(served.count == Set(served).count)
    }
}
