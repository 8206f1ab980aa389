import Foundation

/// The kinds of file a dossier may carry: photos and scans of papers.
///
/// A file's kind is read from its bytes, never from its name: a renamed text file is not a
/// photo, and a photo cut off in the middle of copying from a phone is not a whole photo.
public enum FileKind: String, Sendable, Hashable, CaseIterable, Codable {
    case jpeg
    case png
    case pdf

    /// The media type the protocol carries.
    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .pdf: "application/pdf"
        }
    }

    public init?(mediaType: String) {
        guard let kind = Self.allCases.first(where: { $0.mediaType == mediaType }) else { return nil }
        self = kind
    }

    public var title: LocalizedText {
        switch self {
        case .jpeg: LocalizedText(vi: "ảnh JPEG", en: "JPEG photo")
        case .png: LocalizedText(vi: "ảnh PNG", en: "PNG image")
        case .pdf: LocalizedText(vi: "tệp PDF", en: "PDF file")
        }
    }

    /// How many bytes of the start and of the end `sniff` needs to see.
    public static let headLength = 16
    public static let tailLength = 1024

    /// Why a file is not accepted.
    public enum Refusal: Sendable, Hashable, Error {
        /// Not a JPEG, PNG or PDF at all (a text file renamed `.jpg`, a Word document).
        case unknownKind
        /// The start says JPEG, PNG or PDF but the end is missing: the copy was cut off.
        case truncated(FileKind)
        case empty
    }

    /// Decides the kind from the first bytes (`head`) and the last bytes (`tail`) of a file.
    ///
    /// Each format has a mark at the start and one at the end: JPEG starts with SOI and a
    /// marker and ends with EOI (`FF D9`); PNG starts with its 8-byte signature and an IHDR
    /// chunk and ends with the IEND chunk; PDF starts with `%PDF-` and has `%%EOF` near the end.
    /// Trailing NUL, space or newline bytes after the end mark are tolerated, as scanners add them.
    public static func sniff(head: [UInt8], tail: [UInt8]) -> Result<FileKind, Refusal> {
        guard !head.isEmpty else { return .failure(.empty) }
        let end = Array(tail.reversed().drop(while: { $0 == 0 || $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }).reversed())
        if head.starts(with: [0xFF, 0xD8, 0xFF]) {
            return end.suffix(2) == [0xFF, 0xD9] ? .success(.jpeg) : .failure(.truncated(.jpeg))
        }
        if head.starts(with: pngSignature) && head.count >= 16 && Array(head[12..<16]) == Array("IHDR".utf8) {
            return end.suffix(12).elementsEqual(pngEnd) ? .success(.png) : .failure(.truncated(.png))
        }
        if head.starts(with: Array("%PDF-".utf8)) {
            return contains(end.suffix(tailLength), Array("%%EOF".utf8)) ? .success(.pdf) : .failure(.truncated(.pdf))
        }
        return .failure(.unknownKind)
    }

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// An empty IEND chunk: length 0, type, and its fixed CRC.
    private static let pngEnd: [UInt8] = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        let bytes = Array(haystack)
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// What an attachment is called on screen. The name a file had on the volunteer's disk is kept
/// only as this label: it never becomes part of a path, here or on the hub.
public enum AttachmentLabel {
    /// A label is one plain name: no folder separators, no `.`/`..`, no control characters.
    public static func isValid(_ label: String) -> Bool {
        let trimmed = label.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200, trimmed != ".", trimmed != ".." else { return false }
        return !trimmed.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.properties.generalCategory == .control }
    }
}
