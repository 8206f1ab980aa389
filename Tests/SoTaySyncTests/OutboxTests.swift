import Foundation
@testable import SoTayCore
import SoTayStore
import SoTaySync
import SoTayWire
import Testing

/// A fresh store with one draft that has a name and one answer.
private struct Draft {
    let folder: URL
    let store: Store
    let id: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "sotay-sync-\(UUID().uuidString)")
        store = try Store.open(directory: folder).setPassphrase("cây bàng đầu ngõ", derivation: KeyDerivation(logN: 10))
        let profile = VolunteerProfile(name: "Nguyễn Văn An", phone: nil, village: "Thôn Đông", commune: "Xã Gia Lộc", province: "Hải Phòng")
        try store.saveProfile(profile)
        let dossier = try store.startDraft(procedureID: "thu-nghiem", packVersion: "1", residentID: nil, profile: profile, consent: ConsentGiven(textVersion: "test", volunteer: profile.name))
        id = dossier.id
        try answer(.text("Trần Văn Bình"), step: ResidentIntake.steps[0])
    }

    func answer(_ value: AnswerValue, step: Step, at now: Date = Date().addingTimeInterval(1)) throws {
        let status = ChecklistStatus(documentsHave: [], documentsMissing: [], documentsOptionalMissing: [], unansweredRequired: [],
                                     actions: [], completeness: 1, requiredCount: 2, satisfiedCount: 2)
        try store.record(value, for: step, in: id, status: status, now: now)
    }

    func payloads() throws -> [DossierUpload] {
        try store.outbox(kind: .dossier).compactMap { item in try item.payload.map { try WireProtocol.decoder().decode(DossierUpload.self, from: $0) } }
    }
}

@Suite("Sync: the outbox")
struct OutboxTests {
    private let note = Step(id: "ghi_chu", kind: .question(Question(type: .text, required: false)), text: LocalizedText(vi: "Ghi chú"))

    @Test("Marking ready queues the dossier with its answers frozen, in the same transaction")
    func markReady() throws {
        let draft = try Draft()
        #expect(try DossierPayload.markReady(draft.id, in: draft.store) == .queued(revision: 1))
        let payloads = try draft.payloads()
        #expect(payloads.count == 1)
        #expect(payloads[0].revision == 1)
        #expect(payloads[0].answers["resident_name"] == .text("Trần Văn Bình"))
        #expect(try draft.store.dossier(draft.id).status == "ready")
        // Nothing changed: marking again does nothing.
        #expect(try DossierPayload.markReady(draft.id, in: draft.store) == .unchanged(revision: 1))
        #expect(try draft.store.outbox().count == 1)
    }

    @Test("A change before any send attempt replaces the queued revision; after an attempt it becomes a new one")
    func revisions() throws {
        let draft = try Draft()
        _ = try DossierPayload.markReady(draft.id, in: draft.store)
        try draft.answer(.text("sửa trước khi gửi"), step: note)
        #expect(try DossierPayload.markReady(draft.id, in: draft.store, now: Date().addingTimeInterval(2)) == .queued(revision: 1))
        #expect(try draft.payloads().map(\.answers["ghi_chu"]) == [.text("sửa trước khi gửi")])

        // The request may have reached the hub: the queued bytes must never change again.
        try draft.store.noteAttempt(try draft.store.outbox().compactMap(\.id))
        try draft.answer(.text("sửa sau khi gửi"), step: note, at: Date().addingTimeInterval(5))
        #expect(try DossierPayload.markReady(draft.id, in: draft.store, now: Date().addingTimeInterval(6)) == .queued(revision: 2))
        let payloads = try draft.payloads()
        #expect(payloads.map(\.revision) == [1, 2])
        #expect(payloads.map(\.answers["ghi_chu"]) == [.text("sửa trước khi gửi"), .text("sửa sau khi gửi")])
    }

    @Test("Deleting a draft takes its unsent revisions out of the outbox")
    func deleteCancels() throws {
        let draft = try Draft()
        _ = try DossierPayload.markReady(draft.id, in: draft.store)
        try draft.store.deleteDraft(draft.id)
        #expect(try draft.store.outbox().isEmpty)
    }

    @Test("A parked item leaves the queue with its reason and no longer counts as waiting")
    func parking() throws {
        let draft = try Draft()
        _ = try DossierPayload.markReady(draft.id, in: draft.store)
        let item = try #require(try draft.store.outbox().first?.id)
        try draft.store.park([item], reason: "400 invalid_field")
        let summary = try draft.store.syncSummary()
        #expect(summary.pending == 0)
        #expect(summary.parked.map(\.parkedReason) == ["400 invalid_field"])
        #expect(try draft.store.unpark() == 1)
        #expect(try draft.store.syncSummary().pending == 1)
    }

    @Test("An activity is written with its outbox row")
    func activity() throws {
        let draft = try Draft()
        try draft.store.logActivity(ActivityRecord(kind: "visit", occurredAt: Date(), village: "Thôn Đông"))
        #expect(try draft.store.syncSummary().pendingActivities == 1)
    }
}
