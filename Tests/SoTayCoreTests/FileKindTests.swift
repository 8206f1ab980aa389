import SoTayCore
import Testing

@Suite("Core: what a file is, from its bytes")
struct FileKindTests {
    let jpegHead: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01]
    let pngHead: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52]
    let pngEnd: [UInt8] = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]

    @Test("Whole JPEG, PNG and PDF files are recognised, trailing padding allowed")
    func whole() {
        #expect(FileKind.sniff(head: jpegHead, tail: [1, 2, 0xFF, 0xD9]) == .success(.jpeg))
        #expect(FileKind.sniff(head: jpegHead, tail: [1, 2, 0xFF, 0xD9, 0, 0, 0x0A]) == .success(.jpeg))
        #expect(FileKind.sniff(head: pngHead, tail: [9, 9] + pngEnd) == .success(.png))
        #expect(FileKind.sniff(head: Array("%PDF-1.7\n%âãÏÓ".utf8), tail: Array("endobj\ntrailer\n%%EOF\n".utf8)) == .success(.pdf))
    }

    @Test("A cut-off file is named as the kind it started as, and refused")
    func truncated() {
        #expect(FileKind.sniff(head: jpegHead, tail: [1, 2, 3, 4]) == .failure(.truncated(.jpeg)))
        #expect(FileKind.sniff(head: pngHead, tail: [1, 2, 3]) == .failure(.truncated(.png)))
        #expect(FileKind.sniff(head: Array("%PDF-1.4".utf8), tail: Array("stream...".utf8)) == .failure(.truncated(.pdf)))
    }

    @Test("Anything else is refused, whatever it is called")
    func unknown() {
        #expect(FileKind.sniff(head: Array("Hello, this is text".utf8), tail: [0xFF, 0xD9]) == .failure(.unknownKind))
        #expect(FileKind.sniff(head: [0x50, 0x4B, 0x03, 0x04], tail: []) == .failure(.unknownKind)) // a .docx (zip)
        #expect(FileKind.sniff(head: [], tail: []) == .failure(.empty))
    }

    @Test("A label is one plain name, never a path")
    func labels() {
        #expect(AttachmentLabel.isValid("giấy chứng sinh (bản chính).jpg"))
        #expect(AttachmentLabel.isValid("ảnh...jpg"))
        for bad in ["../../etc/passwd", "a/b.jpg", "..", ".", "", "a\\b", "tab\tname", String(repeating: "x", count: 201)] {
            #expect(!AttachmentLabel.isValid(bad), "\(bad)")
        }
    }
}
