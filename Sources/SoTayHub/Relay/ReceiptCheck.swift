import Foundation
import GRDB
import PostgresNIO
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

extension ReceiptCheck {
    /// The verdict on a receipt, given the dossier's row as the store found it and the content
    /// hash the store holds for the revision and time the receipt names (`storedHash` is asked
    /// only once the receipt is known to be this hub's and its signature holds).
    static func judge(dossierId: String, procedureId: String?, status: String?, latestRevision: Int?, portalCode: String?,
                      receipt: Receipt?, key: HubSigningKey, storedHash: () async throws -> String?) async rethrows -> ReceiptCheck {
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
        check.verdict = try await storedHash() == receipt.contentSHA256 ? .valid : .notStored
        return check
    }
}

/// `sotay-hub receipts verify`, on either store.
public protocol HubReceiptRepository: Sendable {
    func checkReceipt(dossierId: String, receipt: Receipt?) async throws -> ReceiptCheck
}

extension HubStore: HubReceiptRepository {
    public func checkReceipt(dossierId: String, receipt: Receipt?) async throws -> ReceiptCheck {
        let row = try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT procedureId, status, latestRevision, portalCode FROM dossier WHERE id = ?", arguments: [dossierId])
        }
        return try await ReceiptCheck.judge(dossierId: dossierId, procedureId: row?["procedureId"], status: row?["status"], latestRevision: row?["latestRevision"],
                                            portalCode: row?["portalCode"], receipt: receipt, key: signingKey) {
            guard let receipt else { return nil }
            return try await writer.read { db in
                try String.fetchOne(db, sql: "SELECT contentSHA256 FROM dossierRevision WHERE dossierId = ? AND revision = ? AND receivedAt = ?",
                                    arguments: [receipt.dossierId, receipt.revision, receipt.receivedAt])
            }
        }
    }
}

extension PostgresHubStore: HubReceiptRepository {
    public func checkReceipt(dossierId: String, receipt: Receipt?) async throws -> ReceiptCheck {
        let row = try await rows("SELECT procedure_id, status, latest_revision, portal_code FROM dossier WHERE id = \(dossierId)").first
        return try await ReceiptCheck.judge(dossierId: dossierId, procedureId: try row?.value("procedure_id"), status: try row?.value("status"),
                                            latestRevision: try row?.value("latest_revision"), portalCode: try row?.value("portal_code"),
                                            receipt: receipt, key: signingKey) {
            guard let receipt else { return nil }
            return try await rows("""
                SELECT content_sha256 FROM dossier_revision WHERE dossier_id = \(receipt.dossierId) AND revision = \(receipt.revision)
                  AND received_at = \(receipt.receivedAt)
                """).first?.value("content_sha256")
        }
    }
}
