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
struct PreparedRevision: Sendable {
    let upload: DossierUpload
    /// The SHA-256 of the revision's bytes, which the receipt signs.
    let contentSHA256: String
    let receivedAt: Date
    let receipt: Receipt
    /// The resident's name sealed, when this revision gives one.
    let residentName: String?
    let sealedBody: String

    init(_ upload: DossierUpload, body: String, device: HubDevice, now: Date, key: HubSigningKey, sealer: Sealer) throws {
        self.upload = upload
        let contentSHA256 = Hashes.sha256Hex(Data(body.utf8))
        self.contentSHA256 = contentSHA256
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

    /// The reply for this revision stored now.
    func accepted(kind: RevisionKind, status: DossierStatus) -> DossierAccepted {
        DossierAccepted(dossierId: upload.id, revision: upload.revision, kind: kind, status: status, receipt: receipt)
    }

    /// A batch's revisions prepared side by side (a signature and two sealings each), in order.
    static func all(_ items: [DossierBatchItem], device: HubDevice, now: Date, key: HubSigningKey, sealer: Sealer) async throws -> [PreparedRevision] {
        guard items.count > 1 else {
            return try items.map { try PreparedRevision($0.upload, body: $0.body, device: device, now: now, key: key, sealer: sealer) }
        }
        // In as many slices as the machine has cores: each task signs and seals a run of them.
        let slices = max(1, min(ProcessInfo.processInfo.activeProcessorCount, items.count))
        let size = (items.count + slices - 1) / slices
        return try await withThrowingTaskGroup(of: (Int, [PreparedRevision]).self) { group in
            for start in stride(from: 0, to: items.count, by: size) {
                let slice = items[start..<min(start + size, items.count)]
                group.addTask {
                    (start, try slice.map { try PreparedRevision($0.upload, body: $0.body, device: device, now: now, key: key, sealer: sealer) })
                }
            }
            var done: [(Int, [PreparedRevision])] = []
            for try await slice in group { done.append(slice) }
            return done.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
