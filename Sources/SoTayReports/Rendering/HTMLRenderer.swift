import Foundation
import SoTayCore

/// The report as one self-contained HTML5 page, laid out like a Vietnamese administrative report
/// (Nghị định 30/2020/NĐ-CP) and printable on A4 from any browser.
///
/// Self-contained because the page is opened offline, attached to a Zalo message or printed at the
/// commune office: no fonts, scripts, images or links, only inline CSS and inline SVG charts.
/// Every number is also carried in `data-*` attributes (dot decimals, no grouping) so that tests and
/// other tools can read the figures back without parsing Vietnamese number text.
public enum HTMLRenderer {
    public static func render(_ report: Report) -> String {
        let words = Words(report.language)
        var sections: [String] = []
        var number = 0
        func nextNumeral() -> String {
            number += 1
            return romanNumerals[min(number, romanNumerals.count) - 1]
        }
        sections.append(indicatorSection(report, words, numeral: nextNumeral()))
        if !report.breakdowns.isEmpty {
            sections.append(breakdownSection(report, words, numeral: nextNumeral()))
        }
        if let grouping = report.grouping {
            sections.append(groupingSection(grouping, report.figures, words, numeral: nextNumeral()))
        }
        let body = [nationalHeader(report), titleBlock(report, words)] + sections + [closingNotes(report, words), signatures(report, words)]
        return document(report, body: body.joined(separator: "\n"))
            .precomposedStringWithCanonicalMapping
    }

    /// Section numbers as Vietnamese reports write them.
    private static let romanNumerals = ["I", "II", "III", "IV", "V", "VI"]
}

// MARK: - Page

extension HTMLRenderer {
    /// The outer page: language, charset and the one inline style sheet.
    private static func document(_ report: Report, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(report.language.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="Sổ Tay">
        <title>\(escape(report.title))</title>
        <style>
        \(styleSheet)
        </style>
        </head>
        <body>
        <main class="report" data-month="\(escape(report.month))" data-scope="\(report.scope.kind.rawValue)" data-entries="\(report.entries)">
        \(body)
        </main>
        </body>
        </html>

        """
    }

    /// Times New Roman 13pt as in official documents, with metric-compatible fallbacks for Linux;
    /// on screen the body is drawn as an A4 sheet with the print margins, so a screenshot at
    /// 794×1123 px shows the first printed page.
    private static let styleSheet = """
        @page { size: A4; margin: 20mm 15mm 20mm 20mm; }
        * { box-sizing: border-box; }
        html { background: #fff; }
        body { margin: 0; color: #000; background: #fff;
          font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
          font-size: 13pt; line-height: 1.3;
          -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        @media screen { body { width: 210mm; margin: 0 auto; padding: 20mm 15mm 20mm 20mm; } }
        p { margin: 0; }
        table { border-collapse: collapse; }
        .header { width: 100%; }
        .header td { border: none; padding: 0; text-align: center; vertical-align: top; }
        .header .agency { width: 42%; font-size: 12pt; }
        .header .nation { width: 58%; }
        .agency .issuer { font-weight: bold; }
        .agency .issuer span { white-space: nowrap; }
        .rule { display: block; width: 32%; margin: 1mm auto 0; border-top: 1px solid #000; }
        .nation .state { font-weight: bold; font-size: 12pt; white-space: nowrap; }
        .nation .motto { font-weight: bold; }
        .nation .motto span { display: inline-block; padding-bottom: 1px; border-bottom: 1px solid #000; }
        .header .place { padding-top: 3mm; font-style: italic; }
        h1 { margin: 7mm 0 1mm; font-size: 14pt; line-height: 1.35; text-align: center; }
        h1 span { display: block; }
        .meta { text-align: center; }
        .meta.period { font-style: italic; margin-bottom: 2mm; }
        h2 { margin: 6mm 0 2mm; font-size: 13pt; }
        h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
        h3 { margin: 4mm 0 1.5mm; font-size: 13pt; }
        .muted { color: #444; font-weight: normal; }
        table.data { width: 100%; font-size: 12pt; }
        table.data th, table.data td { border: 0.75pt solid #000; padding: 1mm 1.5mm; vertical-align: top; }
        table.data th { background: #e6e6e6; font-weight: bold; text-align: center; vertical-align: middle; }
        table.indicators { table-layout: fixed; }
        col.tt { width: 10mm; } col.unit { width: 22mm; } col.result { width: 25mm; } col.target { width: 25mm; }
        col.share { width: 22mm; }
        td.tt, td.unit, td.target { text-align: center; }
        td.num { text-align: right; white-space: nowrap; }
        td.target { white-space: nowrap; }
        .num, .target, svg text { font-variant-numeric: tabular-nums; }
        .counting, .sub { display: block; font-size: 10pt; color: #444; line-height: 1.25; }
        .counting { margin-top: 0.5mm; }
        tr.total td { font-weight: bold; }
        table.group-table { font-size: 11pt; }
        table.group-table th, table.group-table td { padding: 0.6mm 1.5mm; }
        table.group-table col.result { width: 38mm; }
        table.group-table .sub { display: inline; margin-left: 1.5mm; }
        thead { display: table-header-group; }
        tr, .block, .signatures { break-inside: avoid; page-break-inside: avoid; }
        .notes { margin-top: 1.5mm; font-size: 11pt; font-style: italic; }
        svg.chart { display: block; max-width: 100%; height: auto; margin: 1mm 0 2mm; }
        svg.chart text { font-size: 13px; fill: #000; }
        svg.chart rect { fill: #5a5a5a; }
        svg.chart line { stroke: #000; stroke-width: 1; }
        .empty { font-style: italic; }
        .closing { margin-top: 6mm; font-size: 12pt; font-style: italic; }
        .signatures { width: 100%; margin-top: 6mm; }
        .signatures td { border: none; padding: 0; vertical-align: top; }
        .recipients { width: 45%; font-size: 11pt; }
        .recipients .label { font-size: 12pt; font-weight: bold; font-style: italic; }
        .signer { width: 55%; text-align: center; }
        .signer .role { font-weight: bold; }
        .signer .hint { font-style: italic; font-size: 12pt; }
        .signer .space { height: 24mm; }
        .signer .name { font-weight: bold; }
        """
}

// MARK: - Header and title

extension HTMLRenderer {
    /// The two-column header of Nghị định 30/2020: issuing body on the left, national title and
    /// motto on the right, then the place and date. It stays Vietnamese in an English report,
    /// because it is the form of the document rather than a label.
    private static func nationalHeader(_ report: Report) -> String {
        let issued = VietnamClock(report.generatedAt)
        let (parent, issuer) = issuingBody(report.scope)
        return """
        <table class="header" role="presentation">
        <tr>
        <td class="agency"><p class="parent">\(escape(parent))</p><p class="issuer">\(issuerLines(issuer))</p><span class="rule"></span></td>
        <td class="nation"><p class="state">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p class="motto"><span>Độc lập - Tự do - Hạnh phúc</span></p></td>
        </tr>
        <tr>
        <td></td>
        <td class="place">\(escape(placeName(report.scope.commune))), \(escape(issued.officialDate))</td>
        </tr>
        </table>
        """
    }

    /// The body above (UBND of the commune, or the commune for a volunteer's own report) and the
    /// team that issues the report, both in capitals as the header is written.
    static func issuingBody(_ scope: Report.Scope) -> (parent: String, issuer: String) {
        let commune = scope.commune.trimmingCharacters(in: .whitespaces).uppercased()
        let team = "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"
        switch scope.kind {
        case .commune:
            return ("UBND " + commune, team)
        case .volunteer:
            let village = scope.village?.trimmingCharacters(in: .whitespaces).uppercased() ?? ""
            return (commune, village.isEmpty ? team : team + " " + village)
        }
    }

    /// The team's name kept on one line, and the village (if any) after it: a break inside
    /// "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG" would read badly.
    private static func issuerLines(_ issuer: String) -> String {
        let team = "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"
        guard issuer.hasPrefix(team) else { return escape(issuer) }
        let rest = issuer.dropFirst(team.count).trimmingCharacters(in: .whitespaces)
        return "<span>\(escape(team))</span>" + (rest.isEmpty ? "" : " <span>\(escape(rest))</span>")
    }

    /// The place in the date line. Nghị định 30/2020 writes a commune's own name without "Xã",
    /// "Phường" or "Thị trấn" ("Kim Đức, ngày …"), but the full name when that name is a number
    /// ("Phường 12, ngày …").
    static func placeName(_ commune: String) -> String {
        let name = commune.trimmingCharacters(in: .whitespaces)
        for prefix in ["Xã ", "Phường ", "Thị trấn ", "Đặc khu "] {
            guard let range = name.range(of: prefix, options: [.anchored, .caseInsensitive]) else { continue }
            let rest = name[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard let first = rest.first, !first.isNumber else { return name }
            return rest
        }
        return name
    }

    /// "BÁO CÁO" over the subject, as official reports set their title; the whole title when it
    /// does not start with the document type (English).
    private static func titleBlock(_ report: Report, _ words: Words) -> String {
        var lines: [String] = []
        let prefix = "Báo cáo "
        if let range = report.title.range(of: prefix, options: [.anchored, .caseInsensitive]) {
            let subject = String(report.title[range.upperBound...])
            lines.append("<h1><span class=\"kind\">BÁO CÁO</span><span class=\"subject\">\(escape(capitalizedFirst(subject)))</span></h1>")
        } else {
            lines.append("<h1><span class=\"subject\">\(escape(report.title))</span></h1>")
        }
        lines.append("<p class=\"meta scope\">\(escape(scopeLine(report.scope, words)))</p>")
        let first = VietnamClock(report.from).dayMonthYear
        let last = VietnamClock(report.to.addingTimeInterval(-86_400)).dayMonthYear
        lines.append("<p class=\"meta period\">\(escape(words("Từ \(first) đến \(last) (giờ Việt Nam, UTC+7)", "From \(first) to \(last) (Vietnam time, UTC+7)")))</p>")
        return lines.joined(separator: "\n")
    }

    /// Who and where: the volunteer and their area, or the commune.
    static func scopeLine(_ scope: Report.Scope, _ words: Words) -> String {
        let area = [scope.village, scope.commune, scope.province].compactMap { $0?.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: ", ")
        switch scope.kind {
        case .volunteer:
            let name = scope.volunteer.map { words("Tình nguyện viên: ", "Volunteer: ") + $0 + " — " } ?? ""
            return name + words("Địa bàn: ", "Area: ") + area
        case .commune:
            return words("Phạm vi: ", "Scope: ") + area
        }
    }

    private static func capitalizedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }
}

// MARK: - Indicators

extension HTMLRenderer {
    /// The main table: one row per figure, with how it is counted under its name, and the target.
    private static func indicatorSection(_ report: Report, _ words: Words, numeral: String) -> String {
        let language = report.language
        var rows: [String] = []
        for (index, figure) in report.figures.enumerated() {
            rows.append("""
                <tr \(figureAttributes(figure))>\
                <td class="tt">\(index + 1)</td>\
                <td class="name">\(escape(figure.name))<span class="counting">\(escape(figure.counting))</span></td>\
                <td class="unit">\(escape(figure.unit))</td>\
                <td class="num">\(resultCell(figure, language))</td>\
                \(targetCell(figure, words))</tr>
                """)
        }
        if rows.isEmpty {
            rows.append("<tr><td colspan=\"5\" class=\"empty\">\(escape(words("Không có chỉ tiêu nào.", "No indicators.")))</td></tr>")
        }
        return """
        <section class="indicators">
        <h2>\(numeral). \(escape(words("Kết quả thực hiện các chỉ tiêu", "Results by indicator")))</h2>
        <table class="data indicators">
        <colgroup><col class="tt"><col class="name"><col class="unit"><col class="result"><col class="target"></colgroup>
        <thead><tr><th>\(escape(words("TT", "No.")))</th><th>\(escape(words("Chỉ tiêu", "Indicator")))</th><th>\(escape(words("Đơn vị", "Unit")))</th>\
        <th>\(escape(words("Kết quả", "Result")))</th><th>\(escape(words("Mục tiêu", "Target")))</th></tr></thead>
        <tbody>
        \(rows.joined(separator: "\n"))
        </tbody>
        </table>
        \(targetNotes(report.figures, words))
        </section>
        """
    }

    /// `data-indicator`, `data-value` (dot decimals; empty when there is no value) and, for
    /// shares, `data-numerator` and `data-denominator`: the figure for machines.
    private static func figureAttributes(_ figure: Report.Figure) -> String {
        var attributes = "data-indicator=\"\(escape(figure.id))\" data-value=\"\(figure.value.map(machineNumber) ?? "")\""
        if figure.kind == .share {
            if let numerator = figure.numerator { attributes += " data-numerator=\"\(numerator)\"" }
            if let denominator = figure.denominator { attributes += " data-denominator=\"\(denominator)\"" }
        }
        return attributes
    }

    /// The value as the reader expects it ("97,5%"), with a share's "39/40" underneath.
    private static func resultCell(_ figure: Report.Figure, _ language: Language) -> String {
        var cell = escape(figure.formatted(language))
        if figure.kind == .share, let denominator = figure.denominator {
            let numerator = NumberText.integer(figure.numerator ?? 0, language)
            cell += "<span class=\"sub\">\(escape(numerator + "/" + NumberText.integer(denominator, language)))</span>"
        }
        return cell
    }

    /// "≥ 96%" with ✓ or ✗, the target's source in the tooltip (and in the notes under the table,
    /// for paper).
    private static func targetCell(_ figure: Report.Figure, _ words: Words) -> String {
        guard let target = figure.target else { return "<td class=\"target\"></td>" }
        let title = figure.targetNote.map { " title=\"\(escape($0))\"" } ?? ""
        var cell = escape(targetText(target, words.language))
        switch figure.meetsTarget {
        case true?: cell += " <span class=\"mark met\" aria-label=\"\(escape(words("đạt", "met")))\">✓</span>"
        case false?: cell += " <span class=\"mark unmet\" aria-label=\"\(escape(words("chưa đạt", "not met")))\">✗</span>"
        case nil: break
        }
        return "<td class=\"target\"\(title)>\(cell)</td>"
    }

    /// "≥ 96%", without a useless ",0".
    static func targetText(_ target: Double, _ language: Language) -> String {
        let percent = NumberText.percent(target, language)
        return "≥ " + percent.replacingOccurrences(of: language == .vi ? ",0%" : ".0%", with: "%")
    }

    /// Where each target comes from: a tooltip does not print, so the notes go under the table.
    private static func targetNotes(_ figures: [Report.Figure], _ words: Words) -> String {
        let notes = figures.enumerated().compactMap { index, figure -> String? in
            guard let target = figure.target, let note = figure.targetNote, !note.isEmpty else { return nil }
            let lead = words("Mục tiêu của chỉ tiêu \(index + 1)", "Target of indicator \(index + 1)")
            return "<p class=\"notes\">\(escape(lead + " (" + targetText(target, words.language) + "): " + note))</p>"
        }
        return notes.joined(separator: "\n")
    }
}

// MARK: - Breakdowns

extension HTMLRenderer {
    /// One block per breakdown: a bar chart for the eye and a table for black-and-white print.
    private static func breakdownSection(_ report: Report, _ words: Words, numeral: String) -> String {
        let blocks = report.breakdowns.enumerated().map { index, breakdown in
            breakdownBlock(breakdown, number: index + 1, words)
        }
        return """
        <section class="breakdowns">
        <h2>\(numeral). \(escape(words("Số liệu chi tiết", "Breakdowns")))</h2>
        \(blocks.joined(separator: "\n"))
        </section>
        """
    }

    private static func breakdownBlock(_ breakdown: Report.Breakdown, number: Int, _ words: Words) -> String {
        let heading = "<h3>\(number). \(escape(breakdown.name)) <span class=\"muted\">(\(escape(words("đơn vị", "unit"))): \(escape(breakdown.unit)))</span></h3>"
        guard !breakdown.rows.isEmpty else {
            return """
            <div class="block breakdown" data-breakdown-id="\(escape(breakdown.id))">
            \(heading)
            <p class="empty">\(escape(words("Không có số liệu trong tháng.", "No data this month.")))</p>
            </div>
            """
        }
        return """
        <div class="block breakdown" data-breakdown-id="\(escape(breakdown.id))">
        \(heading)
        \(BarChart(breakdown, words).svg)
        \(breakdownTable(breakdown, words))
        </div>
        """
    }

    /// The chart's numbers as a table, with each row's share of the total.
    private static func breakdownTable(_ breakdown: Report.Breakdown, _ words: Words) -> String {
        let language = words.language
        let total = breakdown.total
        let rows = breakdown.rows.enumerated().map { index, row in
            let share = total > 0 ? NumberText.percent(Double(row.value) * 100 / Double(total), language) : "—"
            return """
                <tr data-breakdown="\(escape(breakdown.id))" data-key="\(escape(row.key))" data-value="\(row.value)">\
                <td class="tt">\(index + 1)</td><td>\(escape(row.label))</td>\
                <td class="num">\(escape(NumberText.integer(row.value, language)))</td><td class="num">\(escape(share))</td></tr>
                """
        }
        return """
        <table class="data breakdown-table">
        <colgroup><col class="tt"><col class="label"><col class="result"><col class="share"></colgroup>
        <thead><tr><th>\(escape(words("TT", "No.")))</th><th>\(escape(dimensionHeading(breakdown.dimension, language)))</th>\
        <th>\(escape(words("Kết quả", "Result")))</th><th>\(escape(words("Tỷ lệ", "Share")))</th></tr></thead>
        <tbody>
        \(rows.joined(separator: "\n"))
        </tbody>
        <tfoot><tr class="total"><td></td><td>\(escape(words("Tổng cộng", "Total")))</td>\
        <td class="num">\(escape(NumberText.integer(total, language)))</td><td></td></tr></tfoot>
        </table>
        """
    }

    /// "Thủ tục", "Lĩnh vực", "Thôn", …: the same words as the other formats use.
    private static func dimensionHeading(_ dimension: String, _ language: Language) -> String {
        guard let known = Indicator.Dimension(rawValue: dimension) else { return language == .vi ? "Nội dung" : "Item" }
        return ReportBuilder(indicators: [], procedures: [], language: language).heading(known)
    }
}

// MARK: - Grouping

extension HTMLRenderer {
    /// A split report: one compact block per group (a column per figure would not fit A4 portrait).
    private static func groupingSection(_ grouping: Report.Grouping, _ figures: [Report.Figure], _ words: Words, numeral: String) -> String {
        let numbers = Dictionary(figures.enumerated().map { ($1.id, $0 + 1) }, uniquingKeysWith: { first, _ in first })
        let blocks = grouping.groups.map { groupBlock($0, numbers: numbers, words) }
        let empty = blocks.isEmpty ? "<p class=\"empty\">\(escape(words("Không có số liệu trong tháng.", "No data this month.")))</p>" : ""
        return """
        <section class="grouping" data-dimension="\(escape(grouping.dimension))">
        <h2>\(numeral). \(escape(words("Kết quả theo ", "Results by ") + grouping.heading.lowercased()))</h2>
        \(blocks.joined(separator: "\n"))\(empty)
        </section>
        """
    }

    private static func groupBlock(_ group: Report.Grouping.Group, numbers: [String: Int], _ words: Words) -> String {
        let language = words.language
        let entries = NumberText.integer(group.entries, language) + words(" mục nhật ký", " log entries")
        let rows = group.figures.map { figure in
            """
            <tr data-group="\(escape(group.key))" \(figureAttributes(figure))>\
            <td class="tt">\(numbers[figure.id].map(String.init) ?? "")</td><td>\(escape(figure.name))</td>\
            <td class="num">\(resultCell(figure, language))</td></tr>
            """
        }
        return """
        <div class="block group" data-group="\(escape(group.key))">
        <h3>\(escape(group.label)) <span class="muted">(\(escape(entries)))</span></h3>
        <table class="data group-table">
        <colgroup><col class="tt"><col class="name"><col class="result"></colgroup>
        <thead><tr><th>\(escape(words("TT", "No.")))</th><th>\(escape(words("Chỉ tiêu", "Indicator")))</th><th>\(escape(words("Kết quả", "Result")))</th></tr></thead>
        <tbody>
        \(rows.joined(separator: "\n"))
        </tbody>
        </table>
        </div>
        """
    }
}

// MARK: - Closing

extension HTMLRenderer {
    /// What was counted, when and by what: the reader of a paper copy has no other way to know.
    private static func closingNotes(_ report: Report, _ words: Words) -> String {
        let language = report.language
        let made = VietnamClock(report.generatedAt)
        let lines = [
            words("Số mục nhật ký được tính: ", "Log entries counted: ") + NumberText.integer(report.entries, language) + ".",
            words("Lập bằng Sổ Tay lúc \(made.hourMinute) \(made.dayMonthYear) (giờ Việt Nam).",
                  "Made with Sổ Tay at \(made.hourMinute) \(made.dayMonthYear) (Vietnam time)."),
            words("Các chỉ tiêu và cách đếm được định nghĩa trong tệp content/indicators.yaml (chưa có bộ chỉ tiêu chính thức toàn quốc cho Tổ công nghệ số cộng đồng).",
                  "Indicators and how they are counted are defined in content/indicators.yaml (there is no official national indicator set for the teams yet)."),
        ]
        return "<div class=\"closing\">\n" + lines.map { "<p>\(escape($0))</p>" }.joined(separator: "\n") + "\n</div>"
    }

    /// "Nơi nhận" on the left and the signer on the right, with room for the signature.
    private static func signatures(_ report: Report, _ words: Words) -> String {
        let recipients = [words("- UBND xã;", "- Commune People's Committee;"), words("- Lưu.", "- File copy.")]
        let role: String
        var name = ""
        switch report.scope.kind {
        case .volunteer:
            role = words("NGƯỜI LẬP BÁO CÁO", "PREPARED BY")
            name = report.scope.volunteer ?? ""
        case .commune:
            role = words("TỔ TRƯỞNG", "TEAM LEADER")
        }
        return """
        <table class="signatures" role="presentation">
        <tr>
        <td class="recipients"><p class="label">\(escape(words("Nơi nhận:", "Recipients:")))</p>\(recipients.map { "<p>\(escape($0))</p>" }.joined())</td>
        <td class="signer"><p class="role">\(escape(role))</p><p class="hint">\(escape(words("(Ký, ghi rõ họ tên)", "(Signature and full name)")))</p>\
        <div class="space"></div><p class="name">\(escape(name))</p></td>
        </tr>
        </table>
        """
    }
}

// MARK: - Text

extension HTMLRenderer {
    /// Text for element content and attribute values alike. Control characters (other than tab
    /// and line breaks) are not allowed in HTML, so they become spaces.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        // By scalar, not by Character: "&" followed by a combining mark is one Character.
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}": escaped += " "
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A number for `data-*` attributes: integers without a decimal point, else the shortest
    /// text that reads back as the same Double.
    static func machineNumber(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}

/// Picks the Vietnamese or English version of a label.
struct Words {
    let language: Language

    init(_ language: Language) {
        self.language = language
    }

    func callAsFunction(_ vietnamese: String, _ english: String) -> String {
        language == .vi ? vietnamese : english
    }
}
