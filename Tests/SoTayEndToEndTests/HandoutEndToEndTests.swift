import Crypto
import Foundation
import SoTayTestSupport
import SoTayWire
import Testing

/// Reads every QR code in an image with zbarimg (zbar-tools), as a phone's scanner would.
func decodeQR(_ image: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
    process.arguments = ["--raw", "-q", image.path]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite("End to end: the handout for the resident", .serialized)
struct HandoutEndToEndTests {
    @Test("drafts handout: A5 HTML, PNG and text; the PNG's QR code (read back with zbarimg) carries the short code and the hub's signed receipt")
    func handoutWithReceipt() throws {
        let hub = try HubProcess()
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let id = try laptop.readyDossier("Đỗ Thị Mai")
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        let shortID = try #require(try laptop.sotay.json(["drafts", "list", "--json"]) as? [[String: Any]]).first?["shortId"] as? String
        let short = try #require(shortID)
        let out = laptop.sotay.home.appending(path: "phieu")

        let made = try laptop.sotay.run(["drafts", "handout", String(id.prefix(8)), "--out", out.path])
        #expect(made.status == 0, "\(made.stderr)")
        let html = out.appending(path: "phieu-\(short).html")
        let png = out.appending(path: "phieu-\(short).png")
        let text = try String(contentsOf: out.appending(path: "phieu-\(short).txt"), encoding: .utf8)
        #expect(text.contains("Mã hồ sơ: \(short)") && text.contains("Lệ phí:") && text.contains("Tình nguyện viên:"), "\(text)")
        // Private by default: the resident's name is not on a page that may travel by Zalo.
        #expect(!text.contains("Đỗ Thị Mai"))
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("size: A5") && page.contains("<svg") && !page.contains("Đỗ Thị Mai"))
        // The QR code on screen too: half-block characters.
        #expect(made.stdout.contains("▀") || made.stdout.contains("▄"))

        let payload = try decodeQR(png)
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any], "QR read: \(payload)")
        #expect(decoded["ma"] as? String == short)
        #expect(decoded["id"] as? String == id)
        // The receipt in the QR checks offline against the hub's key.
        let receiptJSON = try JSONSerialization.data(withJSONObject: try #require(decoded["receipt"]))
        let receipt = try JSONDecoder().decode(Receipt.self, from: receiptJSON)
        // The hub's public key, from its own key file (what the officer's console holds).
        let keyText = try String(contentsOf: hub.data.appending(path: "hub-signing.key"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let hubKey = try Curve25519.Signing.PrivateKey(rawRepresentation: try #require(Data(base64Encoded: keyText))).publicKey.rawRepresentation.base64EncodedString()
        #expect(receipt.isSigned(by: hubKey))
        var forged = receipt
        forged.revision += 1
        #expect(!forged.isSigned(by: hubKey))
        // The one-stop officer's check, on the hub, offline: the scanned text as it is…
        let verified = try hub.admin(["receipts", "verify", payload])
        #expect(verified.status == 0 && verified.stdout.contains("✓ Biên nhận hợp lệ") && verified.stdout.contains("trạng thái received"), "\(verified.stdout)\(verified.stderr)")
        // …and with the receipt's revision changed: refused.
        let changed = payload.replacingOccurrences(of: "\"revision\":\(receipt.revision)", with: "\"revision\":\(receipt.revision + 1)")
        #expect(changed != payload)
        let refused = try hub.admin(["receipts", "verify", changed, "--lang", "en"])
        #expect(refused.status == 1 && refused.stderr.contains("NOT valid"), "\(refused.stderr)")
    }

    @Test("A handout before any sync: the QR carries the short code alone; the missing papers are listed")
    func handoutWithoutReceipt() throws {
        let sotay = try Sotay()
        defer { sotay.cleanUp() }
        try sotay.initProfile()
        let answers = sotay.home.appending(path: "answers.json")
        // The birth certificate not brought yet.
        let given: [String: Any] = ["resident_name": "Vũ Văn Hải", "resident_phone": "0912345678", "ngay_sinh": "01/02/2026", "noi_sinh": "1",
                                    "giay_chung_sinh": false, "so_cccd_me": "001326012345", "so_con": 1]
        try JSONSerialization.data(withJSONObject: given).write(to: answers)
        let guided = try sotay.run(["guide", "thu-nghiem", "--consent", Sotay.consentVersion, "--answers", answers.path, "--no-input"])
        let id = try #require(guided.stdout.split(separator: "\n").first.map(String.init), "\(guided.stderr)")
        let out = sotay.home.appending(path: "phieu")
        let made = try sotay.run(["drafts", "handout", id, "--out", out.path, "--lang", "en"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("Still to bring (missing):"), "\(made.stdout)")
        let png = try #require(try FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil).first { $0.pathExtension == "png" })
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(try decodeQR(png).utf8)) as? [String: Any])
        #expect(decoded["id"] as? String == id)
        #expect(decoded["receipt"] == nil)
    }
}
