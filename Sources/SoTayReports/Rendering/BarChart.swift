import Foundation
import SoTayCore

/// A horizontal bar chart as inline SVG, drawn in CSS pixels: 640 px is 169 mm, inside the 170 mm
/// of text width an A4 portrait page leaves. Scaled from 0 to the largest value so bars compare honestly.
struct BarChart {
    static let width = 640
    /// The label column; labels are right-aligned against the axis.
    static let labelWidth = 300
    /// Room after the longest bar for its value.
    static let valueWidth = 56
    static let rowHeight = 22
    static let barHeight = 15
    static let padding = 4
    /// About what fits in the label column at 13 px Times; longer labels end with "…" (the full
    /// text is in the bar's `<title>` and in the table under the chart).
    static let labelCharacters = 46

    let breakdown: Report.Breakdown
    let words: Words

    init(_ breakdown: Report.Breakdown, _ words: Words) {
        self.breakdown = breakdown
        self.words = words
    }

    var svg: String {
        let height = Self.padding * 2 + breakdown.rows.count * Self.rowHeight
        let label = words("Biểu đồ thanh ngang: ", "Horizontal bar chart: ") + breakdown.name + " (" + breakdown.unit + ")"
        let largest = max(1, breakdown.rows.map(\.value).max() ?? 0)
        let bars = breakdown.rows.enumerated().map { index, row in bar(row, at: index, largest: largest) }
        return """
        <svg class="chart" role="img" aria-label="\(HTMLRenderer.escape(label))" width="\(Self.width)" height="\(height)" viewBox="0 0 \(Self.width) \(height)">
        \(bars.joined(separator: "\n"))
        <line x1="\(Self.labelWidth)" y1="0" x2="\(Self.labelWidth)" y2="\(height)"></line>
        </svg>
        """
    }

    /// One row: label, bar and value, with the full label and value as the row's tooltip.
    private func bar(_ row: Report.Breakdown.Row, at index: Int, largest: Int) -> String {
        let area = Self.width - Self.labelWidth - Self.valueWidth
        let length = row.value > 0 ? max(1, Int((Double(row.value) / Double(largest) * Double(area)).rounded())) : 0
        let top = Self.padding + index * Self.rowHeight + (Self.rowHeight - Self.barHeight) / 2
        let middle = Double(top) + Double(Self.barHeight) / 2
        let value = NumberText.integer(row.value, words.language)
        let escape = HTMLRenderer.escape
        return """
            <g class="bar"><title>\(escape(row.label + ": " + value + " " + breakdown.unit))</title>\
            <text x="\(Self.labelWidth - 6)" y="\(middle)" dy="0.35em" text-anchor="end">\(escape(Self.shortened(row.label)))</text>\
            <rect data-key="\(escape(row.key))" data-value="\(row.value)" x="\(Self.labelWidth)" y="\(top)" width="\(length)" height="\(Self.barHeight)"></rect>\
            <text x="\(Self.labelWidth + length + 4)" y="\(middle)" dy="0.35em">\(escape(value))</text></g>
            """
    }

    /// The label cut to the column, ending with "…" when cut.
    static func shortened(_ label: String) -> String {
        guard label.count > labelCharacters else { return label }
        let kept = label.prefix(labelCharacters - 1).trimmingCharacters(in: .whitespaces.union(.punctuationCharacters))
        return kept + "…"
    }
}
