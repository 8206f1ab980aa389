import ArgumentParser
import Foundation
import SoTayContent
import SoTayCore
import SoTayStore

/// `sotay log …`: the outreach activity log. Each entry is on disk (and queued for the hub)
/// before the command prints that it was written.
struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Nhật ký hoạt động: ghi việc đã làm (đến hộ, hướng dẫn, tập huấn, tuyên truyền…), xem, huỷ.",
        discussion: """
            Mỗi lệnh ghi một mục, ngay lập tức, kể cả khi không có mạng; lần đồng bộ sau sẽ gửi lên xã.
            Ví dụ:
              sotay log visit --count 5
              sotay log guidance --procedure dang-ky-khai-sinh --outcome vneid --payment free --satisfaction 5
              sotay log training --topic "Bình dân học vụ số: cài VNeID" --participants 25
              sotay log communication --channel loudspeaker --topic "Cảnh báo cuộc gọi giả công an"
              sotay log list --month 2026-11
              sotay log undo 1a2b3c4d
            """,
        subcommands: [Visit.self, Guidance.self, VNeID.self, Payment.self, Training.self, Communication.self, ScamWarning.self,
                      List.self, Undo.self])

    /// What every kind of entry can say: when, where, for whom, and a note.
    struct Common: ParsableArguments {
        @Option(help: ArgumentHelp("Thôn nơi làm việc (mặc định: thôn của bạn).", valueName: "thôn"))
        var village: String?

        @Option(help: ArgumentHelp("Ngày giờ (giờ Việt Nam): 2026-11-03, \"03/11/2026 14:30\", hôm qua. Mặc định: bây giờ.", valueName: "ngày"))
        var at: String?

        @Option(help: ArgumentHelp("Người dân trên máy: mã, số điện thoại hoặc họ tên (xem: sotay drafts show).", valueName: "người-dân"))
        var resident: String?

        @Option(help: ArgumentHelp("Ghi chú ngắn. Không ghi mật khẩu, mã OTP hay số giấy tờ.", valueName: "ghi-chú"))
        var notes: String?
    }

    // MARK: - The kinds

    struct Visit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "visit", abstract: "Đến hộ gia đình (mỗi hộ một mục).", aliases: ["tham-ho"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var common: Common
        @Option(help: ArgumentHelp("Số hộ đã đến (ghi bấy nhiêu mục một lần; 1–200).", valueName: "số-hộ")) var count = 1

        func run() throws {
            guard ActivityRules.households.contains(count) else { throw LogError.badNumber(field: "--count", range: ActivityRules.households) }
            let context = try LogContext(global, common)
            let entries = (0..<count).map { _ in context.entry(.visit) }
            try context.save(entries)
        }
    }

    struct Guidance: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "guidance", abstract: "Hướng dẫn một người dân làm một thủ tục, và kết quả.", aliases: ["huong-dan"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var common: Common
        @Option(help: ArgumentHelp("Mã thủ tục (xem: sotay procedures).", valueName: "mã-thủ-tục")) var procedure: String
        @Option(help: ArgumentHelp("Kết quả: vneid (đã nộp trên VNeID), portal (đã nộp trên Cổng DVC quốc gia), in-person (sẽ nộp trực tiếp), not-yet (chưa nộp được).",
                                   valueName: "kết-quả")) var outcome: String
        @Option(help: ArgumentHelp("Khi chưa nộp được: missing-papers, no-level2, no-smartphone, no-network, system-error, declined, other.", valueName: "lý-do"))
        var reason: String?
        @Option(help: ArgumentHelp("Lệ phí: online (trả trực tuyến), cash (tiền mặt), free (không mất phí).", valueName: "cách-trả")) var payment: String?
        @Flag(name: .customLong("outside-commune"), help: "Người dân thường trú ở xã khác (nộp phi địa giới).") var outsideCommune = false
        @Option(help: ArgumentHelp("Mức hài lòng của người dân, 1–5.", valueName: "1-5")) var satisfaction: String?
        @Option(help: ArgumentHelp("Mã hồ sơ nháp liên quan.", valueName: "mã-hồ-sơ")) var dossier: String?

        func run() throws {
            let context = try LogContext(global, common)
            let procedure = try context.workspace.procedure(self.procedure)
            var entry = context.entry(.guidance)
            entry.procedureId = procedure.id
            let answers = try GuidanceAnswers.parse(outcome: outcome, reason: reason, payment: payment, satisfaction: satisfaction,
                                                    outsideCommune: outsideCommune)
            answers.apply(to: &entry)
            if let dossier {
                let record = try context.store.dossier(dossier)
                entry.dossierId = record.id
                entry.residentId = entry.residentId ?? record.residentId
            }
            try context.save([entry])
        }
    }

    struct VNeID: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "vneid", abstract: "Hỗ trợ kích hoạt tài khoản VNeID mức 2 (mỗi tài khoản một mục).", aliases: ["kich-hoat"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var common: Common

        func run() throws {
            let context = try LogContext(global, common)
            try context.save([context.entry(.vneid)])
        }
    }

    struct Payment: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "payment", abstract: "Hỗ trợ thanh toán trực tuyến (phí, lệ phí, hoá đơn).", aliases: ["thanh-toan"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var common: Common
        @Option(help: ArgumentHelp("Mã thủ tục, nếu là lệ phí của một thủ tục.", valueName: "mã-thủ-tục")) var procedure: String?

        func run() throws {
            let context = try LogContext(global, common)
            var entry = context.entry(.payment)
            entry.procedureId = try procedure.map { try context.workspace.procedure($0).id }
            try context.save([entry])
        }
    }

    struct Training: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "training", abstract: "Buổi tập huấn kỹ năng số (\"Bình dân học vụ số\" và khác).", aliases: ["tap-huan"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var common: Common
        @Option(help: ArgumentHelp("Chủ đề buổi tập huấn.", valueName: "chủ-đề")) var topic: String
        @Option(help: ArgumentHelp("Số người tham dự (1–10000).", valueName: "số-người")) var participants: Int

        func run() throws {
            guard ActivityRules.trainingParticipants.contains(participants) else { throw LogError.badNumber(field: "--participants", range: ActivityRules.trainingParticipants) }
            let context = try LogContext(global, common)
            var entry = context.entry(.training)
            entry.topic = try LogText.check(topic, field: "--topic", allowNaming: true)
            entry.participants = participants
            try context.save([entry])
        }
    }

    struct Communication: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "communication", abstract: "Tuyên truyền: loa truyền thanh, nhóm Zalo, họp thôn.", aliases: ["tuyen-truyen"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var common: Common
        @Option(help: ArgumentHelp("Kênh: loudspeaker (loa), zalo, meeting (họp thôn), other.", valueName: "kênh")) var channel: String
        @Option(help: ArgumentHelp("Nội dung tuyên truyền.", valueName: "nội-dung")) var topic: String?
        @Option(help: ArgumentHelp("Số người nghe hoặc trong nhóm, nếu biết.", valueName: "số-người")) var participants: Int?

        func run() throws {
            guard let channel = ActivityInput.choice(channel, CommunicationChannel.self, aliases: ActivityInput.channelAliases) else {
                throw LogError.notOneOf(field: "--channel", value: channel, allowed: CommunicationChannel.allCases.map { ($0.rawValue, $0.label) })
            }
            if let participants, !ActivityRules.peopleReached.contains(participants) { throw LogError.badNumber(field: "--participants", range: ActivityRules.peopleReached) }
            let context = try LogContext(global, common)
            var entry = context.entry(.communication)
            entry.channel = channel.rawValue
            entry.topic = try topic.map { try LogText.check($0, field: "--topic", allowNaming: true) }
            entry.participants = participants
            try context.save([entry])
        }
    }

    struct ScamWarning: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "scam-warning", abstract: "Cảnh báo lừa đảo cho người dân.", aliases: ["canh-bao"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var common: Common
        @Option(help: ArgumentHelp("Số người được cảnh báo, nếu nhiều người cùng lúc.", valueName: "số-người")) var participants: Int?
        @Option(help: ArgumentHelp("Cảnh báo về điều gì (được ghi chữ OTP, mật khẩu; không ghi mã số).", valueName: "nội-dung")) var topic: String?

        func run() throws {
            if let participants, !ActivityRules.peopleReached.contains(participants) { throw LogError.badNumber(field: "--participants", range: ActivityRules.peopleReached) }
            // A scam warning is about the OTP and the password: its notes may name them.
            let context = try LogContext(global, common, allowNamingInNotes: true)
            var entry = context.entry(.scamWarning)
            entry.participants = participants
            entry.topic = try topic.map { try LogText.check($0, field: "--topic", allowNaming: true) }
            try context.save([entry])
        }
    }

    // MARK: - Reading and taking back

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Các mục nhật ký của một tháng (mặc định tháng này).")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Tháng, dạng YYYY-MM (giờ Việt Nam).", valueName: "YYYY-MM")) var month: String?
        @Option(help: ArgumentHelp("Trang (1: \(pageSize) mục mới nhất; 2: \(pageSize) mục trước đó…). JSON in cả tháng nếu không có --page.", valueName: "số"))
        var page: Int?
        @Flag(help: "In cả tháng, không chia trang.") var all = false
        @Flag(help: "In dạng JSON.") var json = false

        /// One screen of entries.
        static let pageSize = 50

        struct Item: Encodable {
            var id: String
            var shortId: String
            var kind: String
            var occurredAt: Date
            var village: String
            var procedureId: String?
            var dossierId: String?
            var residentId: String?
            var outcome: String?
            var reason: String?
            var payment: String?
            var channel: String?
            var outsideCommune: Bool
            var topic: String?
            var participants: Int?
            var satisfaction: Int?
            var notes: String?
            var notesLocked: Bool?
            var undone: Bool

            /// What `printJSON` of the items prints, without `JSONEncoder` (see `ListJSON`).
            static func json(_ items: [Item]) -> Data {
                var list = ListJSON(capacity: items.count * 400)
                for item in items {
                    list.begin()
                    list.field("channel", item.channel)
                    list.field("dossierId", item.dossierId)
                    list.field("id", item.id)
                    list.field("kind", item.kind)
                    list.field("notes", item.notes)
                    list.field("notesLocked", item.notesLocked)
                    list.field("occurredAt", item.occurredAt)
                    list.field("outcome", item.outcome)
                    list.field("outsideCommune", item.outsideCommune)
                    list.field("participants", item.participants)
                    list.field("payment", item.payment)
                    list.field("procedureId", item.procedureId)
                    list.field("reason", item.reason)
                    list.field("residentId", item.residentId)
                    list.field("satisfaction", item.satisfaction)
                    list.field("shortId", item.shortId)
                    list.field("topic", item.topic)
                    list.field("undone", item.undone)
                    list.field("village", item.village)
                    list.end()
                }
                return list.finished()
            }
        }

        func run() throws {
            // A listing reads the procedures its entries name, not the whole library.
            let render = Render(language: global.language)
            let month = try MonthOption.parse(month)
            if let page, page < 1 { throw ValidationError("--page: từ 1 trở lên.") }
            var store = try global.openStore()
            // A screen at a time by default (a month can hold tens of thousands); JSON and --all, the month.
            let paged = !all && (page != nil || !json)
            func load() throws -> (entries: [ActivityRecord], page: ActivityPage?) {
                guard paged else { return (try store.activities(in: month), nil) }
                let shown = try store.activityPage(in: month, number: page ?? 1, size: Self.pageSize)
                return (shown.entries, shown)
            }
            var (entries, shown) = try load()
            // Notes are sealed: shown with the passphrase (asked only when there is one to open).
            if entries.contains(where: \.hasLockedNote) {
                store = try Passphrase.unlock(store, need: .optional, render: render)
                if store.isUnlocked { (entries, shown) = try load() }
            }
            let locked = render.t("(đã khóa)", "(locked)")
            if json {
                FileHandle.standardOutput.write(Item.json(entries.map { entry in
                    Item(id: entry.id, shortId: entry.shortID, kind: entry.kind, occurredAt: entry.occurredAt, village: entry.village,
                         procedureId: entry.procedureId, dossierId: entry.dossierId, residentId: entry.residentId, outcome: entry.outcome,
                         reason: entry.reason, payment: entry.payment, channel: entry.channel, outsideCommune: entry.outsideCommune,
                         topic: entry.topic, participants: entry.participants, satisfaction: entry.satisfaction,
                         notes: entry.hasLockedNote ? locked : entry.notes, notesLocked: entry.hasLockedNote ? true : nil,
                         undone: entry.undoneAt != nil)
                }))
                return
            }
            guard !entries.isEmpty else {
                Output.line(render.t("Chưa có mục nhật ký nào trong tháng \(month.vietnamese). Ghi bằng: sotay log visit (xem: sotay log --help)",
                                     "No log entries in \(month.vietnamese). Log with: sotay log visit (see: sotay log --help)"))
                return
            }
            let procedures = global.listedProcedures(entries.compactMap(\.procedureId))
            var text = ""
            for entry in entries {
                text += "  \(entry.shortID)  " + LogLines.describe(entry, render: render) { procedures[$0] }
                if let notes = entry.notes {
                    text += render.t(" · ghi chú: ", " · note: ") + notes
                } else if entry.hasLockedNote {
                    text += render.t(" · ghi chú: ", " · note: ") + locked
                }
                text += "\n"
            }
            Output.write(text)
            let counted = shown?.counted ?? entries.filter { $0.undoneAt == nil }.count
            Output.line("")
            if let shown, shown.count > 1 {
                var line = render.t("Trang \(shown.number)/\(shown.count) (\(shown.total) mục, mới nhất ở trang 1)", "Page \(shown.number)/\(shown.count) (\(shown.total) entries, the newest on page 1)")
                if shown.number < shown.count {
                    line += render.t(" · các mục trước: sotay log list --month \(month) --page \(shown.number + 1)", " · earlier: sotay log list --month \(month) --page \(shown.number + 1)")
                }
                Output.line(line + render.t(" · cả tháng: --all", " · the whole month: --all"))
            }
            Output.line(render.t("\(counted) mục được tính trong tháng \(month.vietnamese). Báo cáo: sotay report --month \(month) · Huỷ một mục: sotay log undo MÃ",
                                 "\(counted) entries count in \(month.vietnamese). Report: sotay report --month \(month) · Undo one: sotay log undo ID"))
        }
    }

    struct Undo: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Huỷ một mục ghi nhầm (mục vẫn còn trong sổ, đánh dấu đã huỷ, không được tính).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Mã mục nhật ký (đủ 4 ký tự đầu trở lên; xem: sotay log list).", valueName: "mã")) var id: String

        func run() throws {
            let workspace = try Workspace(global)
            let store = try global.openStore()
            let entry = try store.undoActivity(id)
            Output.line(workspace.render.t("✓ Đã huỷ mục \(entry.shortID): \(LogLines.describe(entry, workspace: workspace)). Xã sẽ được báo ở lần đồng bộ sau.",
                                           "✓ Undone \(entry.shortID): \(LogLines.describe(entry, workspace: workspace)). The commune hears of it at the next sync."))
        }
    }
}

/// What every entry command needs: the store, the profile, and the common options read and checked.
struct LogContext {
    let workspace: Workspace
    private(set) var store: Store
    let profile: VolunteerProfile
    let occurredAt: Date
    let village: String
    let residentID: String?
    let notes: String?

    /// `allowNamingInNotes`: a scam warning's notes may name the OTP it warned about.
    init(_ global: GlobalOptions, _ common: Log.Common, allowNamingInNotes: Bool = false, now: Date = Date()) throws {
        workspace = try Workspace(global)
        var store = try global.openStore()
        profile = try Profiles.require(store: store, workspace: workspace, interactive: false)
        if let at = common.at {
            guard let instant = ActivityInput.instant(at, now: now) else { throw LogError.badDate(at) }
            guard ActivityRules.isPast(instant, now: now) else { throw LogError.futureDate(at) }
            guard instant >= now.addingTimeInterval(-400 * 86_400) else { throw LogError.tooOld(at) }
            occurredAt = instant
        } else {
            occurredAt = now
        }
        village = try common.village.map { try LogText.check($0, field: "--village", limit: 200) } ?? profile.village
        if let query = common.resident {
            let found = try ResidentQuery.resolve(query, store: store, render: workspace.render)
            (residentID, store) = (found.id, found.store)
        } else {
            residentID = nil
        }
        notes = try common.notes.map { try LogText.check($0, field: "--notes", allowNaming: allowNamingInNotes) }
        // A note is sealed as it is written: it needs the passphrase, once one is set. An entry
        // without a note is written locked (a script, a timer).
        if notes != nil, try store.hasPassphrase() {
            store = try Passphrase.unlock(store, need: .required, render: workspace.render)
        }
        self.store = store
    }

    func entry(_ kind: ActivityKind) -> ActivityRecord {
        ActivityRecord(kind: kind.rawValue, occurredAt: occurredAt, village: village, residentId: residentID, notes: notes)
    }

    /// Writes the entries (all or none) and says what was written.
    func save(_ entries: [ActivityRecord]) throws {
        try store.logActivities(entries)
        let render = workspace.render
        guard let first = entries.first else { return }
        if entries.count == 1 {
            Output.line(render.t("✓ Đã ghi: \(LogLines.describe(first, workspace: workspace)) · mã \(first.shortID) (ghi nhầm thì: sotay log undo \(first.shortID))",
                                 "✓ Logged: \(LogLines.describe(first, workspace: workspace)) · id \(first.shortID) (if wrong: sotay log undo \(first.shortID))"))
        } else {
            Output.line(render.t("✓ Đã ghi \(entries.count) mục: \(LogLines.describe(first, workspace: workspace))",
                                 "✓ Logged \(entries.count) entries: \(LogLines.describe(first, workspace: workspace))"))
            for entry in entries { Output.line("  \(entry.shortID)") }
        }
    }
}

/// The end of a guided procedure: outcome, why not yet, fee, phi địa giới, satisfaction.
struct GuidanceAnswers {
    var outcome: GuidanceOutcome?
    var reason: NotYetReason?
    var payment: PaymentWay?
    var outsideCommune = false
    var satisfaction: Int?

    static func parse(outcome: String, reason: String?, payment: String?, satisfaction: String?, outsideCommune: Bool) throws -> GuidanceAnswers {
        var answers = GuidanceAnswers(outsideCommune: outsideCommune)
        guard let parsed = ActivityInput.choice(outcome, GuidanceOutcome.self, aliases: ActivityInput.outcomeAliases) else {
            throw LogError.notOneOf(field: "--outcome", value: outcome, allowed: GuidanceOutcome.allCases.map { ($0.rawValue, $0.label) })
        }
        answers.outcome = parsed
        if let reason {
            guard parsed == .notYet else { throw LogError.reasonWithoutNotYet }
            guard let value = ActivityInput.choice(reason, NotYetReason.self, aliases: ActivityInput.reasonAliases) else {
                throw LogError.notOneOf(field: "--reason", value: reason, allowed: NotYetReason.allCases.map { ($0.rawValue, $0.label) })
            }
            answers.reason = value
        }
        if let payment {
            guard let value = ActivityInput.choice(payment, PaymentWay.self, aliases: ActivityInput.paymentAliases) else {
                throw LogError.notOneOf(field: "--payment", value: payment, allowed: PaymentWay.allCases.map { ($0.rawValue, $0.label) })
            }
            answers.payment = value
        }
        if let satisfaction {
            guard let score = ActivityInput.satisfaction(satisfaction) else { throw LogError.badNumber(field: "--satisfaction", range: ActivityRules.satisfaction) }
            answers.satisfaction = score
        }
        return answers
    }

    func apply(to entry: inout ActivityRecord) {
        entry.outcome = outcome?.rawValue
        entry.reason = reason?.rawValue
        entry.payment = payment?.rawValue
        entry.outsideCommune = outsideCommune
        entry.satisfaction = satisfaction
    }
}

/// One line saying what an entry is, for `log list`, confirmations and undo.
enum LogLines {
    static func describe(_ entry: ActivityRecord, workspace: Workspace) -> String {
        describe(entry, render: workspace.render, procedure: workspace.pack.procedure)
    }

    /// `procedure`: the procedure an entry names, looked up by id (`nil`: the id is shown).
    static func describe(_ entry: ActivityRecord, render: Render, procedure: (String) -> Procedure?) -> String {
        var parts = [render.date(entry.occurredAt), ActivityKind(rawValue: entry.kind).map { render.text($0.label) } ?? entry.kind]
        if let id = entry.procedureId { parts.append(procedure(id).map { render.text($0.title) } ?? id) }
        if let outcome = entry.outcome.flatMap(GuidanceOutcome.init(rawValue:)) {
            var text = render.text(outcome.label)
            if let reason = entry.reason.flatMap(NotYetReason.init(rawValue:)) { text += " (\(render.text(reason.label)))" }
            parts.append(text)
        }
        if let payment = entry.payment.flatMap(PaymentWay.init(rawValue:)) { parts.append(render.text(payment.label)) }
        if entry.outsideCommune { parts.append(render.t("phi địa giới", "outside the commune")) }
        if let channel = entry.channel.flatMap(CommunicationChannel.init(rawValue:)) { parts.append(render.text(channel.label)) }
        if let topic = entry.topic { parts.append("“\(topic)”") }
        if let participants = entry.participants { parts.append(render.t("\(participants) người", "\(participants) people")) }
        if let satisfaction = entry.satisfaction { parts.append(render.t("hài lòng \(satisfaction)/5", "satisfaction \(satisfaction)/5")) }
        parts.append(entry.village)
        var line = parts.joined(separator: " · ")
        if entry.undoneAt != nil { line += render.t("  (đã huỷ)", "  (undone)") }
        return line
    }
}

/// Free text the volunteer types into the log: trimmed, NFC, one line, not too long.
enum LogText {
    /// Free text of the log. Nothing that looks like a VNeID password or OTP is kept; text that
    /// warns about them (`allowNaming`: topics, a scam warning's notes) may name them ("Cảnh báo:
    /// không đọc mã OTP cho người lạ") but still never carry a code.
    static func check(_ text: String, field: String, limit: Int = 500, allowNaming: Bool = false) throws -> String {
        let cleaned = text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !cleaned.isEmpty else { throw LogError.emptyText(field: field) }
        guard cleaned.count <= limit else { throw LogError.tooLong(field: field, limit: limit) }
        guard !cleaned.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { throw LogError.controlCharacters(field: field) }
        if CredentialGuard.looksLikeCredential(cleaned, allowNaming: allowNaming) { throw LogError.credential(field: field) }
        guard !CredentialGuard.containsPersonalNumber(cleaned) else { throw LogError.personalNumber(field: field) }
        return cleaned
    }
}

/// `--month`: `YYYY-MM`, or this month in Vietnam when absent.
enum MonthOption {
    static func parse(_ text: String?, now: Date = Date()) throws -> ReportMonth {
        guard let text else { return ReportMonth(containing: now) }
        guard let month = ReportMonth(text) else { throw LogError.badMonth(text) }
        return month
    }
}

enum LogError: Error, LocalizedMessage {
    case badDate(String)
    case futureDate(String)
    case tooOld(String)
    case badMonth(String)
    case badNumber(field: String, range: ClosedRange<Int>)
    case notOneOf(field: String, value: String, allowed: [(String, LocalizedText)])
    case reasonWithoutNotYet
    case emptyText(field: String)
    case tooLong(field: String, limit: Int)
    case controlCharacters(field: String)
    case credential(field: String)
    case personalNumber(field: String)

    func message(_ language: Language) -> String {
        let nothing = pick(language, vi: " Không có gì được ghi.", en: " Nothing was logged.")
        switch self {
        case .badDate(let text):
            return pick(language, vi: "Ngày \"\(text)\" không đọc được. Viết như 2026-11-03, \"03/11/2026 14:30\" hoặc \"hôm qua\".",
                        en: "Cannot read the date \"\(text)\". Write it like 2026-11-03, \"03/11/2026 14:30\" or \"yesterday\".") + nothing
        case .futureDate(let text):
            return pick(language, vi: "Ngày \"\(text)\" còn ở tương lai. Nhật ký chỉ ghi việc đã làm.",
                        en: "\"\(text)\" is in the future. The log records work already done.") + nothing
        case .tooOld(let text):
            return pick(language, vi: "Ngày \"\(text)\" đã quá một năm. Kiểm tra lại năm.", en: "\"\(text)\" is more than a year ago. Check the year.") + nothing
        case .badMonth(let text):
            return pick(language, vi: "Tháng \"\(text)\" không đúng. Viết dạng YYYY-MM, ví dụ 2026-11.", en: "Month \"\(text)\" is not valid. Write YYYY-MM, e.g. 2026-11.")
        case .badNumber(let field, let range):
            return pick(language, vi: "\(field) phải là số từ \(range.lowerBound) đến \(range.upperBound).",
                        en: "\(field) must be a number from \(range.lowerBound) to \(range.upperBound).") + nothing
        case .notOneOf(let field, let value, let allowed):
            let list = allowed.map { "\($0.0) (\($0.1.text(language)))" }.joined(separator: ", ")
            return pick(language, vi: "\(field) \"\(value)\" không có. Chọn một trong: \(list).", en: "\(field) \"\(value)\" is not known. Choose one of: \(list).") + nothing
        case .reasonWithoutNotYet:
            return pick(language, vi: "--reason chỉ dùng khi kết quả là not-yet (chưa nộp được).", en: "--reason only goes with the outcome not-yet.") + nothing
        case .emptyText(let field):
            return pick(language, vi: "\(field) đang trống.", en: "\(field) is empty.") + nothing
        case .tooLong(let field, let limit):
            return pick(language, vi: "\(field) dài quá \(limit) ký tự; hãy viết ngắn lại.", en: "\(field) is longer than \(limit) characters; shorten it.") + nothing
        case .controlCharacters(let field):
            return pick(language, vi: "\(field) có ký tự điều khiển; chỉ gõ chữ trên một dòng.", en: "\(field) has control characters; type plain text on one line.") + nothing
        case .credential(let field):
            return "\(field): " + ValidationFailure.looksLikeCredential.message(language) + nothing
        case .personalNumber(let field):
            return pick(language, vi: "\(field) có một dãy số giống số căn cước hoặc số điện thoại. Nhật ký chỉ ghi việc đã làm, không ghi thông tin cá nhân của người dân; hãy bỏ số đó đi.",
                        en: "\(field) holds a run of digits like an ID card or phone number. The log records the work, not residents' personal data; leave the number out.") + nothing
        }
    }
}
