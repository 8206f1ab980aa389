import SoTayCore
import SoTayStore

/// `--resident` as typed: an id is used as it is; a name or a phone is looked up among the
/// residents, whose names are sealed, so the store is unlocked for it.
enum ResidentQuery {
    /// The resident's id, and the store (unlocked if the lookup needed it).
    static func resolve(_ query: String, store: Store, render: Render) throws -> (id: String, store: Store) {
        if try store.residentExists(query) { return (query, store) }
        let unlocked = try Passphrase.unlock(store, need: .required, render: render)
        switch ResidentLookup.find(query, among: try unlocked.residentCards()) {
        case .one(let card): return (card.id, unlocked)
        case .many(let cards): throw CLIError.ambiguousResident(query, cards)
        case .none: throw CLIError.unknownResident(query)
        }
    }
}
