import Foundation

/// The dashboard's charts, drawn on the hub as SVG: no script, readable by a screen reader
/// (`role="img"` with a title naming every value), and printable.
enum ConsoleCharts {
    static let bar = "#0a4a94"
    static let text = "#1b1f24"

    /// Horizontal bars, one per row, the value written beside each.
    static func bars(_ rows: [(label: String, value: Double, text: String)], title: String, empty: String) -> String {
        guard !rows.isEmpty else { return "<p>\(escape(empty))</p>" }
        let width = 480.0, labelWidth = 170.0, rowHeight = 26.0
        let height = Double(rows.count) * rowHeight + 8
        let largest = max(rows.map(\.value).max() ?? 0, 1)
        var parts: [String] = []
        for (index, row) in rows.enumerated() {
            let y = 4 + Double(index) * rowHeight
            let length = max(1, (width - labelWidth - 70) * row.value / largest)
            parts.append("""
            <text x="\(labelWidth - 6)" y="\(y + 17)" text-anchor="end" font-size="13" fill="\(text)">\(escape(clip(row.label, 24)))</text>\
            <rect x="\(labelWidth)" y="\(y + 4)" width="\(format(length))" height="\(rowHeight - 8)" fill="\(bar)"/>\
            <text x="\(format(labelWidth + length + 6))" y="\(y + 17)" font-size="13" fill="\(text)">\(escape(row.text))</text>
            """)
        }
        let summary = rows.map { "\($0.label): \($0.text)" }.joined(separator: "; ")
        return svg(width: width, height: height, title: title + ". " + summary, body: parts.joined())
    }

    /// Vertical columns, one per day of the month.
    static func columns(_ rows: [(label: String, value: Int)], title: String, empty: String) -> String {
        guard rows.contains(where: { $0.value > 0 }) else { return "<p>\(escape(empty))</p>" }
        let width = 480.0, height = 200.0, bottom = 24.0, left = 30.0
        let largest = Double(max(rows.map(\.value).max() ?? 0, 1))
        let step = (width - left) / Double(max(rows.count, 1))
        var parts = ["<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" stroke=\"\(text)\"/>",
                     "<text x=\"\(left - 4)\" y=\"14\" text-anchor=\"end\" font-size=\"11\" fill=\"\(text)\">\(Int(largest))</text>"]
        for (index, row) in rows.enumerated() {
            let h = (height - bottom - 10) * Double(row.value) / largest
            let x = left + Double(index) * step
            if row.value > 0 {
                parts.append("<rect x=\"\(format(x + 1))\" y=\"\(format(height - bottom - h))\" width=\"\(format(max(step - 2, 1)))\" height=\"\(format(h))\" fill=\"\(bar)\"/>")
            }
            if index % 5 == 0 {
                parts.append("<text x=\"\(format(x + step / 2))\" y=\"\(height - 8)\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(text)\">\(escape(row.label))</text>")
            }
        }
        let summary = rows.filter { $0.value > 0 }.map { "\($0.label): \($0.value)" }.joined(separator: "; ")
        return svg(width: width, height: height, title: title + ". " + summary, body: parts.joined())
    }

    static func svg(width: Double, height: Double, title: String, body: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(format(width)) \(format(height))" role="img" aria-label="\(escape(title))"><title>\(escape(title))</title>\(body)</svg>
        """
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func clip(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
