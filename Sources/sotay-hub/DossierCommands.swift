import ArgumentParser
import Foundation
import SoTayCore
import SoTayHub
import SoTayWire

extension DossierStatus: ExpressibleByArgument {}

struct Dossiers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Hồ sơ các tình nguyện viên đã gửi lên: xem, đổi trạng thái.",
                                                    subcommands: [List.self, Show.self, SetStatus.self])

    struct Item: Encodable {
        var id: String
        var volunteerId: Int64
        var volunteer: String
        var procedureId: String
        var residentName: String?
        var village: String
        var commune: String
        var status: DossierStatus
        var reason: String?
        var portalCode: String?
        var latestRevision: Int
        var receivedAt: Date
        var updatedAt: Date

        init(_ dossier: HubDossier, volunteer: String?) {
            id = dossier.id
            volunteerId = dossier.volunteerId
            self.volunteer = volunteer ?? ""
            procedureId = dossier.procedureId
            residentName = dossier.residentName
            village = dossier.village
            commune = dossier.commune
            status = dossier.status
            reason = dossier.reason
            portalCode = dossier.portalCode
            latestRevision = dossier.latestRevision
            receivedAt = dossier.receivedAt
            updatedAt = dossier.updatedAt
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Danh sách hồ sơ, mới nhất trước.")
        @OptionGroup var options: HubOptions
        @Option(help: ArgumentHelp("Chỉ trạng thái này: \(DossierStatus.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "trạng-thái"))
        var status: DossierStatus?
        @Option(help: ArgumentHelp("Chỉ hồ sơ của xã này (máy chủ tỉnh nhiều xã).", valueName: "tên-xã")) var commune: String?
        @Flag(help: "In dạng JSON.") var json = false

        func run() async throws {
            let (options, status, commune) = (options, status, commune)
            let items = try await options.withRepository { store in
                let dossiers = try await store.dossiers(status: status, commune: commune)
                // The list shows residents' names: one audit row per dossier shown, before it is.
                let named = dossiers.filter { $0.residentName != nil }.map(\.id)
                if !named.isEmpty { try await store.appendAudit(options.localActor, .dossierList, dossierIDs: named, blobSHA256: nil, volunteerID: nil, now: Date()) }
                let names = Dictionary(try await store.volunteers().map { ($0.id ?? 0, $0.name) }, uniquingKeysWith: { first, _ in first })
                return dossiers.map { Item($0, volunteer: names[$0.volunteerId]) }
            }
            if json { return try printJSON(items) }
            guard !items.isEmpty else { return print(options.t("Không có hồ sơ nào.", "No dossiers.")) }
            for item in items {
                let supplement = item.latestRevision > 1 ? options.t(" · lần gửi \(item.latestRevision)", " · revision \(item.latestRevision)") : ""
                print("  \(item.id.prefix(8))  \(item.residentName ?? "—") · \(item.procedureId) · \(item.status.rawValue)\(supplement)")
                print("            \(item.volunteer) · \(item.village) · " + options.t("nhận \(vietnamTime(item.receivedAt))", "received \(vietnamTime(item.receivedAt))"))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xem một hồ sơ: trạng thái, các lần gửi, câu trả lời.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Mã hồ sơ (đủ 4 ký tự đầu trở lên).", valueName: "mã")) var id: String
        @Flag(help: "In dạng JSON.") var json = false
        @Option(help: ArgumentHelp("Giải mã các tệp đính kèm ra thư mục này (quyền 600) để mở bằng trình xem ảnh / PDF.", valueName: "thư-mục"))
        var export: String?

        struct Detail: Encodable {
            var dossier: Item
            var revisions: [Revision]
            var attachments: [Attachment]
        }

        /// A photo or scan of the latest revision; `path` is its opened copy, with `--export`.
        struct Attachment: Encodable {
            var document: String?
            var mediaType: String
            var size: Int64
            var sha256: String
            var path: String?
        }

        struct Revision: Encodable {
            var revision: Int
            var kind: RevisionKind
            var deviceId: String
            var receivedAt: String
            var contentSHA256: String
            var content: DossierUpload?
            /// Sent by another device than the first revision's.
            var otherDevice: Bool
        }

        func run() async throws {
            let (options, key, export) = (options, id, export)
            let folder = export.map { URL(fileURLWithPath: $0) }
            if let folder { try Blobs.makeFolder(folder, options: options) }
            let (item, revisions, attachments) = try await options.withRepository { store in
                let dossier = try await store.dossier(key)
                try await store.appendAudit(options.localActor, .dossierShow, dossierIDs: [dossier.id], blobSHA256: nil, volunteerID: nil, now: Date())
                let decoder = WireProtocol.decoder()
                let stored = try await store.revisions(of: dossier.id)
                let creator = stored.first?.deviceId
                let revisions = stored.map { revision in
                    Revision(revision: revision.revision, kind: revision.kind, deviceId: revision.deviceId, receivedAt: revision.receivedAt,
                             contentSHA256: revision.contentSHA256, content: try? decoder.decode(DossierUpload.self, from: Data(revision.body.utf8)),
                             otherDevice: revision.deviceId != creator)
                }
                let item = Item(dossier, volunteer: try await store.volunteerName(dossier.volunteerId))
                var attachments: [Attachment] = []
                for attachment in revisions.last?.content?.attachments ?? [] {
                    let copy = folder.map { Blobs.exportName(attachment.sha256, mediaType: attachment.mediaType, document: attachment.document, in: $0) }
                    if let copy {
                        try await store.appendAudit(options.localActor, .attachmentDownload, dossierIDs: [dossier.id], blobSHA256: attachment.sha256,
                                                    volunteerID: nil, now: Date())
                        try await store.exportBlob(sha256: attachment.sha256, to: copy)
                    }
                    attachments.append(Attachment(document: attachment.document, mediaType: attachment.mediaType, size: attachment.size,
                                                  sha256: attachment.sha256, path: copy?.path))
                }
                return (item, revisions, attachments)
            }
            if json { return try printJSON(Detail(dossier: item, revisions: revisions, attachments: attachments)) }
            print("\(item.id)")
            print("  " + options.t("Người dân", "Resident") + ": \(item.residentName ?? "—") · " + options.t("thủ tục", "procedure") + ": \(item.procedureId)")
            print("  " + options.t("Tình nguyện viên", "Volunteer") + ": \(item.volunteer) · \(item.village), \(item.commune)")
            print("  " + options.t("Trạng thái", "Status") + ": \(item.status.rawValue)" + (item.reason.map { " — \($0)" } ?? "")
                  + (item.portalCode.map { options.t(" · mã hồ sơ trên cổng: \($0)", " · portal code: \($0)") } ?? ""))
            for revision in revisions {
                let kind = revision.kind == .original ? options.t("bản đầu", "original") : options.t("bổ sung", "supplement")
                print("  " + options.t("Lần gửi", "Revision") + " \(revision.revision) (\(kind)) · " + options.t("nhận", "received") + " \(WireDate.date(revision.receivedAt).map(vietnamTime) ?? revision.receivedAt) · sha256 \(revision.contentSHA256.prefix(12))"
                  + (revision.otherDevice ? options.t(" · ⚠ gửi từ máy \(revision.deviceId), không phải máy đã tạo hồ sơ: kiểm tra lại",
                                                      " · ⚠ sent from device \(revision.deviceId), not the one that created the dossier: check it") : ""))
            }
            if let latest = revisions.last?.content {
                print("  " + options.t("Câu trả lời (lần gửi mới nhất):", "Answers (latest revision):"))
                for (key, value) in latest.answers.sorted(by: { $0.key < $1.key }) {
                    print("    \(key): \(value.display(for: nil, options.language))")
                }
            }
            if !attachments.isEmpty {
                print("  " + (export == nil ? options.t("Tệp đính kèm (được mã hóa; xem: thêm --export THƯ-MỤC):", "Attachments (sealed; to view: add --export FOLDER):")
                                            : options.t("Tệp đính kèm (mở bằng trình xem ảnh / PDF):", "Attachments (open with an image / PDF viewer):")))
                for attachment in attachments {
                    let paper = attachment.document ?? options.t("giấy tờ khác", "other paper")
                    print("    \(paper) · \(attachment.mediaType) · \(attachment.size / 1000) KB · " + (attachment.path ?? "sha256 \(attachment.sha256.prefix(12))"))
                }
            }
        }
    }

    struct SetStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-status", abstract: "Đổi trạng thái một hồ sơ; tình nguyện viên nhận được ở lần đồng bộ tới.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Mã hồ sơ.", valueName: "mã")) var id: String
        @Argument(help: ArgumentHelp("received, submitted, needs-supplement, completed, rejected hoặc withdrawn (người dân rút hồ sơ).", valueName: "trạng-thái")) var status: DossierStatus
        @Option(name: .customLong("portal-code"), help: ArgumentHelp("Mã hồ sơ trên Cổng dịch vụ công.", valueName: "mã")) var portalCode: String?
        @Option(help: ArgumentHelp("Lý do (bắt buộc với needs-supplement và rejected).", valueName: "lý-do")) var reason: String?

        func run() async throws {
            let (options, key, status, portalCode, reason) = (options, id, status, portalCode, reason)
            let dossier = try await options.withRepository { store in
                let dossier = try await store.setStatus(key, to: status, portalCode: portalCode, reason: reason, now: Date())
                try await store.appendAudit(options.localActor, .statusChange, dossierIDs: [dossier.id], blobSHA256: nil, volunteerID: nil, now: Date())
                return dossier
            }
            print(options.t("Hồ sơ \(dossier.id.prefix(8)): \(dossier.status.rawValue). Tình nguyện viên sẽ nhận ở lần đồng bộ tới.",
                            "Dossier \(dossier.id.prefix(8)): \(dossier.status.rawValue). The volunteer gets it at the next sync."))
        }
    }
}
