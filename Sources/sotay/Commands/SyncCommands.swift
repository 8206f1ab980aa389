import ArgumentParser
import Foundation
import SoTayCore
import SoTayStore
import SoTaySync
import SoTayWire

struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ghi danh máy này với máy chủ của xã, bằng mã dùng một lần cán bộ xã đọc cho.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Địa chỉ máy chủ xã, ví dụ https://sotay.xa-an-binh.vn", valueName: "địa-chỉ")) var url: String
    /// Several words too: a code read aloud is typed as it is heard (`bbb4 9eyf`).
    @Argument(help: ArgumentHelp("Mã ghi danh, ví dụ K7PX-3MQA (chữ thường, dấu cách hay gạch nối đều được).", valueName: "mã")) var code: [String]
    @Option(help: ArgumentHelp("Tên máy, để cán bộ xã nhận ra (mặc định: tên tình nguyện viên và tên máy).", valueName: "tên")) var name: String?
    @Flag(name: .customLong("allow-insecure"), help: "Cho phép http không mã hóa tới máy khác (chỉ trong mạng nội bộ tin cậy).")
    var allowInsecure = false

    func validate() throws {
        guard EnrolmentCode.normalized(code) != nil else {
            throw ValidationError("mã ghi danh có \(EnrolmentCode.length) chữ và số, ví dụ K7PX-3MQA; đã gõ \"\(code.joined(separator: " "))\".")
        }
    }

    func run() async throws {
        let render = Render(language: global.language)
        let store = try global.openStore()
        let address = try HubAddress(url, allowInsecure: allowInsecure)
        let code = EnrolmentCode.normalized(code) ?? code.joined()
        let profile = try store.profile()
        let host = ProcessInfo.processInfo.hostName
        let deviceName = name ?? [profile?.name, host].compactMap { $0 }.joined(separator: " · ")
        let reply = try await Enrollment.enroll(address: address, code: code, deviceName: deviceName.isEmpty ? "sotay" : deviceName,
                                                allowInsecure: allowInsecure, store: store)
        Output.line(render.t("Đã ghi danh với máy chủ \(address) (mã máy \(reply.deviceId)), cho \(reply.volunteer.name) · \(reply.volunteer.village).",
                             "Enrolled with \(address) (device \(reply.deviceId)), for \(reply.volunteer.name) · \(reply.volunteer.village)."))
        Output.line(render.t("Từ giờ Sổ Tay tự gửi hồ sơ khi có mạng; gửi ngay bằng: sotay sync", "Sổ Tay now sends dossiers when there is a connection; send now with: sotay sync"))
    }
}

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Gửi hồ sơ sẵn sàng và nhật ký lên máy chủ xã, nhận lại trạng thái hồ sơ.")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Dùng địa chỉ máy chủ này lần này (và nhớ nếu thành công).", valueName: "địa-chỉ")) var hub: String?
    @Flag(name: .customLong("allow-insecure"), help: "Cho phép http không mã hóa tới máy khác.") var allowInsecure = false
    @Flag(help: "Chờ đến khi máy chủ xã kết nối được rồi mới gửi (cho lịch chạy tự động).") var wait = false
    @Option(help: ArgumentHelp("Chờ tối đa bao lâu với --wait: 90s, 10m, 2h (mặc định 10m).", valueName: "thời-gian")) var timeout = "10m"
    @Flag(name: .customLong("retry-parked"), help: "Gửi lại cả những mục máy chủ đã từ chối trước đó (sau khi đã sửa nguyên nhân).")
    var retryParked = false

    func validate() throws {
        guard Self.duration(timeout) != nil else {
            throw ValidationError(global.language == .vi ? "--timeout phải có dạng 90s, 10m hoặc 2h." : "--timeout must look like 90s, 10m or 2h.")
        }
    }

    static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last else { return nil }
        if let seconds = Int(trimmed), seconds > 0 { return .seconds(seconds) }
        guard let value = Int(trimmed.dropLast()), value > 0 else { return nil }
        switch unit {
        case "s": return .seconds(value)
        case "m": return .seconds(value * 60)
        case "h": return .seconds(value * 3600)
        default: return nil
        }
    }

    func run() async throws {
        let render = Render(language: global.language)
        let store = try global.openStore(unlock: .optional)
        let address = try hub.map { text throws(SyncError) in try HubAddress(text, allowInsecure: allowInsecure) }
        let display = SyncDisplay(render: render)
        // One sync at a time per data folder; `--wait` waits for the other one too.
        let lock: SyncLock
        if wait {
            lock = try await SyncLock.acquire(folder: store.directory, until: .now + (Self.duration(timeout) ?? .seconds(600))) { pid in
                let holder = pid.map { " \($0)" } ?? ""
                Output.line(render.t("Đang đồng bộ ở cửa sổ khác (tiến trình\(holder)); chờ lần đó xong…", "A sync is running in another window (process\(holder)); waiting for it to finish…"))
            }
        } else {
            lock = try SyncLock.acquire(folder: store.directory)
        }
        defer { withExtendedLifetime(lock) {} }
        if retryParked {
            let count = try store.unpark()
            if count > 0 { Output.line(render.t("Đưa \(count) mục bị từ chối trở lại hàng chờ gửi.", "Put \(count) refused item(s) back in line.")) }
        }
        let report: SyncReport
        if wait {
            let schedule = ProbeSchedule(firstSeconds: ProbeSettings.firstSeconds, capSeconds: 60, reachableSeconds: 60)
            report = try await HubWait.syncWhenReachable(
                store: store, address: address, timeout: Self.duration(timeout) ?? .seconds(600), schedule: schedule,
                waiting: { seconds in display.waiting(seconds) }, progress: { display.show($0) })
        } else {
            report = try await SyncEngine.enrolled(store: store, address: address).run { display.show($0) }
        }
        if let address { try store.updateHubLink { $0.url = address.description } }
        display.finish(report)
        InstalledContent.afterSync(report.content, dataDirectory: store.directory, render: render)
        if report.dossiersLocked > 0 {
            Output.line("🔒 " + render.t("\(report.dossiersLocked) hồ sơ chờ gửi vì chưa nhập cụm mật khẩu (hồ sơ được mã hóa). Chạy \"sotay sync\" trong cửa sổ dòng lệnh để gửi.",
                                         "\(report.dossiersLocked) dossier(s) wait because no passphrase was given (dossiers are encrypted). Run \"sotay sync\" in a terminal to send them."))
        }
        if report.activitiesLocked > 0 {
            Output.line("🔒 " + render.t("\(report.activitiesLocked) mục nhật ký có ghi chú chờ gửi vì chưa nhập cụm mật khẩu (ghi chú được mã hóa). Chạy \"sotay sync\" trong cửa sổ dòng lệnh để gửi.",
                                         "\(report.activitiesLocked) log entr(ies) with a note wait because no passphrase was given (notes are encrypted). Run \"sotay sync\" in a terminal to send them."))
        }
        if !report.purge.dossiers.isEmpty {
            Output.line(PurgeLines.describe(report.purge, days: try store.retentionDays(), render: render))
        }
        let summary = try store.syncSummary()
        for dossier in summary.followUps {
            Output.line("⚠ " + render.t("Hồ sơ \(dossier.shortID) cần bổ sung: \(dossier.hubReason ?? "")", "Dossier \(dossier.shortID) needs a supplement: \(dossier.hubReason ?? "")"))
        }
        if !report.parked.isEmpty { throw ExitCode.failure }
    }
}

/// The background probe of an open `sotay`: looks for the hub and syncs when it appears.
enum BackgroundSync {
    static func start(_ store: Store) -> HubProbe {
        let probe = HubProbe(store: store, schedule: ProbeSchedule(firstSeconds: ProbeSettings.firstSeconds), pullEvery: ProbeSettings.pullSeconds)
        probe.start()
        return probe
    }
}

/// How often the background probe looks for the hub (`SOTAY_PROBE_SECONDS`, default 5), and
/// pulls the commune's decisions while it is reachable (`SOTAY_PULL_SECONDS`, default 120).
enum ProbeSettings {
    static var pullSeconds: TimeInterval {
        ProcessInfo.processInfo.environment["SOTAY_PULL_SECONDS"].flatMap(Int.init).map { TimeInterval(max($0, 1)) } ?? 120
    }

    static var firstSeconds: Int {
        ProcessInfo.processInfo.environment["SOTAY_PROBE_SECONDS"].flatMap(Int.init).map { max($0, 1) } ?? 5
    }
}

/// Shows a running sync: a progress line on a terminal, one line per item otherwise.
final class SyncDisplay: @unchecked Sendable {
    private let render: Render
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private let lock = NSLock()
    private var total = 0
    private var done = 0
    private var bytes = 0
    private var totalBytes = 0
    private var attachmentBytes: Int64 = 0
    private var totalAttachmentBytes: Int64 = 0
    private var lastDrawn = Date.distantPast
    private let started = Date()

    init(render: Render) {
        self.render = render
    }

    func waiting(_ seconds: Int) {
        Output.line(render.t("Chưa kết nối được máy chủ xã; thử lại sau \(seconds) giây…", "The commune hub is not reachable; trying again in \(seconds) s…"))
    }

    func show(_ event: SyncEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .starting(let items, let bytes, let attachments):
            total = items
            totalBytes = bytes
            totalAttachmentBytes = attachments
            if items == 0 { return }
            let photos = attachments > 0 ? render.t(", kèm \(Self.size(Int(attachments))) ảnh/tệp đính kèm", ", with \(Self.size(Int(attachments))) of attachments") : ""
            Output.line(render.t("Có \(items) mục chờ gửi (\(Self.size(bytes))\(photos)).", "\(items) item(s) waiting (\(Self.size(bytes))\(photos))."))
        case .uploaded(let size):
            attachmentBytes += size
            // Redrawn at most a few times a second; a piped log gets the summary at the end.
            if isTerminal && Date().timeIntervalSince(lastDrawn) > 0.25 { item(nil) }
        case .sentDossier(let id, let revision, let kind, let size):
            done += 1
            bytes += size
            let what = kind == .original ? render.t("bản đầu", "original") : render.t("bổ sung", "supplement")
            item(render.t("✓ hồ sơ \(id.prefix(8)) lần gửi \(revision) (\(what)) · \(Self.size(size))",
                          "✓ dossier \(id.prefix(8)) revision \(revision) (\(what)) · \(Self.size(size))"))
        case .sentActivities(let count, let size):
            done += count
            bytes += size
            item(render.t("✓ \(count) mục nhật ký hoạt động · \(Self.size(size))", "✓ \(count) activity log entries · \(Self.size(size))"))
        case .parked(let id, let reason):
            done += 1
            clearLine()
            Output.line("✗ " + render.t("Máy chủ xã không nhận \(id.prefix(8)): \(reason). Đã để riêng; các mục khác vẫn gửi.",
                                        "The hub refused \(id.prefix(8)): \(reason). Set aside; the others still go."))
        case .retrying(let milliseconds, let reason):
            clearLine()
            Output.line("… " + reason.message(render.language) + render.t(" Thử lại sau \(milliseconds / 1000 + 1) giây.", " Retrying in \(milliseconds / 1000 + 1) s."))
        case .pulled(let count):
            clearLine()
            Output.line(render.t("↓ nhận \(count) thay đổi từ xã", "↓ \(count) change(s) from the commune"))
        }
    }

    private func item(_ line: String?) {
        guard isTerminal else {
            if let line { Output.line(line) }
            return
        }
        lastDrawn = Date()
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        let sent = Int64(bytes) + attachmentBytes
        let all = Int64(totalBytes) + totalAttachmentBytes
        let rate = Double(sent) / seconds
        let left = rate > 0 && all > sent ? Self.duration(Double(all - sent) / rate, render) : ""
        let remaining = left.isEmpty ? "" : render.t(" · còn khoảng \(left)", " · about \(left) left")
        Output.write("\r\u{1B}[2K" + render.t("Đang gửi \(done)/\(total) · \(Self.size(Int(sent)))/\(Self.size(Int(all))) · \(Self.size(Int(rate)))/s\(remaining)",
                                               "Sending \(done)/\(total) · \(Self.size(Int(sent)))/\(Self.size(Int(all))) · \(Self.size(Int(rate)))/s\(remaining)"))
    }

    static func duration(_ seconds: Double, _ render: Render) -> String {
        if seconds < 60 { return render.t("\(Int(seconds.rounded(.up))) giây", "\(Int(seconds.rounded(.up))) s") }
        if seconds < 3600 { return render.t("\(Int((seconds / 60).rounded(.up))) phút", "\(Int((seconds / 60).rounded(.up))) min") }
        return render.t("\(Int(seconds / 3600)) giờ \(Int(seconds.truncatingRemainder(dividingBy: 3600) / 60)) phút",
                        "\(Int(seconds / 3600)) h \(Int(seconds.truncatingRemainder(dividingBy: 3600) / 60)) min")
    }

    private func clearLine() {
        if isTerminal { Output.write("\r\u{1B}[2K") }
    }

    func finish(_ report: SyncReport) {
        clearLine()
        if report.sentDossiers + report.sentActivities + report.pulledChanges + report.blobsSent == 0 && report.parked.isEmpty {
            Output.line(render.t("Đã đồng bộ: không có gì mới (\(report.requests) yêu cầu).", "Synced: nothing new (\(report.requests) request(s))."))
            return
        }
        Output.line(render.t("Đã đồng bộ: gửi \(report.sentDossiers) hồ sơ (\(report.supplements) bổ sung), \(report.sentActivities) mục nhật ký; nhận \(report.pulledChanges) thay đổi (\(report.requests) yêu cầu, \(Self.size(report.bytesSent))).",
                             "Synced: sent \(report.sentDossiers) dossier(s) (\(report.supplements) supplements), \(report.sentActivities) log entries; received \(report.pulledChanges) change(s) (\(report.requests) requests, \(Self.size(report.bytesSent)))."))
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return String(format: "%.1f KB", Double(bytes) / 1024) }
        return String(format: "%.1f MB", Double(bytes) / 1024 / 1024)
    }
}
