import Foundation
import GRDB
import SoTayWire

/// What the one-stop officer's scan of a handout's QR code finds: the dossier's state, and
/// whether the receipt it carries is this hub's, for a revision this hub stored. Reads no
/// personal data (no name, no answers): nothing to audit.
public struct ReceiptCheck: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// Signed by this hub, and the revision it names is stored with the same content hash.
        case valid
        /// Signed by another hub's key.
        case otherHub
        /// The signature does not match the receipt's fields: changed or made up.
        case forged
        /// Signed by this hub, but no stored revision matches it (a restored old backup?).
        case notStored
        /// The QR carried no receipt (made before the dossier reached the hub).
        case none
    }

    public var verdict: Verdict
    public var dossierId: String
    public var procedureId: String?
    public var status: DossierStatus?
    public var latestRevision: Int?
    public var portalCode: String?
}

extension HubStore {
    public func checkReceipt(dossierId: String, receipt: Receipt?) throws(HubError) -> ReceiptCheck {
        let key = signingKey
        return try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT procedureId, status, latestRevision, portalCode FROM dossier WHERE id = ?", arguments: [dossierId])
            let procedureId: String? = row.flatMap { $0["procedureId"] as String? }
            let status: String? = row.flatMap { $0["status"] as String? }
            let latestRevision: Int? = row.flatMap { $0["latestRevision"] as Int? }
            let portalCode: String? = row.flatMap { $0["portalCode"] as String? }
            var check = ReceiptCheck(verdict: .none, dossierId: dossierId, procedureId: procedureId, status: status.flatMap(DossierStatus.init(rawValue:)),
                                     latestRevision: latestRevision, portalCode: portalCode)
            guard let receipt else { return check }
            guard receipt.hubKeyId == key.keyID else {
                check.verdict = .otherHub
                return check
            }
            guard receipt.isSigned(by: key.publicKey), receipt.dossierId == dossierId else {
                check.verdict = .forged
                return check
            }
            let stored = try String.fetchOne(db, sql: "SELECT contentSHA256 FROM dossierRevision WHERE dossierId = ? AND revision = ? AND receivedAt = ?",
                                             arguments: [receipt.dossierId, receipt.revision, receipt.receivedAt])
            check.verdict = stored == receipt.contentSHA256 ? .valid : .notStored
            return check
        }
    }
}
