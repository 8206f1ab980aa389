import Foundation

/// A resident as the volunteer knows them: the id Sổ Tay gave, the name and phone they gave.
public struct ResidentCard: Sendable, Hashable {
    public var id: String
    public var name: String?
    public var phone: String?

    public init(id: String, name: String?, phone: String?) {
        self.id = id
        self.name = name
        self.phone = phone
    }
}

/// `--resident` as the volunteer types it: an id (or its first characters), a phone number in
/// any spelling, or a name with or without tone marks.
public enum ResidentLookup {
    public enum Outcome: Sendable, Hashable {
        case one(ResidentCard)
        /// Several residents fit: list them, and ask for the id.
        case many([ResidentCard])
        case none
    }

    /// Fewest characters of an id that count as its start.
    public static let minimumIDPrefix = 4

    public static func find(_ query: String, among residents: [ResidentCard]) -> Outcome {
        let typed = query.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return .none }
        if let exact = residents.first(where: { $0.id == typed }) { return .one(exact) }
        if case .success(let phone) = PhoneNumber.normalize(typed) {
            return outcome(residents.filter { $0.phone == phone })
        }
        if typed.count >= minimumIDPrefix {
            let byID = residents.filter { $0.id.lowercased().hasPrefix(typed.lowercased()) }
            if !byID.isEmpty { return outcome(byID) }
        }
        let folded = VietnameseFolding.fold(typed)
        let named = residents.filter { $0.name.map(VietnameseFolding.fold) == folded }
        if !named.isEmpty { return outcome(named) }
        let words = VietnameseFolding.words(typed)
        return outcome(residents.filter { resident in
            let nameWords = VietnameseFolding.words(resident.name ?? "")
            return words.allSatisfy(nameWords.contains)
        })
    }

    private static func outcome(_ matches: [ResidentCard]) -> Outcome {
        switch matches.count {
        case 0: .none
        case 1: .one(matches[0])
        default: .many(matches.sorted { ($0.name ?? "", $0.id) < ($1.name ?? "", $1.id) })
        }
    }
}
