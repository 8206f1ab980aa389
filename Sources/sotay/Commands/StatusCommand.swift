import ArgumentParser
import Foundation
import SoTayCore
import SoTayStore
import SoTaySync
import SoTayWire

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Tình trạng đồng bộ: mục chờ gửi, hồ sơ cần bổ sung, thông báo của xã, lần đồng bộ cuối.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "In dạng JSON.") var json = false

    struct Report: Encodable {
        struct Parked: Encodable { var kind: String; var id: String; var revision: Int; var reason: String }
        struct FollowUp: Encodable { var id: String; var procedureId: String; var status: String; var reason: String?; var at: Date? }
        struct Announcement: Encodable { var message: String; var at: Date }
        var enrolled: Bool
        var hub: String?
        var deviceId: String?
        var pendingDossiers: Int
        var pendingActivities: Int
        var parked: [Parked]
        var followUps: [FollowUp]
        var announcements: [Announcement]
        var lastSyncAt: Date?
        var lastAttemptAt: Date?
        var lastError: String?
    }

    func run() throws {
        let render = Render(language: global.language)
        let summary = try global.openStore().syncSummary()
        let link = summary.link
        if json {
            return try printJSON(Report(
                enrolled: link != nil, hub: link?.url, deviceId: link?.deviceId,
                pendingDossiers: summary.pendingDossiers, pendingActivities: summary.pendingActivities,
                parked: summary.parked.map { .init(kind: $0.kind.rawValue, id: $0.itemId, revision: $0.revision, reason: $0.parkedReason ?? "") },
                followUps: summary.followUps.map { .init(id: $0.id, procedureId: $0.procedureId, status: $0.hubStatus ?? "", reason: $0.hubReason, at: $0.hubStatusAt) },
                announcements: summary.announcements.map { .init(message: $0.message, at: $0.at) },
                lastSyncAt: link?.lastSyncAt, lastAttemptAt: link?.lastAttemptAt, lastError: link?.lastError))
        }
        for line in StatusLines.lines(summary, render: render, verbose: true) { Output.line(line) }
    }
}

/// The sync status as lines of text, for `sotay status` and the home menu.
enum StatusLines {
    static func lines(_ summary: SyncSummary, render: Render, verbose: Bool, reachable: Bool? = nil) -> [String] {
        var lines: [String] = []
        guard let link = summary.link else {
            lines.append(render.t("Máy chủ xã: chưa ghi danh (sotay enroll ĐỊA-CHỈ MÃ).", "Commune hub: not enrolled (sotay enroll ADDRESS CODE)."))
            if summary.pending > 0 { lines.append(render.t("\(summary.pending) mục chờ gửi.", "\(summary.pending) item(s) waiting.")) }
            return lines
        }
        let reach = switch reachable {
        case .some(true): render.t(" · ✓ đang kết nối được", " · ✓ reachable now")
        case .some(false): render.t(" · ✗ chưa kết nối được", " · ✗ not reachable now")
        case .none: ""
        }
        lines.append(render.t("Máy chủ xã: \(link.url)\(reach)", "Commune hub: \(link.url)\(reach)"))
        let waiting = summary.pending == 0 ? render.t("không có gì chờ gửi", "nothing waiting")
            : render.t("\(summary.pendingDossiers) hồ sơ và \(summary.pendingActivities) mục nhật ký chờ gửi",
                       "\(summary.pendingDossiers) dossier(s) and \(summary.pendingActivities) log entries waiting")
        let last = link.lastSyncAt.map { render.t("đồng bộ lần cuối \(render.date($0))", "last sync \(render.date($0))") } ?? render.t("chưa đồng bộ lần nào", "never synced")
        lines.append("  \(waiting) · \(last)")
        if verbose, let error = link.lastError, (link.lastAttemptAt ?? .distantPast) > (link.lastSyncAt ?? .distantPast) {
            lines.append("  " + render.t("Lần thử cuối bị lỗi: ", "Last attempt failed: ") + error)
        }
        for item in summary.parked {
            lines.append("  ✗ " + render.t("Máy chủ không nhận \(item.kind == .dossier ? "hồ sơ" : "mục nhật ký") \(item.itemId.prefix(8)): \(item.parkedReason ?? "")",
                                          "The hub refused \(item.kind.rawValue) \(item.itemId.prefix(8)): \(item.parkedReason ?? "")"))
            lines.append("    " + render.t("Sửa nguyên nhân (sotay drafts resume …, rồi sotay drafts ready …) hoặc báo cán bộ xã; gửi lại: sotay sync --retry-parked",
                                        "Fix the cause (sotay drafts resume …, then sotay drafts ready …) or tell the commune; resend with: sotay sync --retry-parked"))
        }
        for dossier in summary.followUps {
            lines.append("  ⚠ " + render.t("Hồ sơ \(dossier.shortID) cần bổ sung: \(dossier.hubReason ?? ""). Sửa bằng: sotay drafts resume \(dossier.shortID), rồi sotay drafts ready \(dossier.shortID)",
                                          "Dossier \(dossier.shortID) needs a supplement: \(dossier.hubReason ?? ""). Fix with: sotay drafts resume \(dossier.shortID), then sotay drafts ready \(dossier.shortID)"))
        }
        if verbose {
            for announcement in summary.announcements {
                lines.append("  📢 " + render.date(announcement.at) + ": " + announcement.message)
            }
        }
        return lines
    }
}
