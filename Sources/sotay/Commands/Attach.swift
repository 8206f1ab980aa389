import ArgumentParser
import Foundation
import SoTayCore
import SoTayStore

/// `sotay attach DRAFT FILE…`: photos and scans of the resident's papers, linked to a dossier.
struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Đính kèm ảnh chụp hoặc bản quét giấy tờ (JPEG, PNG, PDF) vào một hồ sơ.",
        discussion: """
            Ví dụ: sotay attach 1a2b3c4d ~/Ảnh/giay-chung-sinh.jpg --document giay-chung-sinh
            Sổ Tay xem nội dung tệp, không xem đuôi tên; mỗi tệp được lưu một lần, kể cả khi đính kèm nhiều hồ sơ.
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Mã hồ sơ.", valueName: "mã")) var id: String
    @Argument(help: ArgumentHelp("Một hoặc nhiều tệp ảnh / PDF.", valueName: "tệp")) var files: [String]
    @Option(help: ArgumentHelp("Giấy tờ mà tệp này chụp (mã giấy tờ trong thủ tục; xem bằng: sotay show MÃ-THỦ-TỤC).", valueName: "mã-giấy-tờ"))
    var document: String?
    @Option(help: ArgumentHelp("Tên hiển thị của tệp (chỉ khi đính một tệp).", valueName: "tên")) var label: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Cần ít nhất một tệp. / At least one file is needed.") }
        if label != nil && files.count > 1 { throw ValidationError("--label chỉ dùng khi đính một tệp. / --label works with one file only.") }
    }

    func run() throws {
        let workspace = try Workspace(global)
        let store = try global.openStore(unlock: .required)
        let dossier = try store.dossier(id)
        let procedure = try workspace.procedure(for: dossier)
        let attaching = Attaching(store: store, procedure: procedure, dossier: dossier, render: workspace.render)
        if let document { try attaching.checkDocument(document) }
        if let label, !AttachmentLabel.isValid(label) { throw AttachmentError.invalidLabel(label) }

        var failed = false
        var attachedOne = false
        for file in files {
            do {
                try attaching.attach(path: file, documentId: document, label: label)
                attachedOne = true
            } catch let error as any LocalizedMessage {
                Output.error("✗ " + error.message(workspace.language))
                failed = true
            }
        }
        if let document, attachedOne { try attaching.markPresent(document, today: workspace.today) }
        if try store.dossier(dossier.id).changedSinceReady {
            Output.line(workspace.render.t("Hồ sơ đã đánh dấu gửi trước đó; để gửi kèm tệp mới: sotay drafts ready \(dossier.shortID)",
                                           "The dossier was marked ready before; to send the new files: sotay drafts ready \(dossier.shortID)"))
        }
        if failed { throw ExitCode.failure }
    }
}

/// Attaching one file to one dossier, for `sotay attach` and for a document step of a walk.
struct Attaching {
    let store: Store
    let procedure: Procedure
    let dossier: DossierRecord
    let render: Render

    var documentIDs: [String] {
        procedure.steps.compactMap { step in
            if case .document = step.kind { return step.id }
            return nil
        }
    }

    func checkDocument(_ id: String) throws {
        guard documentIDs.contains(id) else { throw AttachmentError.unknownDocument(id, valid: documentIDs) }
    }

    /// The paper counts as present: the document step is answered "có", as in the walk, with
    /// the dossier's progress recomputed.
    func markPresent(_ documentId: String, today: CalendarDate) throws {
        guard let step = procedure.steps.first(where: { $0.id == documentId }) else { return }
        var answers = try store.answers(of: dossier.id)
        guard answers[documentId] != .bool(true) else { return }
        answers[documentId] = .bool(true)
        let steps = (dossier.intake ? ResidentIntake.steps : []) + procedure.steps
        try store.record(.bool(true), for: step, in: dossier.id, status: Checklist.status(steps: steps, answers: answers))
        Output.line(render.t("✓ Giấy \(render.text(step.text)): đã có.", "✓ Paper \(render.text(step.text)): present."))
    }

    /// Checks and copies the file in, links it, and says so on one line.
    func attach(path: String, documentId: String?, label: String?) throws {
        let source = Self.fileURL(path)
        let blob = try PhotoCopies.importForSending(source, store: store, render: render)
        let name = label ?? Self.label(for: source, kind: blob.kind)
        let document = documentId.flatMap { id in procedure.steps.first { $0.id == id } }.map { render.text($0.text) }
        let target = document.map { render.t(" — giấy: \($0)", " — paper: \($0)") } ?? ""
        let size = Self.megabytes(blob.size)
        switch try store.attach(blob, to: dossier.id, documentId: documentId, label: name) {
        case .added:
            Output.line(render.t("✓ Đã đính kèm \(name) (\(render.text(blob.kind.title)), \(size), mã \(blob.sha256.prefix(8)))\(target)",
                                 "✓ Attached \(name) (\(render.text(blob.kind.title)), \(size), code \(blob.sha256.prefix(8)))\(target)"))
        case .relinked(let existing, _):
            Output.line(render.t("✓ Tệp \(existing.label) đã có trong hồ sơ; nay gắn với giấy: \(document ?? "")",
                                 "✓ \(existing.label) was already attached; it is now linked to the paper: \(document ?? "")"))
        case .alreadyAttached(let existing):
            Output.line(render.t("• Tệp này đã được đính kèm hồ sơ này rồi (\(existing.label)); không thêm lần nữa.",
                                 "• This file is already attached to this dossier (\(existing.label)); not added again."))
        }
    }

    /// Whether a reply at a document step is a file path rather than "có"/"chưa" or a command.
    /// While `typing` (Tab completion), a start like `/`, `~` or `.` is enough.
    static func looksLikePath(_ text: String, typing: Bool = false) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return false }
        if trimmed.hasPrefix("/") || trimmed.hasPrefix("~") || trimmed.hasPrefix("./") || trimmed.hasPrefix("../") || trimmed.contains("/") {
            return true
        }
        if typing { return trimmed.hasPrefix(".") }
        let lowered = trimmed.lowercased()
        return [".jpg", ".jpeg", ".png", ".pdf"].contains { lowered.hasSuffix($0) }
    }

    /// The path as the volunteer typed it, with `~` for the home folder.
    static func fileURL(_ path: String) -> URL {
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        let unquoted = trimmed.count >= 2 && (trimmed.hasPrefix("\"") && trimmed.hasSuffix("\"") || trimmed.hasPrefix("'") && trimmed.hasSuffix("'"))
            ? String(trimmed.dropFirst().dropLast()) : trimmed
        return URL(fileURLWithPath: (unquoted as NSString).expandingTildeInPath)
    }

    /// The file's own name, in NFC, as the label; a name that could not be shown safely
    /// becomes the kind of file.
    static func label(for source: URL, kind: FileKind) -> String {
        let name = source.lastPathComponent.precomposedStringWithCanonicalMapping
        return AttachmentLabel.isValid(name) ? name : kind.rawValue
    }

    static func megabytes(_ bytes: Int64) -> String {
        bytes < 1_000_000 ? "\(max(1, bytes / 1000)) KB" : String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}

/// `sotay settings [KEY [VALUE]]`: the few things a volunteer may want to change.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Xem hoặc đổi cài đặt: attachment-max-mb (dung lượng tối đa một tệp đính kèm, MB, mặc định 15); retention-days (số ngày giữ thông tin cá nhân sau khi xã giải quyết xong hồ sơ, mặc định 30); photo-max-px (cạnh dài của bản ảnh gửi lên xã, mặc định 1600; 0: gửi ảnh gốc); unlocked-minutes (số phút dữ liệu người dân còn mở sau lần dùng cuối, mặc định 15; 0: lần nào cũng hỏi mật khẩu).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Tên cài đặt.", valueName: "tên")) var key: String?
    @Argument(help: ArgumentHelp("Giá trị mới.", valueName: "giá-trị")) var value: String?
    @Flag(help: "Trả về giá trị mặc định.") var reset = false

    func run() throws {
        let render = Render(language: global.language)
        let store = try global.openStore()
        guard let key else {
            for setting in SettingKey.allCases {
                Output.line("\(setting.rawValue) = \(try store.setting(setting) ?? Self.defaultValue(setting))")
            }
            return
        }
        guard let setting = SettingKey(rawValue: key) else {
            throw ValidationError(render.t("Không có cài đặt \"\(key)\". Các cài đặt: \(SettingKey.allCases.map(\.rawValue).joined(separator: ", ")).",
                                           "There is no setting \"\(key)\". Settings: \(SettingKey.allCases.map(\.rawValue).joined(separator: ", "))."))
        }
        if reset {
            try store.setSetting(setting, nil)
        } else if let value {
            switch setting {
            case .attachmentMaxMegabytes:
                guard let megabytes = Int(value), (1...20).contains(megabytes) else {
                    throw ValidationError(render.t("attachment-max-mb phải là số từ 1 đến 20 (máy chủ xã nhận tệp đến 20 MB).",
                                                   "attachment-max-mb must be a number from 1 to 20 (the hub takes files up to 20 MB)."))
                }
                try store.setSetting(setting, String(megabytes))
            case .photoMaxPixels:
                guard let pixels = Int(value), pixels == 0 || (800...8000).contains(pixels) else {
                    throw ValidationError(render.t("photo-max-px phải là 0 (gửi ảnh gốc) hoặc số điểm ảnh từ 800 đến 8000 cho cạnh dài.",
                                                   "photo-max-px must be 0 (send photos as taken) or a number of pixels from 800 to 8000 for the long side."))
                }
                try store.setSetting(setting, String(pixels))
            case .unlockedMinutes:
                guard let minutes = Int(value), (0...SessionKeyring.maximumMinutes).contains(minutes) else {
                    throw ValidationError(render.t("unlocked-minutes phải là số phút từ 0 đến \(SessionKeyring.maximumMinutes) (0: lần nào cũng hỏi cụm mật khẩu).",
                                                   "unlocked-minutes must be a number of minutes from 0 to \(SessionKeyring.maximumMinutes) (0: ask for the passphrase every time)."))
                }
                try store.setSetting(setting, String(minutes))
                // 0 takes effect now: the key kept is dropped (a shorter time applies from the next command).
                if minutes == 0 { store.forgetSession() }
            case .retentionDays:
                guard let days = Int(value), (0...365).contains(days) else {
                    throw ValidationError(render.t("retention-days phải là số ngày từ 0 đến 365 (0: xóa ngay khi xã giải quyết xong).",
                                                   "retention-days must be a number of days from 0 to 365 (0: erase as soon as the commune closes the dossier)."))
                }
                try store.setSetting(setting, String(days))
            }
        }
        Output.line("\(setting.rawValue) = \(try store.setting(setting) ?? Self.defaultValue(setting))")
    }

    static func defaultValue(_ setting: SettingKey) -> String {
        switch setting {
        case .attachmentMaxMegabytes: String(BlobFolder.defaultMaxBytes / 1_000_000)
        case .retentionDays: String(Store.defaultRetentionDays)
        case .photoMaxPixels: String(PhotoCopies.defaultMaxPixels)
        case .unlockedMinutes: String(SessionKeyring.defaultMinutes)
        }
    }
}
