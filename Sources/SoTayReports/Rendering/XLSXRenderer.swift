import Foundation
import SoTayCore

/// The report as an Excel workbook (Office Open XML, ECMA-376), for the commune office that
/// retypes our numbers into its own spreadsheets. Written by hand, with `ZipWriter`, so that the
/// report module needs nothing beyond Foundation.
///
/// Two sheets: the indicators ("Chỉ tiêu": title, scope, one row per figure, then the split by
/// village, volunteer or procedure when there is one) and the details ("Chi tiết": every row of
/// every breakdown). Numbers are numeric cells, so Excel can sum them; a share is its percentage
/// (97.5, shown with one decimal), not a fraction. Strings are inline (`t="inlineStr"`), so the
/// package needs no shared string table. Labels follow `report.language`.
public enum XLSXRenderer {
    public static func render(_ report: Report) -> [UInt8] {
        let sheets = [indicatorSheet(report), detailSheet(report)]
        var zip = ZipWriter()
        zip.add(path: "[Content_Types].xml", data: Array(Package.contentTypes(sheets: sheets.count).utf8))
        zip.add(path: "_rels/.rels", data: Array(Package.rootRelationships.utf8))
        zip.add(path: "docProps/core.xml", data: Array(Package.coreProperties(report).utf8))
        zip.add(path: "docProps/app.xml", data: Array(Package.appProperties.utf8))
        zip.add(path: "xl/workbook.xml", data: Array(Package.workbook(sheets).utf8))
        zip.add(path: "xl/_rels/workbook.xml.rels", data: Array(Package.workbookRelationships(sheets: sheets.count).utf8))
        zip.add(path: "xl/styles.xml", data: Array(Package.styles.utf8))
        for (index, sheet) in sheets.enumerated() {
            zip.add(path: "xl/worksheets/sheet\(index + 1).xml", data: Array(sheet.xml.utf8))
        }
        return zip.finish()
    }

    // MARK: - Sheets

    /// Title, scope and time; the figures; the split by group, if any.
    static func indicatorSheet(_ report: Report) -> Worksheet {
        let vi = report.language == .vi
        let header = vi ? ["Mã", "Chỉ tiêu", "Giá trị", "Đơn vị", "Tử số", "Mẫu số", "Mục tiêu", "Cách tính"]
                        : ["Id", "Indicator", "Value", "Unit", "Numerator", "Denominator", "Target", "How it is counted"]
        var rows: [[Cell]] = [
            [.text(report.title, .title)],
            [.text(scopeLine(report), .plain)],
            [.text(timeLine(report), .plain)],
            [],
            header.map { .text($0, .header) },
        ]
        for figure in report.figures {
            rows.append([
                .text(figure.id, .plain), .text(figure.name, .wrapped), value(figure), .text(figure.unit, .plain),
                figure.numerator.map { .number(Double($0), .plain) } ?? .empty,
                figure.denominator.map { .number(Double($0), .plain) } ?? .empty,
                target(figure, report.language).map { .text($0, .plain) } ?? .empty, .text(figure.counting, .wrapped),
            ])
        }
        if let grouping = report.grouping {
            rows.append([])
            rows.append([.text(grouping.heading, .header)] + report.figures.map { .text($0.name, .wrappedHeader) })
            for group in grouping.groups {
                // By id rather than by position, so a group that lacks a figure shows a gap, not a shifted row.
                rows.append([.text(group.label, .wrapped)] + report.figures.map { figure in value(group.figures.first { $0.id == figure.id }) })
            }
        }
        return Worksheet(name: vi ? "Chỉ tiêu" : "Indicators", columnWidths: [16, 44, 10, 12, 11, 12, 12, 60], rows: rows)
    }

    /// Every breakdown row, long format, so the office can filter and pivot it.
    static func detailSheet(_ report: Report) -> Worksheet {
        let vi = report.language == .vi
        let header = vi ? ["Bảng", "Mã bảng", "Khóa", "Nội dung", "Giá trị", "Đơn vị"]
                        : ["Table", "Table id", "Key", "Label", "Value", "Unit"]
        var rows: [[Cell]] = [header.map { .text($0, .header) }]
        for breakdown in report.breakdowns {
            for row in breakdown.rows {
                rows.append([.text(breakdown.name, .plain), .text(breakdown.id, .plain), .text(row.key, .plain),
                             .text(row.label, .plain), .number(Double(row.value), .plain), .text(breakdown.unit, .plain)])
            }
        }
        return Worksheet(name: vi ? "Chi tiết" : "Details", columnWidths: [40, 18, 18, 44, 10, 12], rows: rows)
    }

    /// A share with one decimal shown; a count as a whole number; nothing when there is no value.
    private static func value(_ figure: Report.Figure?) -> Cell {
        guard let figure, let value = figure.value else { return .empty }
        return .number(value, figure.kind == .share ? .share : .plain)
    }

    /// "≥ 96%" ("≥ 96,5%" when the target has a fraction).
    private static func target(_ figure: Report.Figure, _ language: Language) -> String? {
        guard let target = figure.target else { return nil }
        return "≥ " + NumberText.percent(target, language).replacingOccurrences(of: language == .vi ? ",0%" : ".0%", with: "%")
    }

    /// Who and when: "Nguyễn Văn An · Thôn Đông, Xã Tân Hòa, Tỉnh Lào Cai · Tháng 11/2026 (01/11/2026–30/11/2026)".
    static func scopeLine(_ report: Report) -> String {
        let scope = report.scope
        var parts: [String] = []
        if let volunteer = scope.volunteer { parts.append(volunteer) }
        parts.append([scope.village, scope.commune, scope.province].compactMap { $0 }.joined(separator: ", "))
        let first = CalendarDate.today(at: report.from), last = CalendarDate.today(at: report.to.addingTimeInterval(-1))
        if report.language == .vi {
            parts.append("Tháng \(ReportMonth(report.month)?.vietnamese ?? report.month) (\(first.vietnamese)–\(last.vietnamese))")
        } else {
            parts.append("Month \(report.month) (\(first.iso) to \(last.iso))")
        }
        return parts.joined(separator: " · ")
    }

    /// The report's days and times are Vietnam's, whatever the reader's computer says; and when it was made.
    static func timeLine(_ report: Report) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .vietnam
        let parts = calendar.dateComponents([.hour, .minute], from: report.generatedAt)
        let day = CalendarDate.today(at: report.generatedAt)
        let clock = String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        return report.language == .vi ? "Giờ Việt Nam (UTC+7) · Lập lúc \(clock) ngày \(day.vietnamese)"
                                      : "Vietnam time (UTC+7) · Generated \(day.iso) \(clock)"
    }
}

// MARK: - Worksheet XML

extension XLSXRenderer {
    /// The cell formats of `Package.styles`; the raw value is the index into its `cellXfs`.
    enum Style: Int {
        case plain = 0
        case header = 1
        /// A percentage with one decimal: the value is 97.5, not 0.975, so the format is `0.0`, not `0.0%`.
        case share = 2
        case wrapped = 3
        case title = 4
        case wrappedHeader = 5
    }

    enum Cell {
        /// Nothing: no value, not even an empty one.
        case empty
        /// Written even when empty: a breakdown row's key "" (not recorded) is a value, and
        /// readers then see "" rather than a blank cell.
        case text(String, Style)
        case number(Double, Style)
    }

    /// One sheet: rows of cells from A1, and column widths in characters from column A.
    struct Worksheet {
        var name: String
        var columnWidths: [Int]
        var rows: [[Cell]]

        /// The name Excel accepts: at most 31 UTF-16 units, none of `[]:*?/\`, no apostrophe at either end.
        var safeName: String {
            var cleaned = ""
            for character in name.map({ "[]:*?/\\".contains($0) ? " " : $0 }) {
                guard cleaned.utf16.count + String(character).utf16.count <= 31 else { break }
                cleaned.append(character)
            }
            return cleaned.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }

        var xml: String {
            var xml = Package.declaration
                + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            if !columnWidths.isEmpty {
                xml += "<cols>"
                for (index, width) in columnWidths.enumerated() {
                    xml += #"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(width)" customWidth="1"/>"#
                }
                xml += "</cols>"
            }
            xml += "<sheetData>"
            for (rowIndex, cells) in rows.enumerated() {
                let reference = { (column: Int) in Self.columnName(column) + String(rowIndex + 1) }
                let written = cells.enumerated().compactMap { column, cell in Self.xml(cell, at: reference(column)) }
                guard !written.isEmpty else { continue }  // an empty row is simply not written
                xml += #"<row r="\#(rowIndex + 1)">"# + written.joined() + "</row>"
            }
            return xml + "</sheetData></worksheet>"
        }

        /// A cell, or nil for one that is not written (`.empty`, or a number XML cannot hold).
        private static func xml(_ cell: Cell, at reference: String) -> String? {
            switch cell {
            case .empty:
                return nil
            case .text(let text, let style):
                return #"<c r="\#(reference)"\#(attribute(style)) t="inlineStr"><is><t xml:space="preserve">"#
                    + XMLText.escape(XMLText.spreadsheetString(text)) + "</t></is></c>"
            case .number(let value, let style):
                guard let number = number(value) else { return nil }
                return #"<c r="\#(reference)"\#(attribute(style))><v>\#(number)</v></c>"#
            }
        }

        private static func attribute(_ style: Style) -> String {
            style == .plain ? "" : #" s="\#(style.rawValue)""#
        }

        /// Whole numbers without ".0" (read back as integers); others in Swift's shortest form that
        /// reads back as the same double (an `xsd:double`); nothing for NaN or infinity.
        static func number(_ value: Double) -> String? {
            guard value.isFinite else { return nil }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
            return "\(value)"
        }

        /// Column letters from a zero-based index: A…Z, AA…AZ, BA….
        static func columnName(_ index: Int) -> String {
            var number = index + 1, name = ""
            while number > 0 {
                let remainder = (number - 1) % 26
                name.insert(Character(Unicode.Scalar(UInt8(65 + remainder))), at: name.startIndex)
                number = (number - 1) / 26
            }
            return name
        }
    }

    /// Text for XML parts.
    enum XMLText {
        /// Escapes the five XML special characters and drops the characters XML 1.0 cannot carry at
        /// all (control characters other than tab, line feed and carriage return; U+FFFE, U+FFFF):
        /// one stray control character from a pasted label would otherwise make Excel refuse the file.
        /// A carriage return is written as a reference, since a parser would turn a literal one into a line feed.
        static func escape(_ text: String) -> String {
            var escaped = ""
            escaped.reserveCapacity(text.utf8.count)
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": escaped += "&amp;"
                case "<": escaped += "&lt;"
                case ">": escaped += "&gt;"
                case "\"": escaped += "&quot;"
                case "'": escaped += "&apos;"
                case "\r": escaped += "&#13;"
                case "\t", "\n": escaped.unicodeScalars.append(scalar)
                default:
                    if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF {
                        escaped.unicodeScalars.append(scalar)
                    }
                }
            }
            return escaped
        }

        /// Excel reads `_xHHHH_` in cell text as the character U+HHHH (ECMA-376 Part 1, 22.9.2.19,
        /// ST_Xstring), so a label that really contains such a sequence has its underscore written
        /// as `_x005F_`, the escaped underscore.
        static func spreadsheetString(_ text: String) -> String {
            guard text.contains("_x") else { return text }
            return text.replacingOccurrences(of: "_(?=x[0-9A-Fa-f]{4}_)", with: "_x005F_", options: .regularExpression)
        }
    }
}

// MARK: - Package parts

extension XLSXRenderer {
    /// The fixed parts of the package, and the ones that only list the sheets.
    enum Package {
        static let declaration = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"

        static func contentTypes(sheets: Int) -> String {
            let worksheets = (0..<sheets).map { index in
                #"<Override PartName="/xl/worksheets/sheet\#(index + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            }
            return ([
                declaration,
                #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
                #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
                #"<Default Extension="xml" ContentType="application/xml"/>"#,
                #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
            ] + worksheets + [
                #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
                #"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
                #"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
                "</Types>",
            ]).joined()
        }

        static let rootRelationships = [
            declaration,
            #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
            #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
            #"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
            "</Relationships>",
        ].joined()

        /// Title, language and time of the report, shown in the file's properties. W3CDTF in UTC
        /// without fractions: `2026-12-05T01:30:00Z`.
        static func coreProperties(_ report: Report) -> String {
            let created = report.generatedAt.formatted(Date.ISO8601FormatStyle())
            return [
                declaration,
                #"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties""#,
                #" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/""#,
                #" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
                "<dc:title>\(XMLText.escape(report.title))</dc:title>",
                "<dc:creator>Sổ Tay</dc:creator>",
                "<dc:language>\(report.language == .vi ? "vi-VN" : "en")</dc:language>",
                #"<dcterms:created xsi:type="dcterms:W3CDTF">\#(created)</dcterms:created>"#,
                #"<dcterms:modified xsi:type="dcterms:W3CDTF">\#(created)</dcterms:modified>"#,
                "</cp:coreProperties>",
            ].joined()
        }

        static let appProperties = [
            declaration,
            #"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties""#,
            #" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
            "<Application>Sổ Tay</Application>",
            "</Properties>",
        ].joined()

        static func workbook(_ sheets: [Worksheet]) -> String {
            let entries = sheets.enumerated().map { index, sheet in
                #"<sheet name="\#(XMLText.escape(sheet.safeName))" sheetId="\#(index + 1)" r:id="rId\#(index + 1)"/>"#
            }
            return ([
                declaration,
                #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#,
                #" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
                #"<bookViews><workbookView activeTab="0"/></bookViews><sheets>"#,
            ] + entries + ["</sheets></workbook>"]).joined()
        }

        /// The sheets are rId1…rIdN, as `workbook(_:)` names them; the styles come after.
        static func workbookRelationships(sheets: Int) -> String {
            let worksheets = (0..<sheets).map { index in
                #"<Relationship Id="rId\#(index + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(index + 1).xml"/>"#
            }
            return ([
                declaration,
                #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            ] + worksheets + [
                #"<Relationship Id="rId\#(sheets + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
                "</Relationships>",
            ]).joined()
        }

        /// Fonts: regular, bold (headers), bold 14 pt (the title). `cellXfs` in the order of `Style`.
        /// Excel requires the two default fills (none, gray125) and one border even when unused.
        static let styles = [
            declaration,
            #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
            #"<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>"#,
            #"<fonts count="3">"#,
            #"<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#,
            #"<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#,
            #"<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>"#,
            "</fonts>",
            #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
            #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
            #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
            #"<cellXfs count="6">"#,
            #"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
            #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#,
            #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#,
            #"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>"#,
            #"<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#,
            #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>"#,
            "</cellXfs>",
            #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#,
            "</styleSheet>",
        ].joined()
    }
}
