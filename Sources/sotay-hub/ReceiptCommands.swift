import ArgumentParser
import Foundation
import SoTayCore
import SoTayHub
import SoTayWire

/// `sotay-hub receipts verify TEXT`: what a handout's QR code says, checked against this hub.
struct Receipts: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Kiểm tra biên nhận hồ sơ (mã QR trên phiếu hướng dẫn của người dân).",
                                                    subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Đọc nội dung mã QR (máy quét gõ vào, hoặc - để đọc từ đầu vào chuẩn): tìm hồ sơ và kiểm tra chữ ký biên nhận, không cần mạng.")
        @OptionGroup var options: HubOptions
        @Argument(help: ArgumentHelp("Nội dung mã QR, hoặc - .", valueName: "nội-dung")) var text: String

        struct Payload: Decodable {
            var v: Int
            var ma: String
            var id: String
            var receipt: Receipt?
        }

        func run() async throws {
            let raw = text == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : text
            guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(raw.trimmingCharacters(in: .whitespacesAndNewlines).utf8)), payload.v == 1 else {
                throw RelayLine(vi: "Đây không phải mã QR trên phiếu hướng dẫn của Sổ Tay.", en: "This is not the QR code of a Sổ Tay handout.")
            }
            let check = try await options.withRepository { store in try await store.checkReceipt(dossierId: payload.id, receipt: payload.receipt) }
            if let status = check.status {
                let portal = check.portalCode.map { options.t(" · mã trên cổng \($0)", " · portal code \($0)") } ?? ""
                print(options.t("Hồ sơ \(payload.ma) (\(payload.id)): \(check.procedureId ?? "?"), trạng thái \(status.rawValue), lần gửi mới nhất \(check.latestRevision ?? 0)\(portal).",
                                "Dossier \(payload.ma) (\(payload.id)): \(check.procedureId ?? "?"), status \(status.rawValue), latest revision \(check.latestRevision ?? 0)\(portal)."))
            } else {
                print(options.t("Hồ sơ \(payload.ma) chưa có trên máy chủ này (máy tình nguyện viên chưa đồng bộ).",
                                "Dossier \(payload.ma) is not on this hub yet (the volunteer's laptop has not synced)."))
            }
            let received = payload.receipt.map { WireDate.date($0.receivedAt).map(vietnamTime) ?? $0.receivedAt } ?? ""
            switch check.verdict {
            case .valid:
                print(options.t("✓ Biên nhận hợp lệ: máy chủ này đã nhận lần gửi \(payload.receipt?.revision ?? 0) lúc \(received).",
                                "✓ Valid receipt: this hub received revision \(payload.receipt?.revision ?? 0) at \(received)."))
            case .none:
                print(options.t("Mã QR không có biên nhận (phiếu in trước khi hồ sơ lên xã).", "The QR code carries no receipt (printed before the dossier reached the hub)."))
            case .otherHub:
                throw RelayLine(vi: "✗ Biên nhận do máy chủ xã khác ký, không phải máy chủ này.", en: "✗ The receipt is signed by another commune hub, not this one.")
            case .forged:
                throw RelayLine(vi: "✗ Chữ ký biên nhận KHÔNG hợp lệ: biên nhận đã bị sửa hoặc làm giả.", en: "✗ The receipt's signature is NOT valid: it was changed or forged.")
            case .notStored:
                throw RelayLine(vi: "✗ Biên nhận có chữ ký của máy chủ này nhưng không khớp lần gửi nào đang lưu (dữ liệu khôi phục từ bản sao lưu cũ?).",
                                en: "✗ The receipt is signed by this hub but matches no stored revision (data restored from an old backup?).")
            }
        }
    }
}
