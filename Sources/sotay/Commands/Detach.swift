import ArgumentParser
import Foundation
import SoTayCore
import SoTayStore

/// `sotay detach DRAFT ATTACHMENT`: a photo attached by mistake, taken off again.
struct Detach: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Gỡ một tệp đính kèm khỏi hồ sơ (tệp chụp nhầm). Tệp xã đã nhận chỉ gỡ được khi gửi bổ sung: thêm --supplement.",
        discussion: "Tệp gọi bằng mã kiểm tra (8 ký tự đầu trong: sotay drafts show MÃ) hoặc tên tệp.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Mã hồ sơ.", valueName: "mã")) var id: String
    @Argument(help: ArgumentHelp("Tệp: mã kiểm tra (vài ký tự đầu) hoặc tên tệp.", valueName: "tệp")) var attachment: String
    @Flag(help: "Tệp đã gửi lên xã: gỡ ra và đánh dấu hồ sơ sẵn sàng gửi bổ sung (lần gửi mới không có tệp này).") var supplement = false

    func run() throws {
        let workspace = try Workspace(global)
        let render = workspace.render
        let store = try global.openStore(unlock: .required)
        let dossier = try store.dossier(id)
        let attachments = try store.attachments(of: dossier.id)
        let typed = attachment.trimmingCharacters(in: .whitespaces)
        let matches = attachments.filter { item in
            let record = item.attachment
            return (typed.count >= 4 && (record.sha256.hasPrefix(typed.lowercased()) || record.id.hasPrefix(typed.lowercased())))
                || Folding.fold(record.label) == Folding.fold(typed)
        }
        guard let item = matches.first, matches.count == 1 else {
            throw DetachError.noSuchAttachment(typed, draft: dossier.shortID, matches: matches.count)
        }
        let record = item.attachment
        if let revision = item.sentRevision(of: dossier), !supplement {
            throw DetachError.heldByHub(record.label, revision: revision, draft: dossier.shortID, attachment: String(record.sha256.prefix(8)))
        }
        try store.detach(record.id, from: dossier.id)
        Output.line(render.t("✓ Đã gỡ \(record.label) (\(record.sha256.prefix(8))) khỏi hồ sơ \(dossier.shortID).",
                             "✓ Took \(record.label) (\(record.sha256.prefix(8))) off dossier \(dossier.shortID)."))
        if supplement && dossier.revision > 0 {
            try ReadyMarking.mark(try store.dossier(dossier.id), store: store, workspace: workspace)
        }
    }
}

enum DetachError: Error, LocalizedMessage {
    case noSuchAttachment(String, draft: String, matches: Int)
    case heldByHub(String, revision: Int, draft: String, attachment: String)

    func message(_ language: Language) -> String {
        switch self {
        case .noSuchAttachment(let typed, let draft, let matches) where matches > 1:
            pick(language, vi: "Có \(matches) tệp khớp với \"\(typed)\". Gõ thêm ký tự của mã kiểm tra (xem: sotay drafts show \(draft)).",
                 en: "\(matches) files match \"\(typed)\". Type more of the check code (see: sotay drafts show \(draft)).")
        case .noSuchAttachment(let typed, let draft, _):
            pick(language, vi: "Hồ sơ \(draft) không có tệp \"\(typed)\". Xem các tệp và mã kiểm tra: sotay drafts show \(draft)",
                 en: "Dossier \(draft) has no file \"\(typed)\". See its files and check codes: sotay drafts show \(draft)")
        case .heldByHub(let label, let revision, let draft, let attachment):
            pick(language, vi: "Không gỡ \(label): xã đã nhận tệp này trong lần gửi \(revision) và vẫn giữ lần gửi đó. Để gửi bổ sung không có tệp này: sotay detach \(draft) \(attachment) --supplement",
                 en: "\(label) was not taken off: the commune received it in revision \(revision) and keeps that revision. To send a supplement without it: sotay detach \(draft) \(attachment) --supplement")
        }
    }
}
