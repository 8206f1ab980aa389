import ArgumentParser
import Foundation
import Logging
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

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mở cơ sở dữ liệu bằng khóa (tạo khóa nếu là lần đầu) và in dấu vân tay của khóa, để so với bản sao lưu.")
        @OptionGroup var options: HubOptions

        func run() async throws {
            // Opening the store is the check: a key that did not seal this database is refused there.
            let (file, database, fingerprint): (String, String, String)
            if let url = options.databaseURL {
                var logger = Logger(label: "sotay-hub")
                logger.logLevel = .warning
                let store = try await PostgresHubStore.open(url: url, directory: options.dataDirectory, keyFile: options.keyFileURL, logger: logger)
                (file, database, fingerprint) = (store.dataKeyFile.path, store.displayName, store.dataKeyFingerprint)
                await store.close()
            } else {
                let store = try options.openStore()
                (file, database, fingerprint) = (store.dataKeyFile.path, store.databaseURL.path, store.dataKeyFingerprint)
            }
            print(options.t("Khóa dữ liệu \(file) khớp với \(database).", "The data key \(file) matches \(database)."))
            print(options.t("Dấu vân tay: \(fingerprint)", "Fingerprint: \(fingerprint)"))
        }
    }
}
