import Foundation
import SoTayContent
import SoTayCore
import SoTayMedia
import SoTayStore
import SoTayWire

/// What the resident takes home at the end of a walk: the procedure, what to bring (and what is
/// still missing), what to tap, the fee, where to go, the dossier's short code, the volunteer's
/// name and the date — and a QR code the one-stop officer scans to find the dossier and check
/// the hub's receipt offline. No resident's name or number is on it: it may travel by Zalo.
struct Handout {
    var title: String
    var shortCode: String
    var dossierID: String
    var have: [String]
    var missing: [String]
    var optionalMissing: [String]
    /// Where, and the steps there (what to tap on VNeID or the portal, or at the counter).
    var actions: [(place: String, steps: [String])]
    var fee: String
    var processingTime: String
    var result: String
    var pitfalls: [String]
    var volunteer: String
    var date: String
    var receipt: Receipt?
    var language: Language

    static func make(_ dossier: DossierRecord, store: Store, workspace: Workspace, now: Date = Date()) throws -> Handout {
        let render = workspace.render
        let procedure = try workspace.procedure(dossier.procedureId)
        let session = ChecklistSession(procedure: procedure, answers: try store.answers(of: dossier.id), residentIntake: dossier.intake, today: workspace.today)
        let status = session.status
        let profile = try store.profile()
        let hubKey = try store.hubLink()?.hubKey
        // The newest receipt whose signature checks: the officer's scanner checks it again.
        let receipt = try store.receipts(of: dossier.id).last.map { record in
            Receipt(dossierId: record.dossierId, revision: record.revision, volunteerId: record.volunteerId, contentSHA256: record.contentSHA256,
                    receivedAt: record.receivedAt, hubKeyId: record.hubKeyId, signature: record.signature)
        }.flatMap { receipt in hubKey.map { receipt.isSigned(by: $0) } == true ? receipt : nil }
        let formatter = DateFormatter()
        formatter.timeZone = .vietnam
        formatter.dateFormat = "dd/MM/yyyy"
        return Handout(
            title: render.text(procedure.title), shortCode: dossier.shortID, dossierID: dossier.id,
            have: status.documentsHave.map { render.text($0.text) }, missing: status.documentsMissing.map { render.text($0.text) },
            optionalMissing: status.documentsOptionalMissing.map { render.text($0.text) },
            actions: status.actions.map { (render.text(procedure.place($0.channel)), $0.steps.map { render.text($0.text) }) },
            fee: render.fee(procedure, province: workspace.province(for: profile)), processingTime: render.text(procedure.processingTime),
            result: render.text(procedure.result), pitfalls: procedure.pitfalls.prefix(3).map(render.text),
            volunteer: profile.map { "\($0.name) · \($0.village)" } ?? "", date: formatter.string(from: now), receipt: receipt, language: workspace.language)
    }

    private func t(_ vi: String, _ en: String) -> String { language == .vi ? vi : en }

    /// What the QR code carries: the short code and dossier id, and the hub's signed receipt
    /// when there is one, compact JSON (`sotay-hub` and the console read it).
    var qrPayload: String {
        struct Payload: Encodable {
            var v = 1
            var ma: String
            var id: String
            var receipt: Receipt?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Payload(ma: shortCode, id: dossierID, receipt: receipt))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    func qrCode() throws -> QRCode {
        do { return try QRCode(qrPayload) } catch { throw HandoutError.qr }
    }

    var text: String {
        var out: [String] = []
        out.append(t("PHIẾU HƯỚNG DẪN", "YOUR GUIDE") + " — \(title)")
        out.append(t("Mã hồ sơ: ", "Dossier code: ") + shortCode + (receipt != nil ? t(" · xã đã nhận (có biên nhận)", " · received by the commune (receipted)") : ""))
        if !have.isEmpty {
            out.append(t("Giấy tờ đã có:", "Papers you have:"))
            out += have.map { "  ✓ \($0)" }
        }
        if !missing.isEmpty || !optionalMissing.isEmpty {
            out.append(t("Cần mang thêm (còn thiếu):", "Still to bring (missing):"))
            out += missing.map { "  ✗ \($0)" }
            out += optionalMissing.map { "  ○ \($0)" + t(" (nếu có)", " (if you have it)") }
        }
        for action in actions {
            out.append(action.place + ":")
            out += action.steps.enumerated().map { "  \($0.offset + 1). \($0.element)" }
        }
        out.append(t("Lệ phí: ", "Fee: ") + fee)
        out.append(t("Thời gian giải quyết: ", "Processing time: ") + processingTime)
        out.append(t("Kết quả: ", "Result: ") + result)
        if !pitfalls.isEmpty {
            out.append(t("Lưu ý:", "Watch out:"))
            out += pitfalls.map { "  • \($0)" }
        }
        out.append(t("Tình nguyện viên: ", "Volunteer: ") + volunteer + " · " + t("ngày ", "date ") + date)
        return out.joined(separator: "\n")
    }

    /// An A5 page to print (148 × 210 mm), the QR code in its corner.
    func html() throws -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        func list(_ items: [String], mark: String) -> String {
            "<ul>" + items.map { "<li><span class=\"mark\">\(mark)</span> \(escape($0))</li>" }.joined() + "</ul>"
        }
        var body = ""
        if !have.isEmpty { body += "<h2>\(t("Giấy tờ đã có", "Papers you have"))</h2>" + list(have, mark: "✓") }
        if !missing.isEmpty || !optionalMissing.isEmpty {
            body += "<h2 class=\"missing\">\(t("Cần mang thêm (còn thiếu)", "Still to bring (missing)"))</h2>"
                + list(missing, mark: "✗") + list(optionalMissing.map { $0 + t(" (nếu có)", " (if you have it)") }, mark: "○")
        }
        for action in actions {
            body += "<h2>\(escape(action.place))</h2><ol>" + action.steps.map { "<li>\(escape($0))</li>" }.joined() + "</ol>"
        }
        body += "<table><tr><th>\(t("Lệ phí", "Fee"))</th><td>\(escape(fee))</td></tr>"
            + "<tr><th>\(t("Thời gian", "Time"))</th><td>\(escape(processingTime))</td></tr>"
            + "<tr><th>\(t("Kết quả", "Result"))</th><td>\(escape(result))</td></tr></table>"
        if !pitfalls.isEmpty { body += "<h2>\(t("Lưu ý", "Watch out"))</h2>" + list(pitfalls, mark: "•") }
        let received = receipt.map { _ in "<div class=\"ok\">\(t("Xã đã nhận hồ sơ — có biên nhận điện tử", "Received by the commune — signed receipt"))</div>" } ?? ""
        return """
            <!doctype html>
            <html lang="\(language == .vi ? "vi" : "en")"><head><meta charset="utf-8"><title>\(escape(title)) — \(escape(shortCode))</title>
            <style>
            @page { size: A5; margin: 9mm; }
            html, body { margin: 0; }
            body { font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.35; color: #000; background: #fff;
                   width: 130mm; padding: 6mm; }
            header { display: flex; justify-content: space-between; align-items: flex-start; gap: 4mm; border-bottom: 0.6mm solid #000; padding-bottom: 2mm; }
            h1 { font-size: 15pt; margin: 0 0 1mm; }
            .kicker { font-size: 9pt; letter-spacing: 0.08em; text-transform: uppercase; }
            .code { font-size: 20pt; font-weight: bold; font-family: "Liberation Mono", "DejaVu Sans Mono", monospace; }
            .ok { font-size: 9pt; border: 0.3mm solid #000; padding: 0.5mm 1.5mm; display: inline-block; margin-top: 1mm; }
            h2 { font-size: 11.5pt; margin: 3mm 0 1mm; }
            h2.missing { text-decoration: underline; }
            ul, ol { margin: 0; padding-left: 6mm; }
            ul { list-style: none; padding-left: 1mm; }
            .mark { display: inline-block; width: 5mm; font-weight: bold; }
            table { border-collapse: collapse; margin-top: 3mm; width: 100%; }
            th { text-align: left; width: 26mm; vertical-align: top; padding: 0.6mm 2mm 0.6mm 0; }
            td { padding: 0.6mm 0; }
            footer { margin-top: 4mm; border-top: 0.3mm solid #000; padding-top: 1.5mm; font-size: 9.5pt; }
            svg { flex: none; }
            </style></head>
            <body>
            <header><div><div class="kicker">\(t("Phiếu hướng dẫn thủ tục", "Your procedure guide"))</div><h1>\(escape(title))</h1>
            <div>\(t("Mã hồ sơ", "Dossier code")): <span class="code">\(escape(shortCode))</span></div>\(received)</div>
            \(try qrCode().svg(pixels: 132))</header>
            \(body)
            <footer>\(t("Tình nguyện viên", "Volunteer")): \(escape(volunteer)) · \(t("Ngày", "Date")): \(escape(date))<br>
            \(t("Mang phiếu này khi đến bộ phận một cửa: cán bộ quét mã QR để tìm hồ sơ.", "Bring this page to the one-stop counter: the officer scans the QR code to find the dossier."))</footer>
            </body></html>
            """
    }

    /// The page as a PNG (for Zalo), rendered with the headless Chromium the report screenshot
    /// uses (scripts/screenshot-report.sh), at A5 on screen: 559 × 794 px at 96 dpi, twice that.
    /// About how tall the page is on screen (CSS px at 559 wide): the PNG holds the whole page,
    /// footer included, however long the procedure's lists.
    var screenHeight: Int {
        let items = have + missing + optionalMissing + actions.flatMap { [$0.place] + $0.steps } + [fee, processingTime, result] + pitfalls
        let lines = items.reduce(0) { $0 + $1.count / 52 + 1 }
        return max(794, 330 + lines * 22 + (actions.count + 4) * 30)
    }

    static func png(html: URL, to png: URL, height: Int = 794) throws {
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        guard let browser = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { throw HandoutError.noBrowser }
        let profile = FileManager.default.temporaryDirectory.appending(path: "sotay-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        try? FileManager.default.removeItem(at: png)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)", "--no-first-run",
                             "--no-default-browser-check", "--run-all-compositor-stages-before-draw", "--force-device-scale-factor=2",
                             "--window-size=559,\(height)", "--screenshot=\(png.path)", html.absoluteURL.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw HandoutError.noBrowser }
        process.waitUntilExit()
        guard process.terminationStatus == 0, let size = try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int, size > 10_000 else {
            throw HandoutError.renderFailed
        }
    }
}

enum HandoutError: Error, LocalizedMessage {
    case qr
    case noBrowser
    case renderFailed
    case cannotWrite(String)

    func message(_ language: Language) -> String {
        switch self {
        case .qr: pick(language, vi: "Không tạo được mã QR cho phiếu hướng dẫn.", en: "Could not make the handout's QR code.")
        case .noBrowser:
            pick(language, vi: "Cần Chromium để tạo ảnh PNG (apt-get install chromium); tệp HTML và văn bản vẫn được ghi.",
                 en: "The PNG needs Chromium (apt-get install chromium); the HTML and text files were still written.")
        case .renderFailed: pick(language, vi: "Chromium không tạo được ảnh PNG; tệp HTML vẫn in được.", en: "Chromium did not make the PNG; the HTML file still prints.")
        case .cannotWrite(let path): pick(language, vi: "Không ghi được \(path).", en: "Cannot write \(path).")
        }
    }
}
