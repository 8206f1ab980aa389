import Foundation
import SoTayCore

/// The formats a report is written in; all render the same `Report`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table
    case csv
    case xlsx
    case html
    case json

    /// The file name extension, for `--out` defaults and checks.
    public var fileExtension: String {
        switch self {
        case .table: "txt"
        case .csv, .xlsx, .html, .json: rawValue
        }
    }

    /// Whether the bytes are for a file rather than a terminal.
    public var isBinary: Bool { self == .xlsx }

    public func render(_ report: Report) -> [UInt8] {
        switch self {
        case .table: Array(TableRenderer.render(report).utf8)
        case .csv: CSVRenderer.render(report)
        case .xlsx: XLSXRenderer.render(report)
        case .html: Array(HTMLRenderer.render(report).utf8)
        case .json: JSONRenderer.render(report)
        }
    }
}

/// The report for other tools: every figure with its id, numbers as numbers, dates in ISO 8601.
public enum JSONRenderer {
    public static func render(_ report: Report) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // A Report holds only strings, integers and finite doubles: encoding cannot fail.
        return ((try? encoder.encode(report)) ?? Data()).map { $0 } + [0x0A]
    }

    public static func decode(_ bytes: [UInt8]) throws -> Report {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Report.self, from: Data(bytes))
    }
}
