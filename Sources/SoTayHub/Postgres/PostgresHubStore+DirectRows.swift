import Foundation

/// For tools that write a hub's rows straight into its database, bypassing HTTP (the benchmark
/// suite's direct-insert baseline on PostgreSQL): the two personal values of an accepted
/// dossier, sealed exactly as `storeDossier` seals them, with this hub's data key.
extension PostgresHubStore {
    public func sealedValues(residentName: String?, body: String, dossierID: String, revision: Int) throws(HubSealingError) -> HubStore.SealedDossierValues {
        HubStore.SealedDossierValues(
            residentName: try residentName.map { name throws(HubSealingError) in try sealer.seal(name, at: .residentName(dossier: dossierID)) },
            body: try sealer.seal(body, at: .revisionBody(dossier: dossierID, revision: revision)))
    }
}
