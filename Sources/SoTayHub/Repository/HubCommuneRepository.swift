import Foundation
import GRDB

/// A commune on the hub, with how many volunteers it has.
public struct HubCommune: Sendable, Hashable, Codable {
    public var name: String
    public var volunteers: Int
}

/// The communes a hub serves. A PostgreSQL hub serves many (a province); a SQLite hub is one
/// commune, its volunteers'.
public protocol HubCommuneRepository: Sendable {
    func addCommune(_ name: String, now: Date) async throws -> HubCommune
    func communeList() async throws -> [HubCommune]
}

extension HubStore: HubCommuneRepository {
    /// A SQLite hub is one commune: it has no list to add to.
    public func addCommune(_ name: String, now: Date) async throws -> HubCommune {
        throw HubError.singleCommune
    }

    public func communeList() async throws -> [HubCommune] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT commune, COUNT(*) AS volunteers FROM volunteer GROUP BY commune ORDER BY commune").map { row in
                HubCommune(name: row["commune"], volunteers: row["volunteers"])
            }
        }
    }
}
