import Foundation
import SoTayWire

/// What the IT person's commands read beyond what the routes need (`sotay-hub dossiers`,
/// `devices`, `volunteers list`): every dossier with its resident's name opened, the devices,
/// and a stored photo opened into a file. Both stores answer it, so the commands work the same
/// on a commune's SQLite hub and on a province's PostgreSQL one.
public protocol HubInventoryRepository: Sendable {
    /// Dossiers, the latest changed first, their personal values opened. `commune` narrows a
    /// hub of several communes to one (nil: every commune); a commune it does not have is
    /// `HubError.communeNotFound`.
    func dossiers(status: DossierStatus?, commune: String?) async throws -> [HubDossier]
    /// Every device ever enrolled, the revoked ones too, the first enrolled first.
    func enrolledDevices() async throws -> [HubDevice]
    /// A volunteer's name by number; nil when there is none.
    func volunteerName(_ id: Int64) async throws -> String?
    /// Writes a stored blob, opened, to `destination` (mode 0600): the file appears whole or not at all.
    func exportBlob(sha256: String, to destination: URL) async throws
}

extension HubStore: HubInventoryRepository {
    /// A SQLite hub is one commune: `commune` names it, or another that it has no dossier of.
    public func dossiers(status: DossierStatus?, commune: String?) throws(HubError) -> [HubDossier] {
        let all = try dossiers(status: status)
        guard let commune else { return all }
        let wanted = commune.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
        let known = try volunteers().map(\.commune)
        guard known.contains(wanted) else { throw HubError.communeNotFound(wanted) }
        return all.filter { $0.commune == wanted }
    }

    public func enrolledDevices() throws(HubError) -> [HubDevice] {
        try devices()
    }
}
