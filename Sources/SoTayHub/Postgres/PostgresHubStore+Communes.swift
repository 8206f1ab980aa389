import Foundation
import PostgresNIO
import SoTayCore
import SoTayWire

extension PostgresHubStore: HubCommuneRepository {
    public func addCommune(_ name: String, now: Date) async throws -> HubCommune {
        guard Identifiers.isName(name) else { throw HubError.invalidText(field: "name") }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        let logger = logger, shelf = contentShelf
        _ = try await transaction { connection in try await Self.commune(named: name, connection, logger: logger, now: now, shelf: shelf) }
        return try await communeList().first { $0.name == name } ?? HubCommune(name: name, volunteers: 0)
    }

    public func communeList() async throws -> [HubCommune] {
        try await rows("""
            SELECT c.name, count(v.id) AS volunteers FROM commune c LEFT JOIN volunteer v ON v.commune_id = c.id GROUP BY c.id, c.name ORDER BY c.name
            """).map { row in HubCommune(name: try row.value("name"), volunteers: Int(try row.value("volunteers", Int64.self))) }
    }
}
