import ArgumentParser
import Foundation
import SoTayCore
import SoTayHub
import SoTayWire

/// `sotay-hub relay import`: a laptop's relay file, applied as its sync would have been.
struct RelayHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "relay", abstract: "Tệp chuyển tay (USB) từ máy tình nguyện viên không có mạng.",
                                                    subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Nhận tệp chuyển tay: lưu hồ sơ, ảnh, nhật ký như một lần đồng bộ (không lưu gì hai lần) và ghi tệp trả về cho máy đó.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Tệp chuyển tay từ máy tình nguyện viên.", valueName: "tệp")) var file: String
        @Option(help: ArgumentHelp("Tệp trả về (mặc định: TỆP.return).", valueName: "tệp")) var to: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw RelayLine(vi: "Không đọc được tệp \(file): kiểm tra đường dẫn và USB.", en: "Cannot read \(file): check the path and the USB stick.")
            }
            let destination = to ?? file + ".return"
            let result: RelayImportResult
            do {
                result = try await options.withRepository { store in try await store.importRelay(data, now: Date()) { returnFile in
                    // Written beside, then renamed: the volunteer never gets half a file.
                    let temporary = destination + ".part"
                    do {
                        try returnFile.write(to: URL(fileURLWithPath: temporary))
                        if FileManager.default.fileExists(atPath: destination) { try FileManager.default.removeItem(atPath: destination) }
                        try FileManager.default.moveItem(atPath: temporary, toPath: destination)
                    } catch {
                        try? FileManager.default.removeItem(atPath: temporary)
                        throw RelayLine(vi: "Đã lưu nội dung tệp nhưng không ghi được tệp trả về \(destination): kiểm tra chỗ trống rồi nhập lại (không lưu gì hai lần).",
                                        en: "Stored the file's contents but cannot write the return file \(destination): check the free space, then import again (nothing is stored twice).")
                    }
                } }
            } catch let error as RelayImportError {
                throw RelayRefusal(error: error, path: file)
            }
            print(options.t("Đã nhận tệp của máy \(result.deviceName): \(result.newDossiers) hồ sơ mới, \(result.repeatedDossiers) đã có, \(result.refusedDossiers) bị từ chối; \(result.blobsStored) ảnh; \(result.newActivities) mục nhật ký mới, \(result.repeatedActivities) đã có.",
                            "Took the file from \(result.deviceName): \(result.newDossiers) new dossier(s), \(result.repeatedDossiers) already here, \(result.refusedDossiers) refused; \(result.blobsStored) photo(s); \(result.newActivities) new log entr(ies), \(result.repeatedActivities) already here."))
            print(options.t("Tệp trả về: \(destination) — đưa lại cho tình nguyện viên (sotay relay import \(destination)).",
                            "Return file: \(destination) — give it back to the volunteer (sotay relay import \(destination))."))
        }
    }
}

/// A refused relay file as the admin reads it: nothing was stored.
struct RelayRefusal: Error, LocalizedMessage {
    let error: RelayImportError
    let path: String

    func message(_ language: Language) -> String {
        let untouched = pick(language, vi: " Không lưu gì.", en: " Nothing was stored.")
        switch error {
        case .file(.notRelay):
            return pick(language, vi: "\(path) không phải tệp chuyển tay của Sổ Tay.", en: "\(path) is not a Sổ Tay relay file.") + untouched
        case .file(.incomplete(let expected, let actual)):
            return pick(language, vi: "Tệp \(path) chưa chép đủ (\(actual)/\(expected) byte): chép lại từ USB rồi thử lại.",
                        en: "\(path) was not copied whole (\(actual) of \(expected) bytes): copy it again from the USB stick, then try again.") + untouched
        case .file(.tampered):
            return pick(language, vi: "Tệp \(path) đã bị sửa hoặc hỏng sau khi tạo: không dùng được; nhờ tình nguyện viên xuất tệp mới.",
                        en: "\(path) was changed or damaged after it was written: it cannot be used; ask the volunteer for a new export.") + untouched
        case .file(.otherHub):
            return pick(language, vi: "Tệp \(path) được mã hóa cho máy chủ xã khác, không phải máy chủ này.",
                        en: "\(path) is sealed for another commune hub, not this one.") + untouched
        case .file(.otherDevice), .file(.wrongKind):
            return pick(language, vi: "\(path) là tệp trả về cho máy tình nguyện viên, không phải tệp gửi lên máy chủ.",
                        en: "\(path) is a return file for a volunteer's laptop, not a file for the hub.") + untouched
        case .unknownDevice:
            return pick(language, vi: "Máy đã tạo tệp \(path) không được ghi danh ở máy chủ này hoặc đã bị thu hồi.",
                        en: "The laptop that wrote \(path) is not enrolled with this hub or was revoked.") + untouched
        case .replay(let stamp):
            let importedAt = WireDate.date(stamp).map(vietnamTime) ?? stamp
            return pick(language, vi: "Tệp \(path) đã được nhận lúc \(importedAt): không nhận lại lần hai.",
                        en: "\(path) was already imported at \(importedAt): it is not taken twice.") + untouched
        }
    }
}

struct RelayLine: Error, LocalizedMessage {
    let vi: String
    let en: String
    func message(_ language: Language) -> String { pick(language, vi: vi, en: en) }
}
