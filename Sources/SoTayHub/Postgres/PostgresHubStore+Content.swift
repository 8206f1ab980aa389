import Foundation
import PostgresNIO
import SoTayCore
import SoTayWire

/// Content packs on a province hub: the same shelf in the data folder (shared by the serve
/// processes), announced in every commune's feed in one transaction.
extension PostgresHubStore: HubContentRepository {
    public var contentShelf: ContentShelf { ContentShelf(dataDirectory: directory, hubKey: signingKey) }

    @discardableResult
    public func publishContentPack(_ data: Data, now: Date) async throws -> VerifiedPack {
        let shelf = contentShelf
        let placed = try shelf.place(data)
        let logger = logger
        do {
            try await transaction { connection in
                try await Self.appendToEveryCommune(connection, logger: logger, kind: .content, message: placed.announcement, at: now)
            }
        } catch {
            shelf.withdraw(placed.file)
            throw error
        }
        return placed.pack
    }
}
