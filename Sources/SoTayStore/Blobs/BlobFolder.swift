import Crypto
import Foundation
import SoTayCore
#if canImport(Glibc)
import Glibc
#endif

/// A blob the folder holds: the bytes of one photo or scan, named by their SHA-256.
public struct StoredBlob: Sendable, Hashable {
    public var sha256: String
    public var size: Int64
    public var kind: FileKind
}

/// The store's blob folder: each file once, under its SHA-256 (`blobs/ab/abcdef…`), sealed.
///
/// A file comes in through `importFile`, which checks it, seals it segment by segment into a
/// temporary file while hashing the plain bytes, makes the copy durable, and only then renames
/// it into place. A crash at any point leaves either no blob or a whole one; the volunteer's
/// original file is only ever read. What lies in the folder is ciphertext (`SealedFile`): a
/// copy of the folder shows no photo without the passphrase.
public struct BlobFolder: Sendable {
    public let url: URL
    public let maxBytes: Int64
    /// The data key; without it files can be counted and removed, not added or read.
    let vault: Vault?

    /// 15 MB: a phone photo of a paper is 2–5 MB, a multi-page PDF scan rarely more than 10.
    public static let defaultMaxBytes: Int64 = 15_000_000

    init(url: URL, maxBytes: Int64 = BlobFolder.defaultMaxBytes, vault: Vault?) {
        self.url = url
        self.maxBytes = maxBytes
        self.vault = vault
    }

    /// The plain bytes of a blob, read a range at a time.
    public func reader(sha256: String) throws(AttachmentError) -> BlobReader {
        guard let vault else { throw .locked }
        return try BlobReader(url: fileURL(sha256: sha256), vault: vault)
    }

    public func fileURL(sha256: String) -> URL {
        url.appending(path: String(sha256.prefix(2))).appending(path: sha256)
    }

    public func contains(sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: fileURL(sha256: sha256).path)
    }

    /// Checks `source` and copies it in. The file's name is not used for anything here.
    public func importFile(at source: URL) throws(AttachmentError) -> StoredBlob {
        guard let vault else { throw .locked }
        let label = source.lastPathComponent
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: source.path, isDirectory: &isDirectory) else { throw .fileNotFound(label) }
        guard !isDirectory.boolValue,
              let attributes = try? fileManager.attributesOfItem(atPath: source.path),
              attributes[.type] as? FileAttributeType == .typeRegular
        else { throw .notAFile(label) }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        guard size > 0 else { throw .empty(label) }
        guard size <= maxBytes else { throw .tooLarge(label, size: size, limit: maxBytes) }
        guard let input = try? FileHandle(forReadingFrom: source) else { throw .cannotRead(label) }
        defer { try? input.close() }

        let kind = try sniff(input, size: size, label: label)
        return try copy(input, size: size, kind: kind, label: label, vault: vault)
    }

    private func sniff(_ input: FileHandle, size: Int64, label: String) throws(AttachmentError) -> FileKind {
        do {
            let head = try input.read(upToCount: FileKind.headLength) ?? Data()
            let tailStart = UInt64(max(0, size - Int64(FileKind.tailLength)))
            try input.seek(toOffset: tailStart)
            let tail = try input.read(upToCount: FileKind.tailLength) ?? Data()
            try input.seek(toOffset: 0)
            switch FileKind.sniff(head: Array(head), tail: Array(tail)) {
            case .success(let kind): return kind
            case .failure(.empty): throw AttachmentError.empty(label)
            case .failure(.unknownKind): throw AttachmentError.unknownKind(label)
            case .failure(.truncated(let kind)): throw AttachmentError.truncated(label, kind)
            }
        } catch let error as AttachmentError {
            throw error
        } catch {
            throw .cannotRead(label)
        }
    }

    private func copy(_ input: FileHandle, size: Int64, kind: FileKind, label: String, vault: Vault) throws(AttachmentError) -> StoredBlob {
        let fileManager = FileManager.default
        let temporaryFolder = url.appending(path: "tmp")
        do {
            try fileManager.createDirectory(at: temporaryFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotWrite(url.path)
        }
        let temporary = temporaryFolder.appending(path: UUID().uuidString.lowercased())
        guard fileManager.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = try? FileHandle(forWritingTo: temporary)
        else { throw .cannotWrite(url.path) }
        var moved = false
        defer {
            try? output.close()
            if !moved { try? fileManager.removeItem(at: temporary) }
        }

        var hasher = SHA256()
        var copied: Int64 = 0
        var sealer = SealedFile.Writer(vault: vault, length: size)
        var pending = Data()
        do {
            try output.write(contentsOf: sealer.header)
            while let chunk = try input.read(upToCount: 256 << 10), !chunk.isEmpty {
                hasher.update(data: chunk)
                copied += Int64(chunk.count)
                guard copied <= size else { break }
                pending.append(chunk)
                while pending.count >= SealedFile.segmentLength && (copied < size || pending.count > SealedFile.segmentLength) {
                    try output.write(contentsOf: try sealer.seal(pending.prefix(SealedFile.segmentLength)))
                    pending = Data(pending.dropFirst(SealedFile.segmentLength))
                }
            }
            if copied == size {
                try output.write(contentsOf: try sealer.seal(pending))
            }
        } catch is CryptoKitError {
            throw .cannotWrite(url.path)
        } catch {
            throw Self.isDiskFull(error) ? .diskFull : .cannotRead(label)
        }
        // A file still being written (a phone still copying it over) is not taken half-way.
        guard copied == size else { throw .changedWhileReading(label) }
        do {
            try output.synchronize()
        } catch {
            throw .diskFull
        }
        let sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let destination = fileURL(sha256: sha256)
        do {
            try fileManager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
            if !fileManager.fileExists(atPath: destination.path) {
                try fileManager.moveItem(at: temporary, to: destination)
                moved = true
                Self.synchronizeFolder(destination.deletingLastPathComponent())
            }
        } catch {
            throw .cannotWrite(url.path)
        }
        return StoredBlob(sha256: sha256, size: size, kind: kind)
    }

    /// Seals a file stored in clear by an older version into `destination`, durably.
    func writeSealedCopy(of plain: URL, to destination: URL) throws {
        guard let vault else { throw AttachmentError.locked }
        let input = try FileHandle(forReadingFrom: plain)
        defer { try? input.close() }
        let size = Int64(try input.seekToEnd())
        try input.seek(toOffset: 0)
        guard FileManager.default.createFile(atPath: destination.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw AttachmentError.cannotWrite(destination.path)
        }
        let output = try FileHandle(forWritingTo: destination)
        defer { try? output.close() }
        var sealer = SealedFile.Writer(vault: vault, length: size)
        try output.write(contentsOf: sealer.header)
        var remaining = size
        repeat {
            let segment = try input.read(upToCount: Int(min(remaining, Int64(SealedFile.segmentLength)))) ?? Data()
            guard !segment.isEmpty || remaining == 0 else { throw AttachmentError.changedWhileReading(plain.lastPathComponent) }
            try output.write(contentsOf: try sealer.seal(segment))
            remaining -= Int64(segment.count)
        } while remaining > 0
        try output.synchronize()
    }

    /// Removes the blobs whose hashes are given. Missing files are fine.
    public func remove(_ hashes: some Sequence<String>) {
        for sha256 in hashes {
            try? FileManager.default.removeItem(at: fileURL(sha256: sha256))
        }
    }

    /// Makes a rename durable: the folder entry itself is flushed.
    static func synchronizeFolder(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    private static func isDiskFull(_ error: any Error) -> Bool {
        let nsError = error as NSError
        return nsError.code == Int(ENOSPC) || (nsError.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ENOSPC)
    }
}

/// Why a file could not be attached, said so the volunteer knows what to do.
public enum AttachmentError: Error, Sendable, Hashable, LocalizedMessage {
    case fileNotFound(String)
    case notAFile(String)
    case empty(String)
    case tooLarge(String, size: Int64, limit: Int64)
    case unknownKind(String)
    case truncated(String, FileKind)
    case changedWhileReading(String)
    case cannotRead(String)
    case cannotWrite(String)
    case diskFull
    case invalidLabel(String)
    case unknownDocument(String, valid: [String])
    /// The passphrase was not given: photos can be neither added nor read.
    case locked
    case blobMissing
    case blobDamaged

    public func message(_ language: Language) -> String {
        let nothing = pick(language, vi: " Không có gì được lưu.", en: " Nothing was stored.")
        switch self {
        case .fileNotFound(let name):
            return pick(language, vi: "Không thấy tệp \"\(name)\". Kiểm tra lại đường dẫn (gõ Tab để gợi ý tên tệp).",
                        en: "There is no file \"\(name)\". Check the path (press Tab to complete file names).")
        case .notAFile(let name):
            return pick(language, vi: "\"\(name)\" không phải một tệp (có thể là thư mục). Chọn tệp ảnh hoặc PDF.",
                        en: "\"\(name)\" is not a file (perhaps a folder). Choose a photo or a PDF.") + nothing
        case .empty(let name):
            return pick(language, vi: "Tệp \"\(name)\" rỗng. Chụp hoặc chép lại tệp.", en: "\"\(name)\" is empty. Take or copy the file again.") + nothing
        case .tooLarge(let name, let size, let limit):
            return pick(language, vi: "Tệp \"\(name)\" nặng \(Self.megabytes(size)), quá giới hạn \(Self.megabytes(limit)). Chụp lại với độ phân giải thấp hơn, hoặc đổi giới hạn: sotay settings attachment-max-mb SỐ.",
                        en: "\"\(name)\" is \(Self.megabytes(size)), over the \(Self.megabytes(limit)) limit. Take it again at a lower resolution, or change the limit: sotay settings attachment-max-mb N.") + nothing
        case .unknownKind(let name):
            return pick(language, vi: "Tệp \"\(name)\" không phải ảnh JPEG, PNG hay tệp PDF (Sổ Tay xem nội dung tệp, không xem đuôi tên). Chỉ đính kèm ảnh chụp hoặc bản quét giấy tờ.",
                        en: "\"\(name)\" is not a JPEG or PNG image or a PDF (Sổ Tay reads the file's contents, not its name). Attach only photos or scans of papers.") + nothing
        case .truncated(let name, let kind):
            return pick(language, vi: "Tệp \"\(name)\" là \(kind.title.vi) nhưng bị thiếu phần cuối (chép chưa xong hoặc bị hỏng). Chép hoặc chụp lại tệp.",
                        en: "\"\(name)\" is a \(kind.title.text(.en)) but its end is missing (not fully copied, or damaged). Copy or take it again.") + nothing
        case .changedWhileReading(let name):
            return pick(language, vi: "Tệp \"\(name)\" thay đổi trong lúc đọc (có thể đang được chép vào). Đợi chép xong rồi thử lại.",
                        en: "\"\(name)\" changed while being read (perhaps still being copied). Wait until it is done and try again.") + nothing
        case .cannotRead(let name):
            return pick(language, vi: "Không đọc được tệp \"\(name)\". Kiểm tra quyền đọc tệp.", en: "Cannot read \"\(name)\". Check the file's read permission.") + nothing
        case .cannotWrite(let path):
            return pick(language, vi: "Không ghi được vào thư mục \(path). Kiểm tra quyền ghi.", en: "Cannot write to \(path). Check write permission.") + nothing
        case .diskFull:
            return pick(language, vi: "Máy hết chỗ trống. Xóa bớt tệp không cần rồi thử lại.", en: "The disk is full. Free some space and try again.") + nothing
        case .invalidLabel(let label):
            return pick(language, vi: "Tên \"\(label)\" không dùng được: tên tệp đính kèm chỉ là một cái tên, không được có dấu / hay \\ hoặc là . hay ..",
                        en: "The name \"\(label)\" cannot be used: an attachment's name is just a name, with no / or \\, and not . or ..") + nothing
        case .unknownDocument(let id, let valid):
            let list = valid.isEmpty ? pick(language, vi: "thủ tục này không có giấy tờ nào", en: "this procedure lists no papers") : valid.joined(separator: ", ")
            return pick(language, vi: "Thủ tục này không có giấy tờ mã \"\(id)\". Các mã giấy tờ: \(list).",
                        en: "This procedure has no paper \"\(id)\". Paper ids: \(list).") + nothing
        case .locked:
            return pick(language, vi: "Ảnh giấy tờ được mã hóa: cần cụm mật khẩu của Sổ Tay để thêm hoặc mở ảnh. Chạy lệnh trong cửa sổ dòng lệnh (sẽ hỏi mật khẩu) hoặc đặt biến SOTAY_PASSPHRASE.",
                        en: "Photos of papers are encrypted: Sổ Tay's passphrase is needed to add or open one. Run the command in a terminal (it will ask) or set SOTAY_PASSPHRASE.") + nothing
        case .blobMissing:
            return pick(language, vi: "Không thấy tệp ảnh đã lưu trên máy (có thể đã bị xóa sau thời hạn lưu giữ). Đính kèm lại ảnh nếu còn cần.",
                        en: "The stored photo is not on this laptop (it may have been removed after the retention period). Attach it again if it is still needed.")
        case .blobDamaged:
            return pick(language, vi: "Tệp ảnh đã lưu bị hỏng hoặc bị sửa (không giải mã được). Đính kèm lại ảnh từ bản gốc.",
                        en: "The stored photo is damaged or was altered (it does not decrypt). Attach it again from the original.")
        }
    }

    static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
