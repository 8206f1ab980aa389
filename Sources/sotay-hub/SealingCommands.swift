import ArgumentParser
import Foundation
import SoTayHub

/// `sotay-hub blobs export`: attachments opened out of their sealed files, by hash.
struct Blobs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Tệp đính kèm (ảnh, bản chụp giấy tờ) máy chủ giữ, đã mã hóa.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Giải mã tệp đính kèm ra một thư mục (quyền 600), theo mã SHA-256 (xem: sotay-hub dossiers show MÃ).")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Mã SHA-256 của tệp (64 chữ số hex).", valueName: "sha256")) var hashes: [String]
        @Option(help: ArgumentHelp("Thư mục ghi ra.", valueName: "thư-mục")) var out: String

        func run() async throws {
            let (options, hashes) = (options, hashes)
            let folder = URL(fileURLWithPath: out)
            try Blobs.makeFolder(folder, options: options)
            try await options.withRepository { store in
                for hash in hashes {
                    let destination = folder.appending(path: hash.lowercased())
                    // An opened copy of a resident's paper leaves the hub: logged before it is written.
                    try await store.appendAudit(options.localActor, .attachmentDownload, dossierIDs: [], blobSHA256: hash.lowercased(), volunteerID: nil, now: Date())
                    try await store.exportBlob(sha256: hash.lowercased(), to: destination)
                    print(destination.path)
                }
            }
        }
    }

    /// The folder for opened copies, made 0700 if it is not there.
    static func makeFolder(_ folder: URL, options: HubOptions) throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ValidationError(options.t("Không tạo được thư mục \(folder.path).", "Cannot create the folder \(folder.path)."))
        }
    }

    /// `giay_chung_sinh-3f6c2a9e8b1d.jpg`: the paper it shows and the start of its hash, never a
    /// name that came from a laptop.
    static func exportName(_ sha256: String, mediaType: String, document: String?, in folder: URL) -> URL {
        let suffix = switch mediaType {
        case "image/jpeg": ".jpg"
        case "image/png": ".png"
        case "application/pdf": ".pdf"
        default: ""
        }
        return folder.appending(path: "\(document ?? "tep")-\(sha256.prefix(12))\(suffix)")
    }
}

/// `sotay-hub key`: the data key that seals the residents' personal data.
struct Key: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Khóa dữ liệu mã hóa dữ liệu cá nhân: kiểm tra khóa khớp với cơ sở dữ liệu.",
                                                    subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mở cơ sở dữ liệu bằng khóa (tạo khóa nếu là lần đầu) và in dấu vân tay của khóa, để so với bản sao lưu.")
        @OptionGroup var options: HubOptions

        func run() throws {
            let store = try options.openStore()
            print(options.t("Khóa dữ liệu \(store.dataKeyFile.path) khớp với \(store.databaseURL.path).",
                            "The data key \(store.dataKeyFile.path) matches \(store.databaseURL.path)."))
            print(options.t("Dấu vân tay: \(store.dataKeyFingerprint)", "Fingerprint: \(store.dataKeyFingerprint)"))
        }
    }
}
