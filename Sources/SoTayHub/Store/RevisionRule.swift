import Foundation
import SoTayWire

/// What the hub does with an incoming revision of a dossier. Pure: the store asks, then acts.
///
/// The volunteer owns a dossier's content and numbers its revisions; the hub never merges.
/// A revision it has already stored is answered the same way again (a resend after a dropped
/// connection); a new number above the latest is kept beside the earlier ones.
enum RevisionRule {
    enum Decision: Equatable {
        /// Store it: the first revision is the original, every later one a supplement.
        case store(RevisionKind)
        /// Already stored with exactly these bytes: answer with the stored receipt.
        case repeated
        /// Below the latest and not one the hub has: an old copy, refused.
        case stale(latest: Int)
        /// The same number with different content: refused, the client must number anew.
        case conflict
    }

    /// - Parameters:
    ///   - incoming: the revision number and content hash of the request.
    ///   - stored: the hash the hub holds for that same number, if any.
    ///   - latest: the latest revision the hub holds, or nil for a dossier it has never seen.
    static func decide(revision: Int, contentSHA256: String, stored: String?, latest: Int?) -> Decision {
        if let stored {
            return stored == contentSHA256 ? .repeated : .conflict
        }
        guard let latest else { return .store(.original) }
        return revision > latest ? .store(.supplement) : .stale(latest: latest)
    }
}

/// What a stored revision needs and no row decides: the receipt's signature and the sealed name
/// and body. Both stores make it before their transaction, where requests run side by side,
/// rather than while holding the one writer (SQLite) or a dossier's lock (PostgreSQL); a resend
/// that turns out to be `repeated` throws it away.
struct PreparedRevision {
    let receivedAt: Date
    let receipt: Receipt
    /// The resident's name sealed, when this revision gives one.
    let residentName: String?
    let sealedBody: String

    init(_ upload: DossierUpload, body: String, contentSHA256: String, device: HubDevice, now: Date, key: HubSigningKey, sealer: Sealer) throws {
        receivedAt = WireDate.truncated(now)
        receipt = try key.receipt(dossierID: upload.id, revision: upload.revision, volunteerID: String(device.volunteerId),
                                  contentSHA256: contentSHA256, receivedAt: receivedAt)
        if case .text(let name) = upload.answers["resident_name"] {
            residentName = try sealer.seal(name, at: .residentName(dossier: upload.id))
        } else {
            residentName = nil
        }
        sealedBody = try sealer.seal(body, at: .revisionBody(dossier: upload.id, revision: upload.revision))
    }
}
