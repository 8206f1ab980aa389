import ArgumentParser
import Foundation
import SoTayCore
import SoTayStore

struct GuideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guide",
        abstract: "Hướng dẫn người dân làm một thủ tục, từng bước; lưu hồ sơ nháp sau mỗi câu trả lời.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Mã thủ tục (xem: sotay procedures).", valueName: "mã-thủ-tục"))
    var procedureID: String

    @Option(name: .customLong("resident"), help: ArgumentHelp("Làm tiếp cho một người dân đã có trên máy: mã, số điện thoại hoặc họ tên.", valueName: "người-dân"))
    var residentQuery: String?

    @Option(name: .long, help: ArgumentHelp("Tệp JSON {\"mã câu hỏi\": câu trả lời} điền sẵn; chỉ hỏi những câu còn thiếu.", valueName: "tệp"))
    var answers: String?

    @Flag(name: .customLong("no-input"), help: "Không hỏi gì; thoát với lỗi và liệt kê các câu bắt buộc còn thiếu.")
    var noInput = false

    @Flag(help: "Đủ câu trả lời thì đánh dấu sẵn sàng gửi lên xã luôn (không hỏi lại).")
    var ready = false

    @Option(name: .long, help: ArgumentHelp("Người dân đã đồng ý với lời đề nghị phiên bản này (xem: sotay consent); dùng với --no-input.", valueName: "phiên-bản"))
    var consent: String?

    func run() throws {
        let workspace = try Workspace(global)
        let procedure = try workspace.procedure(procedureID)
        var store = try global.openStore()
        let profile = try Profiles.require(store: store, workspace: workspace, interactive: !noInput)
        var resident: String?
        if let query = residentQuery {
            (resident, store) = try ResidentQuery.resolve(query, store: store, render: workspace.render)
        }
        guard let text = workspace.pack.consent else { throw ConsentError.noText }
        let reader = LineReader()
        let given: ConsentGiven?
        if let consent {
            guard consent == text.version else { throw ConsentError.needed(version: text.version) }
            given = ConsentGiven(textVersion: text.version, volunteer: profile.name)
        } else if let resident, try store.hasConsent(residentID: resident, textVersion: text.version) {
            given = ConsentGiven(textVersion: text.version, volunteer: profile.name)
        } else if noInput {
            throw ConsentError.needed(version: text.version)
        } else {
            given = try Consent.ask(pack: workspace.pack, profile: profile, reader: reader, render: workspace.render)
        }
        guard let given else {
            try Walks.anonymous(procedure, store: store, workspace: workspace, profile: profile, reader: reader)
            return
        }
        if noInput || !reader.isInteractive {
            // A script: a clear failure (and its exit code) rather than a walk that keeps nothing.
            store = try Passphrase.unlock(store, need: .required, render: workspace.render)
        } else {
            // A resident is waiting: a missing passphrase is set here, and data that cannot be
            // opened still leaves the guidance, without keeping anything.
            let access = ResidentAccess(store: store, render: workspace.render)
            guard let opened = access.open() else {
                try Walks.anonymous(procedure, store: store, workspace: workspace, profile: profile, reader: reader)
                return
            }
            store = opened
        }
        var session = ChecklistSession(procedure: procedure, residentIntake: resident == nil, today: workspace.today)
        let prefilled = try answers.map { try AnswersFile.read(path: $0, into: &session, render: workspace.render) } ?? []
        if let warning = workspace.render.staleWarning(procedure, today: workspace.today, maxAgeMonths: workspace.maxContentAgeMonths) {
            Output.line(warning)
        }
        let dossier = try store.startDraft(procedureID: procedure.id, packVersion: workspace.pack.version,
                                           residentID: resident, profile: profile, consent: given)
        let finished = session.pendingRequired.isEmpty
        try store.record(prefilled, in: dossier.id, status: session.status, finished: finished && noInput)
        if noInput {
            Output.line(dossier.id)
            guard finished else {
                throw CLIError.missingAnswers(draft: dossier.shortID, steps: session.pendingRequired.map { ($0.id, workspace.render.text($0.text)) })
            }
            if ready { try ReadyMarking.mark(try store.dossier(dossier.id), store: store, workspace: workspace) }
            return
        }
        let probe = BackgroundSync.start(store)
        defer { probe.stop() }
        var walk = GuidedWalk(session: session, dossier: dossier, store: store, reader: reader,
                              render: workspace.render, province: workspace.province(for: profile))
        if try walk.run() == .finished {
            if ready {
                try ReadyMarking.mark(try store.dossier(dossier.id), store: store, workspace: workspace)
            } else {
                try Walks.offerReady(dossier.id, store: store, workspace: workspace, reader: reader)
            }
            try SessionLog.record(dossier.id, store: store, workspace: workspace, reader: reader)
        }
        Output.line(workspace.render.t("Mã hồ sơ nháp: ", "Draft id: ") + dossier.id)
    }
}

/// Reads an answers file into a session: every value checked as if typed, all or nothing.
enum AnswersFile {
    /// One value of the file; anything that is not a plain answer is `.invalid`.
    private enum Value: Decodable {
        case input(AnswerInput)
        case invalid

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) {
                self = .input(.bool(bool))
            } else if let number = try? container.decode(Int.self) {
                self = .input(.number(number))
            } else if let text = try? container.decode(String.self) {
                self = .input(.text(text))
            } else if let list = try? container.decode([String].self) {
                self = .input(.list(list))
            } else if let numbers = try? container.decode([Int].self) {
                self = .input(.list(numbers.map(String.init)))
            } else {
                self = .invalid
            }
        }
    }

    static func read(path: String, into session: inout ChecklistSession, render: Render) throws -> [(Step, AnswerValue)] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.answersFileUnreadable(path) }
        guard let object = try? JSONDecoder().decode([String: Value].self, from: data) else {
            throw CLIError.answersFileNotObject(path)
        }
        let stepIDs = Set(session.steps.filter(\.asks).map(\.id))
        let unknown = object.keys.filter { !stepIDs.contains($0) }.sorted()
        guard unknown.isEmpty else { throw CLIError.answersUnknownKeys(unknown) }

        var accepted: [(Step, AnswerValue)] = []
        var problems: [(id: String, reason: ValidationFailure)] = []
        // In step order, so conditions and cross-checks see the earlier answers.
        for step in session.steps where step.asks {
            guard let value = object[step.id] else { continue }
            guard Checklist.applies(step, answers: session.answers) else {
                Output.error(render.t("Bỏ qua \(step.id): không áp dụng cho hồ sơ này.", "Ignored \(step.id): does not apply to this dossier."))
                continue
            }
            guard case .input(let input) = value else {
                problems.append((step.id, .empty))
                continue
            }
            switch session.prefill(input, for: step.id) {
            case .success(let answer): accepted.append((step, answer))
            case .failure(let reason): problems.append((step.id, reason))
            }
        }
        guard problems.isEmpty else { throw CLIError.answersInvalid(problems) }
        return accepted
    }
}
