import ArgumentParser
import Foundation
import SoTayCore
import SoTayStore
import SoTaySync
import SoTayReports

/// The home menu: what `sotay` with no arguments opens.
struct Home: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "home", abstract: "Thực đơn chính (mở khi chạy \"sotay\" không kèm gì).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let workspace = try Workspace(global)
        let render = workspace.render
        let opened = try global.openStore()
        let reader = LineReader()
        let profile = try Profiles.require(store: opened, workspace: workspace, interactive: true)
        let access = ResidentAccess(store: opened, render: render)
        // First start: the passphrase is set in the same flow as the profile. Later starts ask
        // for it once, here, for the whole session; Enter skips (names stay hidden).
        if try opened.hasPassphrase() { access.unlockIfWanted() } else { access.setUpIfMissing() }
        // The probe syncs with the store as opened: sealed dossiers go only with the passphrase.
        var probe = BackgroundSync.start(access.store)
        defer { probe.stop() }
        Output.line("")
        Output.line("Sổ Tay — " + render.t("Tổ công nghệ số cộng đồng", "Community digital technology team") + " · \(profile.name) · \(profile.village), \(profile.commune)")
        while true {
            let store = access.store
            if store.isUnlocked && !probe.opensResidentsData {
                // Opened later in the session (a walk asked for it): dossiers can go now too.
                probe.stop()
                probe = BackgroundSync.start(store)
            }
            let draftCount = try store.draftCount()
            Output.line("")
            InstalledContent.showUnseen(dataDirectory: store.directory, render: render)
            if let summary = try? store.syncSummary(announcements: 0) {
                for line in StatusLines.lines(summary, render: render, verbose: false, reachable: probe.snapshot.reachable) { Output.line(line) }
            }
            Output.line("  1. " + render.t("Hướng dẫn thủ tục mới", "Guide a new procedure"))
            Output.line("  2. " + render.t("Hồ sơ nháp (\(draftCount))", "Drafts (\(draftCount))"))
            Output.line("  3. " + render.t("Tìm thủ tục", "Search procedures"))
            Output.line("  4. " + render.t("Ghi nhật ký hoạt động", "Log an activity"))
            Output.line("  5. " + render.t("Báo cáo tháng này", "This month's report"))
            Output.line("  6. " + render.t("Thoát", "Quit"))
            guard let choice = reader.read(prompt: render.t("Chọn 1–6: ", "Choose 1–6: "), completions: ["1", "2", "3", "4", "5", "6"]) else { return }
            switch Folding.fold(choice) {
            case "1":
                try newGuide(workspace: workspace, access: access, profile: profile, reader: reader)
            case "2":
                try drafts(workspace: workspace, access: access, reader: reader)
            case "3":
                try search(workspace: workspace, access: access, profile: profile, reader: reader)
            case "4":
                try logActivity(workspace: workspace, store: store, profile: profile, reader: reader)
            case "5":
                try monthReport(workspace: workspace, store: store, profile: profile)
            case "6", "thoat", "quit", "q":
                Output.line(render.t("Tạm biệt!", "Goodbye!"))
                return
            default:
                Output.line("  ✗ " + render.t("Hãy gõ một số từ 1 đến 6.", "Please type a number from 1 to 6."))
            }
        }
    }

    /// Asks for words, shows the best matches, and lets the volunteer pick one by number.
    private func pickProcedure(workspace: Workspace, reader: LineReader) -> Procedure? {
        let render = workspace.render
        let names = workspace.pack.procedures.map { render.text($0.title) }
        guard let query = reader.read(prompt: render.t("Thủ tục gì? (gõ vài chữ, Tab để gợi ý): ", "Which procedure? (a few words, Tab to complete): "),
                                      completions: names),
              !query.trimmingCharacters(in: .whitespaces).isEmpty
        else { return nil }
        if let exact = workspace.pack.procedures.first(where: { Folding.fold(render.text($0.title)) == Folding.fold(query) || $0.id == query }) {
            return exact
        }
        let hits = workspace.searchIndex.search(query, limit: 8).compactMap { workspace.pack.procedure($0.entry.id) }
        guard !hits.isEmpty else {
            Output.line("  ✗ " + render.t("Không tìm thấy. Thử từ khác, ví dụ \"khai sinh\".", "Nothing found. Try other words, e.g. \"khai sinh\"."))
            return nil
        }
        for (number, procedure) in hits.enumerated() {
            Output.line("  \(number + 1). \(render.text(procedure.title))")
        }
        guard let line = reader.read(prompt: render.t("Chọn số (Enter để quay lại): ", "Choose a number (Enter to go back): ")),
              let number = Int(line.trimmingCharacters(in: .whitespaces)), hits.indices.contains(number - 1)
        else { return nil }
        return hits[number - 1]
    }

    private func newGuide(workspace: Workspace, access: ResidentAccess, profile: VolunteerProfile, reader: LineReader) throws {
        guard let procedure = pickProcedure(workspace: workspace, reader: reader) else { return }
        try Walks.start(procedure, access: access, workspace: workspace, profile: profile, reader: reader)
    }

    /// Shows a procedure (a screen at a time), then offers to guide it: not a dead end.
    private func search(workspace: Workspace, access: ResidentAccess, profile: VolunteerProfile, reader: LineReader) throws {
        let render = workspace.render
        guard let procedure = pickProcedure(workspace: workspace, reader: reader) else { return }
        Pager.show(render.procedure(procedure, pack: workspace.pack, province: workspace.province(for: profile),
                                    today: workspace.today, maxAgeMonths: workspace.maxContentAgeMonths),
                   reader: reader, render: render)
        guard let line = reader.read(prompt: render.t("Hướng dẫn thủ tục này? (có / Enter để quay lại) ", "Guide this procedure? (yes / Enter to go back) "),
                                     completions: render.language == .vi ? ["có", "không"] : ["yes", "no"]),
              case .success(.bool(true)) = AnswerParser(today: workspace.today).parseYesNo(.text(line))
        else { return }
        try Walks.start(procedure, access: access, workspace: workspace, profile: profile, reader: reader)
    }

    private func drafts(workspace: Workspace, access: ResidentAccess, reader: LineReader) throws {
        let render = workspace.render
        let store = access.store
        let drafts = try store.drafts(limit: 20)
        guard !drafts.isEmpty else {
            Output.line("  " + render.t("Chưa có hồ sơ nháp nào.", "No drafts yet."))
            return
        }
        for (number, draft) in drafts.enumerated() {
            let title = workspace.pack.procedure(draft.dossier.procedureId).map { render.text($0.title) } ?? draft.dossier.procedureId
            let name = draft.residentName ?? DraftNames.missing(locked: !store.isUnlocked, render: render)
            Output.line("  \(number + 1). \(name) · \(title) · \(render.text(draft.dossier.progress.title)) · \(draft.dossier.percent)% · \(render.date(draft.dossier.updatedAt))")
        }
        guard let line = reader.read(prompt: render.t("Số hồ sơ để làm tiếp (Enter để quay lại): ", "Number to continue (Enter to go back): ")),
              let number = Int(line.trimmingCharacters(in: .whitespaces)), drafts.indices.contains(number - 1)
        else { return }
        guard let opened = access.open() else { return }
        try Walks.resume(drafts[number - 1].dossier, store: opened, workspace: workspace, reader: reader)
    }

    /// Logs one activity of today, asking only what its kind needs.
    private func logActivity(workspace: Workspace, store: Store, profile: VolunteerProfile, reader: LineReader) throws {
        let render = workspace.render
        let kinds = ActivityKind.logged
        Output.line(render.t("Ghi việc gì (hôm nay, ở \(profile.village))?", "What to log (today, in \(profile.village))?"))
        for (number, kind) in kinds.enumerated() { Output.line("  \(number + 1). \(render.text(kind.label))") }
        guard let kind = SessionLog.ask(reader, render.t("Chọn 1–\(kinds.count) (Enter để quay lại): ", "Choose 1–\(kinds.count) (Enter to go back): "),
                                        completions: (1...kinds.count).map(String.init), render: render,
                                        parse: { ActivityInput.choice($0, ActivityKind.self, aliases: ActivityInput.kindAliases).flatMap { $0 == .undo ? nil : $0 } })
        else { return }
        var entries = [ActivityRecord(kind: kind.rawValue, occurredAt: Date(), village: profile.village)]
        func number(_ prompt: String, _ range: ClosedRange<Int>) -> Int? {
            SessionLog.ask(reader, prompt, completions: [], render: render) { Int($0).flatMap { range.contains($0) ? $0 : nil } }
        }
        func text(_ prompt: String) -> String? {
            SessionLog.ask(reader, prompt, completions: [], render: render) { try? LogText.check($0, field: "", allowNaming: true) }
        }
        switch kind {
        case .visit:
            let count = number(render.t("Số hộ đã đến (Enter: 1): ", "Households visited (Enter: 1): "), ActivityRules.households) ?? 1
            entries = (0..<count).map { _ in ActivityRecord(kind: kind.rawValue, occurredAt: entries[0].occurredAt, village: profile.village) }
        case .guidance:
            guard let procedure = pickProcedure(workspace: workspace, reader: reader) else { return }
            entries[0].procedureId = procedure.id
            SessionLog.askGuidance(reader: reader, workspace: workspace).apply(to: &entries[0])
        case .training:
            guard let topic = text(render.t("Chủ đề buổi tập huấn: ", "Session topic: ")),
                  let participants = number(render.t("Số người tham dự: ", "Participants: "), ActivityRules.trainingParticipants)
            else {
                Output.line(render.t("Chưa ghi: buổi tập huấn cần chủ đề và số người.", "Not logged: a session needs a topic and a number of participants."))
                return
            }
            entries[0].topic = topic
            entries[0].participants = participants
        case .communication:
            let channels = CommunicationChannel.allCases
            Output.line(channels.enumerated().map { "  \($0.offset + 1). \(render.text($0.element.label))" }.joined(separator: "\n"))
            guard let channel = SessionLog.ask(reader, render.t("Kênh 1–\(channels.count): ", "Channel 1–\(channels.count): "), completions: [], render: render,
                                               parse: { ActivityInput.choice($0, CommunicationChannel.self, aliases: ActivityInput.channelAliases) })
            else { return }
            entries[0].channel = channel.rawValue
            entries[0].topic = text(render.t("Nội dung (Enter: bỏ qua): ", "What about (Enter: skip): "))
            entries[0].participants = number(render.t("Số người nghe, nếu biết (Enter: bỏ qua): ", "People reached, if known (Enter: skip): "), ActivityRules.peopleReached)
        case .scamWarning:
            entries[0].participants = number(render.t("Số người được cảnh báo, nếu nhiều người (Enter: bỏ qua): ", "People warned, if several (Enter: skip): "), ActivityRules.peopleReached)
        case .vneid, .payment, .undo:
            break
        }
        try store.logActivities(entries)
        Output.line(render.t("✓ Đã ghi: ", "✓ Logged: ") + (entries.count > 1 ? "\(entries.count) × " : "") + LogLines.describe(entries[0], workspace: workspace))
    }

    /// This month's report, on the screen.
    private func monthReport(workspace: Workspace, store: Store, profile: VolunteerProfile) throws {
        let report = try ReportCommand.build(month: ReportMonth(containing: Date()), workspace: workspace, store: store, profile: profile)
        Output.line("")
        Output.write(TableRenderer.render(report))
        Output.line(workspace.render.t("Ghi ra tệp Excel: sotay report --format xlsx · In ra giấy: sotay report --format html",
                                       "As an Excel file: sotay report --format xlsx · For printing: sotay report --format html"))
    }
}
