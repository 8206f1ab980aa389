/// Where one of the volunteer's dossiers stands, in the five words the volunteer uses: nháp,
/// sẵn sàng gửi, đã gửi, cần bổ sung, xong. Decided from what the laptop knows; no I/O.
public enum DossierProgress: String, Sendable, Hashable, CaseIterable, Codable {
    /// Being filled in, or changed since it was marked ready.
    case draft
    /// Marked ready; waiting for the commune hub.
    case readyToSend = "ready"
    /// The hub has the latest revision.
    case sent
    /// The commune sent it back for more (a supplement is needed).
    case needsSupplement = "needs-supplement"
    /// The commune closed it (completed, rejected or withdrawn).
    case done

    /// The hub's closing statuses, as `SoTayWire.DossierStatus` spells them.
    static let closedHubStatuses: Set<String> = ["completed", "rejected", "withdrawn"]

    /// - Parameters:
    ///   - revision: the latest revision marked ready (0: never).
    ///   - sentRevision: the latest revision the hub confirmed.
    ///   - changedSinceReady: answers or papers changed after the last marking.
    ///   - hubStatus: the commune's status as the hub last said it (its wire spelling).
    public init(revision: Int, sentRevision: Int, changedSinceReady: Bool, hubStatus: String?) {
        if let hubStatus, Self.closedHubStatuses.contains(hubStatus) {
            self = .done
        } else if revision == 0 {
            self = .draft
        } else if sentRevision < revision {
            self = .readyToSend
        } else if hubStatus == "needs-supplement" {
            self = .needsSupplement
        } else if changedSinceReady {
            self = .draft
        } else {
            self = .sent
        }
    }

    public var title: LocalizedText {
        switch self {
        case .draft: LocalizedText(vi: "nháp", en: "draft")
        case .readyToSend: LocalizedText(vi: "sẵn sàng gửi", en: "ready to send")
        case .sent: LocalizedText(vi: "đã gửi", en: "sent")
        case .needsSupplement: LocalizedText(vi: "cần bổ sung", en: "needs a supplement")
        case .done: LocalizedText(vi: "xong", en: "done")
        }
    }
}
