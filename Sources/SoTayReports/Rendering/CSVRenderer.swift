import Foundation
import SoTayCore

/// The report as one CSV table (RFC 4180: commas, CRLF, quotes doubled), UTF-8 with a byte order
/// mark so that Excel opens Vietnamese text correctly. Long format, one figure per line:
///
///     section,group,id,name,value,unit,numerator,denominator,target
///
/// `section` is `indicator` (the month's figures), `breakdown` (one line per row of a breakdown:
/// group = the breakdown's id, id = the row's key, name = its label) or `group` (figures of one
/// group of a split report: group = the group's label). Numbers use a dot for decimals.
public enum CSVRenderer {
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    public static func render(_ report: Report) -> [UInt8] {
        let vi = report.language == .vi
        var rows: [[String]] = [
            vi ? ["phần", "nhóm", "mã", "nội dung", "giá trị", "đơn vị", "tử số", "mẫu số", "mục tiêu"]
               : ["section", "group", "id", "name", "value", "unit", "numerator", "denominator", "target"],
        ]
        for figure in report.figures {
            rows.append(["indicator", "", figure.id, figure.name] + numbers(figure))
        }
        for breakdown in report.breakdowns {
            for row in breakdown.rows {
                rows.append(["breakdown", breakdown.id, row.key, row.label, String(row.value), breakdown.unit, "", "", ""])
            }
        }
        for group in report.grouping?.groups ?? [] {
            for figure in group.figures {
                rows.append(["group", group.label, figure.id, figure.name] + numbers(figure))
            }
        }
        let text = rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return byteOrderMark + Array(text.utf8)
    }

    private static func numbers(_ figure: Report.Figure) -> [String] {
        [figure.value.map(number) ?? "", figure.unit, figure.numerator.map(String.init) ?? "", figure.denominator.map(String.init) ?? "",
         figure.target.map(number) ?? ""]
    }

    /// Whole numbers without a decimal part; shares to one decimal.
    static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(format: "%.1f", tenths / 10)
    }

    /// A field, quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
