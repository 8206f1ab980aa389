import SoTayWire

// The repositories' outcomes as the HTTP routes answer them: the one place a domain outcome
// becomes a status code and a message.

extension EnrolOutcome {
    /// The device and its volunteer, or 403 `invalid_code`.
    func enrolled() throws -> (HubDevice, HubVolunteer) {
        switch self {
        case .enrolled(let device, let volunteer): return (device, volunteer)
        case .invalidCode:
            throw Refusal(403, .invalidCode, "This enrolment code is wrong, already used or expired. Ask the commune admin for a new one.")
        }
    }
}

extension DossierOutcome {
    /// The reply and whether it was stored now (201) or before (200); a refusal otherwise.
    func accepted() throws -> (DossierAccepted, created: Bool) {
        switch self {
        case .stored(let reply): return (reply, true)
        case .repeated(let reply): return (reply, false)
        case .ownedByAnother: throw Refusal(403, .forbidden, "This dossier belongs to another volunteer.")
        case .revisionConflict(let revision):
            throw Refusal(409, .revisionConflict, "Revision \(revision) is already stored with different content. Send the change as a new revision.")
        case .staleRevision(let revision, let latest):
            throw Refusal(409, .staleRevision, "Revision \(revision) is older than the hub's latest (\(latest)). Nothing was stored.")
        case .missingBlobs(let missing):
            throw Refusal(422, .missingBlobs, "The dossier names \(missing.count) attachment(s) the hub does not hold. Upload them, then send the same revision again. Nothing was stored.",
                          missing: missing)
        }
    }
}

extension ActivitiesOutcome {
    func reply() throws -> ActivityBatchReply {
        switch self {
        case .stored(let reply): return reply
        case .ownedByAnother(let id): throw Refusal(403, .forbidden, "Activity \(id) belongs to another volunteer; nothing was stored.")
        }
    }
}
