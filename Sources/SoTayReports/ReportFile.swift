import Foundation
import SoTayCore

/// Where a rendered report goes, for both commands (`sotay report`, `sotay-hub report`): the
/// terminal for table, CSV and JSON; a file for XLSX and HTML, or for any format with `--out`.
///
/// A file is written whole or not at all: the bytes go to a temporary file beside it, are
/// flushed, and the temporary file is renamed over the target. A full disk or a killed process
/// leaves the previous file (or none), never half a report.
public enum ReportFile {
    public enum Failure: Error, Sendable, LocalizedMessage {
        case unknownFormat(String)
        case cannotWrite(path: String)

        public func message(_ language: Language) -> String {
            switch self {
            case .unknownFormat(let text):
                pick(language, vi: "Dạng báo cáo \"\(text)\" không có. Chọn một trong: table, csv, xlsx, html, json.",
                     en: "There is no report format \"\(text)\". Choose one of: table, csv, xlsx, html, json.")
            case .cannotWrite(let path):
                pick(language, vi: "Không ghi được tệp \(path). Kiểm tra thư mục có tồn tại và cho phép ghi; không có tệp dở dang nào được để lại.",
                     en: "Cannot write \(path). Check the folder exists and is writable; no partial file was left.")
            }
        }
    }

    /// `--format`, read leniently (`XLSX`, ` html `).
    public static func format(_ text: String) throws(Failure) -> ReportFormat {
        guard let format = ReportFormat(rawValue: text.lowercased().trimmingCharacters(in: .whitespaces)) else { throw .unknownFormat(text) }
        return format
    }

    /// Renders and delivers the report. Returns the path written, or nil when it went to standard output.
    @discardableResult
    public static func deliver(_ report: Report, format: ReportFormat, out: String?, prefix: String = "bao-cao") throws(Failure) -> String? {
        let bytes = format.render(report)
        let path = out ?? (format == .xlsx || format == .html ? "\(prefix)-\(report.month).\(format.fileExtension)" : nil)
        guard let path else {
            FileHandle.standardOutput.write(Data(bytes))
            return nil
        }
        try write(bytes, to: path)
        return path
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue { throw .cannotWrite(path: path) }
        let temporary = url.deletingLastPathComponent().appending(path: ".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o644]),
              let handle = try? FileHandle(forWritingTo: temporary)
        else { throw .cannotWrite(path: path) }
        do {
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else { throw Failure.cannotWrite(path: path) }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw .cannotWrite(path: path)
        }
    }

    /// The line a command prints after writing a file.
    public static func written(_ report: Report, path: String, language: Language) -> String {
        language == .vi ? "✓ Đã ghi báo cáo tháng \(report.month) vào \(path)" : "✓ Wrote the \(report.month) report to \(path)"
    }
}
