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
