import Foundation
import SoTayCore
import SoTayStore
import SoTayWire

/// The request body of one dossier revision, built when the volunteer marks it ready.
public enum DossierPayload {
    public static func encode(_ dossier: DossierRecord, answers: Answers, attachments: [AttachmentRecord] = [], revision: Int) throws -> Data {
        let upload = DossierUpload(
            id: dossier.id, revision: revision, procedureId: dossier.procedureId, packVersion: dossier.packVersion,
            residentId: dossier.residentId, village: dossier.village, commune: dossier.commune,
            requiredCount: dossier.requiredCount, satisfiedCount: dossier.satisfiedCount, answers: answers,
            createdAt: dossier.createdAt, readyAt: dossier.readyAt ?? dossier.updatedAt,
            attachments: attachments.map { AttachmentRef(sha256: $0.sha256, size: $0.size, mediaType: $0.mediaType, document: $0.documentId) })
        return try WireProtocol.encoder().encode(upload)
    }

    /// Marks a dossier ready and queues its payload, in one transaction.
    public static func markReady(_ dossierID: String, in store: Store, now: Date = Date()) throws(StoreError) -> Store.ReadyOutcome {
        try store.markReady(dossierID, now: now) { dossier, answers, attachments, revision in
            try encode(dossier, answers: answers, attachments: attachments, revision: revision)
        }
    }
}

extension ReceiptRecord {
    init(_ receipt: Receipt, kind: RevisionKind) {
        self.init(dossierId: receipt.dossierId, revision: receipt.revision, kind: kind.rawValue, volunteerId: receipt.volunteerId,
                  contentSHA256: receipt.contentSHA256, receivedAt: receipt.receivedAt, hubKeyId: receipt.hubKeyId, signature: receipt.signature)
    }

    /// Whether the stored receipt is really signed by the hub this laptop enrolled with.
    public func isSigned(by hubKey: String) -> Bool {
        Receipt(dossierId: dossierId, revision: revision, volunteerId: volunteerId, contentSHA256: contentSHA256,
                receivedAt: receivedAt, hubKeyId: hubKeyId, signature: signature).isSigned(by: hubKey)
    }
}
