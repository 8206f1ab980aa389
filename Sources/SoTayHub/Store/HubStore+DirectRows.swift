import Foundation

/// For tools that write a hub's rows straight into its database, bypassing HTTP (the benchmark
/// suite's "already synced" dossiers and its direct-insert baseline): the two personal values of
/// an accepted dossier, sealed exactly as `putDossier` seals them, with this hub's data key.
extension HubStore {
    public struct SealedDossierValues: Sendable {
        public var residentName: String?
        public var body: String
    }

    public func sealedValues(residentName: String?, body: String, dossierID: String, revision: Int) throws(HubSealingError) -> SealedDossierValues {
        SealedDossierValues(
            residentName: try residentName.map { name throws(HubSealingError) in try sealer.seal(name, at: .residentName(dossier: dossierID)) },
            body: try sealer.seal(body, at: .revisionBody(dossier: dossierID, revision: revision)))
    }
}
