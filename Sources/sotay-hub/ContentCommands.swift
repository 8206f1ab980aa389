import ArgumentParser
import Foundation
import SoTayContent
import SoTayCore
import SoTayHub
import SoTayWire

/// Signed content packs: the maintainers' offline key and signing, and publishing to laptops.
struct ContentPacks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "content",
        abstract: "Gói thư viện thủ tục có chữ ký: tạo khóa, ký, xuất bản cho các máy tình nguyện viên.",
        subcommands: [Keygen.self, Sign.self, Rotate.self, Publish.self, List.self])

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tạo khóa ký Ed25519 mới (khóa gốc của dự án: làm trên máy không nối mạng, giữ tệp ngoài máy chủ).")
        @OptionGroup var options: HubOptions
        @Option(help: ArgumentHelp("Tệp khóa riêng sẽ tạo (không ghi đè tệp có sẵn).", valueName: "tệp")) var out: String

        func run() throws {
            let key = ContentSigningKey.generate()
            do {
                try key.write(to: URL(fileURLWithPath: out))
            } catch {
                throw ContentCommandError.key(error)
            }
            print(options.t("Đã tạo khóa riêng \(out) (chỉ chủ sở hữu đọc được).", "Made the private key \(out) (readable by its owner only)."))
            print(options.t("Khóa công khai: \(key.publicKey)", "Public key: \(key.publicKey)"))
            print(options.t("Mã khóa: \(key.keyId)", "Key id: \(key.keyId)"))
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kiểm tra một thư mục nội dung rồi ký thành một gói (.sotaypack) bằng khóa riêng; không tạo gì nếu có lỗi.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Thư mục nội dung, ví dụ content/.", valueName: "thư-mục")) var directory: String
        @Option(help: ArgumentHelp("Tệp khóa riêng.", valueName: "tệp")) var key: String
        @Option(help: ArgumentHelp("Tệp gói sẽ tạo.", valueName: "tệp")) var out: String
        @OptionGroup var pack: PackOptions
        @Option(help: ArgumentHelp("Tệp khóa gốc mới (từ \"content rotate\") gửi kèm, cũ trước mới sau.", valueName: "tệp")) var root: [String] = []

        func run() throws {
            let signing: ContentSigningKey
            do { signing = try ContentSigningKey.read(URL(fileURLWithPath: key)) } catch { throw ContentCommandError.key(error) }
            let (files, packId) = try checkedFolder(directory, options)
            var roots: [SignedRoot] = []
            for path in root {
                guard let data = FileManager.default.contents(atPath: path), let signed = try? WireProtocol.decoder().decode(SignedRoot.self, from: data) else {
                    throw ContentPublishError.unreadable(path: path)
                }
                roots.append(signed)
            }
            let now = Date()
            let data = try SignedPack.build(files: files, packId: packId, version: pack.version ?? Int(now.timeIntervalSince1970), createdAt: now,
                                            expiresAt: now.addingTimeInterval(Double(pack.expiresDays) * 86400), publisher: pack.publisher ?? "Sổ Tay",
                                            key: signing, roots: roots.isEmpty ? nil : roots)
            guard FileManager.default.createFile(atPath: out, contents: data) else { throw ContentPublishError.cannotStore(path: out) }
            print(options.t("Đã ký gói \(out): \(files.count) tệp, khóa \(signing.keyId).", "Signed the pack \(out): \(files.count) files, key \(signing.keyId)."))
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Thay khóa gốc: khóa gốc cũ và khóa mới cùng ký bản gốc mới; gửi kèm các gói sau bằng \"content sign --root\".")
        @OptionGroup var options: HubOptions
        @Option(name: .customLong("old-key"), help: ArgumentHelp("Khóa gốc đang dùng.", valueName: "tệp")) var oldKey: String
        @Option(name: .customLong("new-key"), help: ArgumentHelp("Khóa gốc mới.", valueName: "tệp")) var newKey: String
        @Option(help: ArgumentHelp("Số phiên bản của bản gốc mới (phiên bản đang dùng + 1).", valueName: "số")) var version: Int
        @Option(help: ArgumentHelp("Tệp bản gốc mới sẽ tạo.", valueName: "tệp")) var out: String

        func run() throws {
            let old: ContentSigningKey, new: ContentSigningKey
            do {
                old = try ContentSigningKey.read(URL(fileURLWithPath: oldKey))
                new = try ContentSigningKey.read(URL(fileURLWithPath: newKey))
            } catch { throw ContentCommandError.key(error) }
            let signed = try SignedRoot.rotate(to: ContentRoot(version: version, keys: [new.publicKey]), oldKey: old, newKey: new)
            guard FileManager.default.createFile(atPath: out, contents: try WireProtocol.encoder().encode(signed)) else {
                throw ContentPublishError.cannotStore(path: out)
            }
            print(options.t("Đã tạo bản gốc phiên bản \(version) (khóa \(new.keyId)), ký bởi \(old.keyId) và \(new.keyId).",
                            "Made root version \(version) (key \(new.keyId)), signed by \(old.keyId) and \(new.keyId)."))
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Xuất bản thư viện cho các máy ở lần đồng bộ sau: một thư mục (kiểm tra rồi ký bằng khóa của máy chủ) hoặc một gói đã ký.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Thư mục nội dung hoặc tệp .sotaypack.", valueName: "thư-mục|gói")) var source: String
        @OptionGroup var pack: PackOptions

        func run() async throws {
            let published = try await options.withRepository { store in try await publish(to: store) }
            let manifest = published.manifest
            print(options.t("Đã xuất bản thư viện \(manifest.packId) phiên bản \(manifest.version) (\(manifest.files.count) tệp, ký bởi \(published.keyId)). Các máy nhận ở lần đồng bộ sau.",
                            "Published library \(manifest.packId) version \(manifest.version) (\(manifest.files.count) files, signed by \(published.keyId)). Laptops take it at their next sync."))
        }

        /// On either store: the shelf is the data folder, the announcement the store's feed.
        private func publish(to store: any HubContentRepository) async throws -> VerifiedPack {
            let shelf = store.contentShelf
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else { throw ContentPublishError.unreadable(path: source) }
            let data: Data
            if isDirectory.boolValue {
                let (files, packId) = try checkedFolder(source, options)
                let now = Date()
                let next = max((shelf.packs().last?.version ?? 0) + 1, Int(now.timeIntervalSince1970))
                data = try SignedPack.build(files: files, packId: packId, version: pack.version ?? next, createdAt: now,
                                            expiresAt: now.addingTimeInterval(Double(pack.expiresDays) * 86400),
                                            publisher: pack.publisher ?? "sotay-hub", key: shelf.publisherKey)
            } else {
                guard let bytes = FileManager.default.contents(atPath: source), bytes.count <= SignedPack.maxSize else {
                    throw ContentPublishError.unreadable(path: source)
                }
                // The content of a signed pack is checked too: a signature says who, not that it loads.
                let verified: VerifiedPack
                do { verified = try PackTrust(hubKey: shelf.hubKey.publicKey).verify(bytes, newerThan: nil, packId: nil) } catch {
                    throw ContentPublishError.refused(error)
                }
                _ = try checkedFiles(verified.files, label: source, options)
                data = bytes
            }
            return try await store.publishContentPack(data, now: Date())
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Các gói thư viện máy chủ đang cung cấp.")
        @OptionGroup var options: HubOptions

        func run() async throws {
            let packs = try await options.withRepository { store in store.contentShelf.packs() }
            guard !packs.isEmpty else { return print(options.t("Chưa xuất bản gói nào.", "No pack published yet.")) }
            for pack in packs { print("  \(pack.version) · \(pack.size) byte · sha256 \(pack.sha256)") }
        }
    }
}

struct PackOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Số phiên bản (mặc định: giờ hiện tại, tính bằng giây); phải lớn hơn mọi gói trước.", valueName: "số")) var version: Int?
    @Option(name: .customLong("expires-days"), help: ArgumentHelp("Số ngày gói còn hiệu lực (mặc định 180).", valueName: "ngày")) var expiresDays = 180
    @Option(help: ArgumentHelp("Tên người xuất bản, hiện ở \"sotay content status\".", valueName: "tên")) var publisher: String?
}

enum ContentCommandError: Error, LocalizedMessage {
    case key(ContentSigningKey.FileError)
    case problems(Int)

    func message(_ language: Language) -> String {
        switch self {
        case .key(.exists(let path)):
            pick(language, vi: "Đã có tệp \(path); không ghi đè khóa. Chọn tên tệp khác.", en: "\(path) already exists; a key is never overwritten. Choose another file name.")
        case .key(.unwritable(let path)):
            pick(language, vi: "Không tạo được tệp khóa \(path).", en: "Cannot create the key file \(path).")
        case .key(.unreadable(let path)):
            pick(language, vi: "Không đọc được tệp khóa \(path).", en: "Cannot read the key file \(path).")
        case .key(.exposed(let path)):
            pick(language, vi: "Tệp khóa \(path) để người khác đọc được; không dùng. Chạy: chmod 600 \(path)",
                 en: "The key file \(path) is readable by others; not used. Run: chmod 600 \(path)")
        case .problems(let count):
            pick(language, vi: "\(count) lỗi nội dung; không có gì được ký hay xuất bản. Sửa các chỗ trên rồi chạy lại.",
                 en: "\(count) content problems; nothing was signed or published. Fix them and run again.")
        }
    }
}

/// The folder's files, checked whole by the content loader (every problem printed, with file,
/// line and field), and its `pack.yaml` id.
private func checkedFolder(_ directory: String, _ options: HubOptions) throws -> ([(path: String, data: Data)], String) {
    let files: [ContentLoader.File]
    do {
        files = try ContentLoader.files(in: URL(fileURLWithPath: directory))
    } catch {
        for problem in error.problems { printError(problem.message(options.language)) }
        throw ContentCommandError.problems(error.problems.count)
    }
    let data = files.map { (path: $0.path, data: Data($0.text.utf8)) }
    return (data, try checkedFiles(data, label: directory, options))
}

private func checkedFiles(_ files: [(path: String, data: Data)], label: String, _ options: HubOptions) throws -> String {
    var texts: [ContentLoader.File] = []
    for file in files {
        guard let text = String(data: file.data, encoding: .utf8) else { throw ContentPublishError.unreadable(path: "\(label)/\(file.path)") }
        texts.append((file.path, text))
    }
    do {
        return try ContentLoader.load(texts).id
    } catch {
        for problem in error.problems { printError(problem.message(options.language)) }
        throw ContentCommandError.problems(error.problems.count)
    }
}
