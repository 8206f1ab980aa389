import Foundation
import SoTayCore
import SoTayStore

/// How procedures, steps and summaries read on the terminal.
struct Render {
    let language: Language

    func t(_ vi: String, _ en: String) -> String { language == .vi ? vi : en }

    func text(_ text: LocalizedText) -> String { text.text(language) }

    /// "Còn 3 tháng" style freshness warning, or nil when the checklist is recent enough.
    func staleWarning(_ procedure: Procedure, today: CalendarDate, maxAgeMonths: Int) -> String? {
        guard let oldest = procedure.oldestCheck, oldest.adding(months: maxAgeMonths) < today else { return nil }
        return t("⚠ Thông tin này được kiểm tra lần cuối ngày \(oldest.vietnamese), đã quá \(maxAgeMonths) tháng. Hãy hỏi lại cán bộ bộ phận một cửa trước khi làm theo.",
                 "⚠ This checklist was last checked on \(oldest.vietnamese), more than \(maxAgeMonths) months ago. Confirm it at the one-stop counter first.")
    }

    func fee(_ procedure: Procedure, province: Province?) -> String {
        var line = text(procedure.fee.text)
        if procedure.fee.provinceDependent {
            if let local = province?.fees[procedure.id] {
                line += "\n" + t("Mức phí tại \(province?.name ?? ""): ", "Fee in \(province?.name ?? ""): ") + text(local)
            } else {
                line += "\n" + t("Mức phí do HĐND tỉnh quyết định: hỏi cán bộ một cửa mức phí ở tỉnh mình.",
                                 "The province's People's Council sets this fee: ask the one-stop counter for your province's amount.")
            }
        }
        return line
    }

    func codes(_ procedure: Procedure) -> String? {
        guard !procedure.codes.isEmpty else { return nil }
        return procedure.codes.map { code in
            code.verified ? code.code : code.code + t(" (chưa xác minh trên trang chính thức)", " (not verified on an official page)")
        }.joined(separator: ", ")
    }

    /// The whole procedure, for `sotay show`.
    func procedure(_ procedure: Procedure, pack: ContentPack, province: Province?, today: CalendarDate, maxAgeMonths: Int) -> String {
        var out: [String] = []
        out.append("═══ \(text(procedure.title)) ═══")
        if let warning = staleWarning(procedure, today: today, maxAgeMonths: maxAgeMonths) { out.append(warning) }
        out.append(t("Mã: ", "Id: ") + procedure.id + (codes(procedure).map { t(" · Mã TTHC: ", " · National code: ") + $0 } ?? ""))
        out.append(t("Lĩnh vực: ", "Field: ") + text(procedure.field.title) + " · " + text(procedure.level.title))
        out.append(t("Nơi giải quyết: ", "Authority: ") + text(procedure.authority))
        out.append(t("Cách nộp: ", "Channels: ") + procedure.channels.map { text(procedure.place($0)) }.joined(separator: "; "))
        out.append(t("Lệ phí: ", "Fee: ") + fee(procedure, province: province))
        out.append(t("Thời gian: ", "Time: ") + text(procedure.processingTime))
        out.append(t("Kết quả: ", "Result: ") + text(procedure.result))
        let documents = procedure.steps.filter { if case .document = $0.kind { true } else { false } }
        if !documents.isEmpty {
            out.append("")
            out.append(t("Giấy tờ cần chuẩn bị:", "Papers to prepare:"))
            for step in documents {
                let note = step.condition == nil ? "" : t(" (tùy trường hợp)", " (in some cases)")
                let optional = step.isRequired ? "" : t(" (không bắt buộc)", " (optional)")
                out.append("  - \(text(step.text))\(note)\(optional)")
            }
        }
        let allActions = Dictionary(grouping: procedure.steps.compactMap { step -> (Channel, Step)? in
            if case .action(let channel) = step.kind { (channel, step) } else { nil }
        }, by: \.0)
        if !allActions.isEmpty {
            out.append("")
            out.append(t("Các bước:", "Steps:"))
            for channel in Channel.allCases {
                guard let steps = allActions[channel] else { continue }
                out.append("  \(text(procedure.place(channel))):")
                for (number, step) in steps.enumerated() {
                    let note = step.1.condition == nil ? "" : t(" (tùy trường hợp)", " (in some cases)")
                    out.append("    \(number + 1). \(text(step.1.text))\(note)")
                }
            }
        }
        out += list(t("Lưu ý để hồ sơ không bị trả lại:", "Pitfalls that get a dossier returned:"), procedure.pitfalls.map(text))
        out += list(t("Cần hỏi cán bộ một cửa để xác nhận:", "To confirm at the one-stop counter:"), procedure.toConfirm.map(text))
        let guides = procedure.guides.compactMap { pack.guide($0) }
        out += list(t("Xem thêm:", "See also:"), guides.map { "\(text($0.title)) (sotay show \($0.id))" })
        out += list(t("Căn cứ pháp lý:", "Legal basis:"), procedure.legalBasis)
        out += list(t("Nguồn (ngày kiểm tra):", "Sources (date checked):"), procedure.sources.map(source))
        if let province, !province.notes.isEmpty {
            out += list(t("Riêng \(province.name):", "In \(province.name):"), province.notes.map(text))
        }
        return out.joined(separator: "\n")
    }

    /// A source with the day it was checked, and the day it was published when the content gives it.
    func source(_ source: Source) -> String {
        let published = source.published.map { t("đăng \($0.vietnamese); kiểm tra ", "published \($0.vietnamese); checked ") } ?? ""
        return "\(source.title)\(source.url.map { " — \($0)" } ?? "") (\(published)\(source.checked.vietnamese))"
    }

    func guide(_ guide: SoTayCore.Guide) -> String {
        var out = ["═══ \(text(guide.title)) ═══"]
        out += guide.body.map { "\n" + text($0) }
        out += list(t("Nguồn (ngày kiểm tra):", "Sources (date checked):"), guide.sources.map(source))
        return out.joined(separator: "\n")
    }

    func list(_ title: String, _ items: [String]) -> [String] {
        guard !items.isEmpty else { return [] }
        return ["", title] + items.map { "  - \($0)" }
    }

    /// The closing summary of a walk: what the resident has, what is missing, what to do next.
    func summary(_ procedure: Procedure, status: ChecklistStatus, draftID: String?, residentName: String?, province: Province?) -> String {
        var out: [String] = []
        out.append("")
        out.append("═══ " + t("Tóm tắt", "Summary") + ": \(text(procedure.title)) ═══")
        let who = residentName.map { " · \($0)" } ?? ""
        let what = draftID.map { t("Hồ sơ nháp ", "Draft ") + $0 } ?? t("Không lưu hồ sơ", "No dossier kept")
        out.append(what + who + " · " + t("đủ \(status.percent)%", "\(status.percent)% complete"))
        if !status.documentsHave.isEmpty {
            out.append(t("Đã có:", "Has:"))
            out += status.documentsHave.map { "  ✓ \(text($0.text))" }
        }
        if !status.documentsMissing.isEmpty || !status.documentsOptionalMissing.isEmpty {
            out.append(t("Còn thiếu (cần chuẩn bị):", "Missing (to prepare):"))
            out += status.documentsMissing.map { "  ✗ \(text($0.text))" }
            out += status.documentsOptionalMissing.map { "  ○ \(text($0.text))" + t(" (không bắt buộc)", " (optional)") }
        }
        let unansweredQuestions = status.unansweredRequired.filter { $0.question != nil }
        if !unansweredQuestions.isEmpty {
            out.append(t("Chưa trả lời:", "Not answered yet:"))
            out += unansweredQuestions.map { "  ? \(text($0.text))" }
        }
        if !status.actions.isEmpty {
            out.append(t("Việc tiếp theo:", "What to do next:"))
            for group in status.actions {
                out.append("  \(text(procedure.place(group.channel))):")
                out += group.steps.enumerated().map { "    \($0.offset + 1). \(text($0.element.text))" }
            }
        }
        out.append(t("Lệ phí: ", "Fee: ") + fee(procedure, province: province))
        out.append(t("Thời gian: ", "Time: ") + text(procedure.processingTime))
        out.append(t("Kết quả nhận được: ", "The resident receives: ") + text(procedure.result))
        out += list(t("Lưu ý để hồ sơ không bị trả lại:", "Pitfalls that get a dossier returned:"), procedure.pitfalls.map(text))
        out += list(t("Cần hỏi cán bộ một cửa để xác nhận:", "To confirm at the one-stop counter:"), procedure.toConfirm.map(text))
        return out.joined(separator: "\n")
    }

    func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = .vietnam
        formatter.locale = Locale(identifier: "vi_VN")
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        return formatter.string(from: date)
    }
}
