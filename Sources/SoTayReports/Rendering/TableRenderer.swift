import Foundation
import SoTayCore

/// The report for a terminal: at most 80 columns, columns aligned by display width (so
/// "Số hộ gia đình" lines up with "Households"), bar charts drawn with block characters.
public enum TableRenderer {
    public static let width = 80

    public static func render(_ report: Report) -> String {
        let language = report.language
        var lines: [String] = []
        for line in DisplayWidth.wrap(report.title.uppercased(), to: width) { lines.append(line) }
        lines.append(scopeLine(report))
        lines.append("")
        lines += figureTable(report.figures, language)
        for breakdown in report.breakdowns {
            lines.append("")
            lines += chart(breakdown, language)
        }
        if let grouping = report.grouping {
            for group in grouping.groups {
                lines.append("")
                let entries = language == .vi ? "\(NumberText.integer(group.entries, language)) mục" : "\(NumberText.integer(group.entries, language)) entries"
                lines.append(DisplayWidth.truncate("── \(grouping.heading): \(group.label) · \(entries) ", to: width - 2) + "──")
                lines += figureTable(group.figures, language, numbered: false)
            }
        }
        lines.append("")
        lines.append(language == .vi ? "Số mục nhật ký được tính: \(NumberText.integer(report.entries, language)). Giờ Việt Nam (UTC+7)."
                                     : "Log entries counted: \(NumberText.integer(report.entries, language)). Vietnam time (UTC+7).")
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n"
    }

    static func scopeLine(_ report: Report) -> String {
        let scope = report.scope
        var parts: [String] = []
        if let volunteer = scope.volunteer { parts.append(volunteer) }
        parts.append([scope.village, scope.commune, scope.province].compactMap { $0 }.joined(separator: ", "))
        parts.append(VietnamClock(report.from).dayMonthYear + "–" + VietnamClock(report.to.addingTimeInterval(-1)).dayMonthYear)
        return DisplayWidth.truncate(parts.joined(separator: " · "), to: width)
    }

    /// TT, name (wrapped), result, unit, target: 3 + 2 + 40 + 2 + 9 + 2 + 12 + 2 + 8 = 80.
    private static func figureTable(_ figures: [Report.Figure], _ language: Language, numbered: Bool = true) -> [String] {
        let nameWidth = 40
        var lines = [
            row(numbered ? "TT" : "", language == .vi ? "Chỉ tiêu" : "Indicator", language == .vi ? "Kết quả" : "Result",
                language == .vi ? "Đơn vị" : "Unit", language == .vi ? "Mục tiêu" : "Target", nameWidth: nameWidth),
            String(repeating: "─", count: width),
        ]
        for (index, figure) in figures.enumerated() {
            let names = DisplayWidth.wrap(figure.name, to: nameWidth)
            let unit = figure.kind == .share ? figure.denominator.map { "(\(figure.numerator ?? 0)/\($0))" } ?? "" : figure.unit
            var target = ""
            if let value = figure.target {
                target = "≥ " + NumberText.percent(value, language).replacingOccurrences(of: language == .vi ? ",0%" : ".0%", with: "%")
                if let met = figure.meetsTarget { target += met ? " ✓" : " ✗" }
            }
            lines.append(row(numbered ? "\(index + 1)" : "", names[0], figure.formatted(language), unit, target, nameWidth: nameWidth))
            for more in names.dropFirst() { lines.append(row("", more, "", "", "", nameWidth: nameWidth)) }
        }
        return lines
    }

    private static func row(_ number: String, _ name: String, _ value: String, _ unit: String, _ target: String, nameWidth: Int) -> String {
        DisplayWidth.pad(number, to: 3, right: true) + "  " + DisplayWidth.pad(name, to: nameWidth) + "  " + DisplayWidth.pad(value, to: 9, right: true)
            + "  " + DisplayWidth.pad(DisplayWidth.truncate(unit, to: 12), to: 12) + "  " + target
    }

    /// A horizontal bar chart: label, value, bar scaled to the largest value.
    private static func chart(_ breakdown: Report.Breakdown, _ language: Language) -> [String] {
        var lines = [breakdown.name + " (\(breakdown.unit))", String(repeating: "─", count: width)]
        guard let largest = breakdown.rows.map(\.value).max(), largest > 0 else {
            return lines + [language == .vi ? "  Không có số liệu trong tháng." : "  No data this month."]
        }
        let labelWidth = 40, barWidth = width - 2 - labelWidth - 2 - 7 - 2
        for entry in breakdown.rows {
            let bar = String(repeating: "█", count: max(1, Int((Double(entry.value) / Double(largest) * Double(barWidth)).rounded())))
            lines.append("  " + DisplayWidth.pad(DisplayWidth.truncate(entry.label, to: labelWidth), to: labelWidth) + "  "
                         + DisplayWidth.pad(NumberText.integer(entry.value, language), to: 7, right: true) + "  " + bar)
        }
        return lines
    }
}
