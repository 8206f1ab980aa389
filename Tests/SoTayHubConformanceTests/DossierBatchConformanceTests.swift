import Foundation
@testable import SoTayHub
import SoTayWire
import Testing

/// `storeDossiers`, the batch behind `POST /v1/dossiers`: each revision of a batch gets the
/// outcome its own `storeDossier` would have, whatever the others beside it, on both stores.
@Suite("Conformance: a batch of dossier revisions")
struct DossierBatchConformanceTests {
    static func item(_ upload: DossierUpload) throws -> DossierBatchItem {
        DossierBatchItem(upload: upload, body: String(decoding: try WireProtocol.encoder().encode(upload), as: UTF8.self))
    }

    @Test(arguments: Backend.enabled)
    func eachRevisionOfABatchIsAnsweredAsItsOwnRequestWouldBe(_ backend: Backend) async throws {
        let me = try await HubRepositoryConformanceTests.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let repository = me.hub.repository
        let device = me.device
        let now = Date()

        // What the hub holds before: one dossier at revision 1, one at revision 3, one of another volunteer's.
        let held = DossierUpload.sample()
        guard case .stored(let heldAccepted) = try await repository.storeDossier(held, body: try Self.item(held).body, device: device, now: now) else {
            Issue.record("setup: not stored"); return
        }
        var later = DossierUpload.sample()
        later.revision = 3
        _ = try await repository.storeDossier(later, body: try Self.item(later).body, device: device, now: now)
        let (_, otherDevice, _) = try await HubRepositoryConformanceTests.enrol(repository, name: "Lê Văn Cường")
        let theirs = DossierUpload.sample()
        _ = try await repository.storeDossier(theirs, body: try Self.item(theirs).body, device: otherDevice, now: now)

        // A photo this volunteer has uploaded, for a new dossier that names it.
        let uploads = try me.hub.uploads()
        let photo = Data((0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) })
        let photoHash = HubUploadConformanceTests.sha256(photo)
        let created = try await uploads.createUpload(length: Int64(photo.count), sha256: photoHash, device: device, lifetime: 3600, quota: UploadQuota(), now: now)
        try photo.write(to: uploads.partURL(created.id))
        _ = try await uploads.completeUpload(try await uploads.recordOffset(created.id, offset: Int64(photo.count), lifetime: 3600, now: now), now: now)

        let fresh = DossierUpload.sample(name: "Phạm Thị Mai")
        var withHeldPhoto = DossierUpload.sample()
        withHeldPhoto.attachments = [AttachmentRef(sha256: photoHash, size: Int64(photo.count), mediaType: "image/jpeg", document: nil)]
        var withMissingPhoto = DossierUpload.sample()
        withMissingPhoto.attachments = [AttachmentRef(sha256: String(repeating: "ef", count: 32), size: 10, mediaType: "image/jpeg", document: nil)]
        var clash = held
        clash.satisfiedCount = 3
        var supplement = held
        supplement.revision = 2
        var stale = later
        stale.revision = 2
        var notMine = theirs
        notMine.revision = 2
        // `held` itself is not in the batch: `clash` is its revision 1 with other bytes.
        let batch = try [fresh, withHeldPhoto, withMissingPhoto, clash, stale, notMine].map(Self.item)
        let outcomes = try await repository.storeDossiers(batch, device: device, now: now)
        try #require(outcomes.count == batch.count)
        guard case .stored(let freshAccepted) = outcomes[0], case .stored(let photoAccepted) = outcomes[1] else {
            Issue.record("the new dossiers were not stored: \(outcomes)"); return
        }
        #expect(freshAccepted.kind == .original && freshAccepted.receipt.contentSHA256 == Hashes.sha256Hex(Data(batch[0].body.utf8)))
        #expect(freshAccepted.receipt.isSigned(by: repository.signingKey.publicKey) && photoAccepted.receipt.isSigned(by: repository.signingKey.publicKey))
        #expect(outcomes[2] == .missingBlobs([String(repeating: "ef", count: 32)]))
        #expect(outcomes[3] == .revisionConflict(revision: 1))
        #expect(outcomes[4] == .staleRevision(revision: 2, latest: 3))
        #expect(outcomes[5] == .ownedByAnother)
        #expect(try await repository.findDossierState(withMissingPhoto.id, device: device) == nil)
        #expect(try await repository.dossier(fresh.id).residentName == "Phạm Thị Mai")

        // The same dossiers again, the clash now a supplement: what was stored is answered with its
        // receipt, the refusals are the same, the supplement is stored beside revision 1.
        let again = try await repository.storeDossiers(try [fresh, withHeldPhoto, withMissingPhoto, supplement, stale, notMine].map(Self.item),
                                                       device: device, now: now.addingTimeInterval(9))
        #expect(Array(again.prefix(3)) == [.repeated(freshAccepted), .repeated(photoAccepted), outcomes[2]])
        #expect(Array(again.suffix(2)) == Array(outcomes.suffix(2)))
        guard case .stored(let supplementAccepted) = again[3] else { Issue.record("the supplement was not stored: \(again[3])"); return }
        #expect(supplementAccepted.kind == .supplement)
        #expect(try await repository.revisions(of: held.id).map(\.revision) == [1, 2])
        #expect(try await repository.storeDossiers([try Self.item(held)], device: device, now: now) == [.repeated(heldAccepted)])
        #expect(try await repository.storeDossiers([], device: device, now: now).isEmpty)
    }

    /// A laptop's batch retried while the first try is still being stored, through two serve
    /// processes: every dossier is stored once, and every copy gets the same receipt. Half the
    /// copies list the dossiers backwards. (PostgreSQL inserts a batch's rows in id order so that
    /// two such batches cannot deadlock; with that order taken out, 10 runs of this test, at
    /// 16 × 4 and at 64 × 8, met no deadlock, so the order rests on reasoning, not on this test.)
    @Test(arguments: Backend.enabled)
    func theSameBatchArrivingFourTimesAtOnceStoresEachDossierOnce(_ backend: Backend) async throws {
        let me = try await HubRepositoryConformanceTests.enrolled(backend)
        defer { Task { await me.hub.close() } }
        let repository = me.hub.repository
        let device = me.device
        let batch = try (0..<16).map { _ in try Self.item(DossierUpload.sample()) }
        let copies = try await withThrowingTaskGroup(of: [DossierOutcome].self) { group in
            for copy in 0..<4 {
                group.addTask {
                    let sent = copy % 2 == 0 ? batch : batch.reversed()
                    let outcomes = try await repository.storeDossiers(sent, device: device, now: Date())
                    return copy % 2 == 0 ? outcomes : outcomes.reversed()
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for (index, item) in batch.enumerated() {
            let answers = copies.map { $0[index] }
            let stored = answers.compactMap { if case .stored(let accepted) = $0 { accepted } else { nil } }
            let repeated = answers.compactMap { if case .repeated(let accepted) = $0 { accepted } else { nil } }
            #expect(stored.count == 1 && repeated.count == 3, "dossier \(index): \(answers)")
            #expect(repeated.allSatisfy { $0.receipt == stored.first?.receipt })
            #expect(try await repository.revisions(of: item.upload.id).map(\.body) == [item.body])
        }
    }
}
