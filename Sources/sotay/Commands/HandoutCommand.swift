import ArgumentParser
import Foundation
import SoTayCore
import SoTayStore

/// `sotay drafts handout ID`: the page the resident takes home, as A5 HTML, PNG and text.
struct HandoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handout",
        abstract: "Phiếu hướng dẫn cho người dân (A5 để in, ảnh PNG gửi Zalo, văn bản) có mã QR của hồ sơ.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Mã hồ sơ (đủ 4 ký tự đầu trở lên).", valueName: "mã")) var id: String
    @Option(help: ArgumentHelp("Thư mục ghi phiếu (mặc định: thư mục handouts trong dữ liệu của Sổ Tay).", valueName: "thư-mục")) var out: String?
    @Flag(name: .customLong("no-png"), help: "Không tạo ảnh PNG (không cần Chromium).") var noPNG = false

    func run() throws {
        let workspace = try Workspace(global)
        let store = try global.openStore(unlock: .required)
        let dossier = try store.dossier(id)
        let handout = try Handout.make(dossier, store: store, workspace: workspace)
        let folder = out.map { URL(fileURLWithPath: $0) } ?? store.directory.appending(path: "handouts")
        let files = try HandoutFiles.write(handout, to: folder, png: !noPNG)
        Output.line(handout.text)
        Output.line(try handout.qrCode().terminal())
        for file in files { Output.line(file.path) }
    }
}

enum HandoutFiles {
    /// `phieu-SHORT.txt`, `.html` and (with Chromium) `.png` in `folder`; returns what was written.
    static func write(_ handout: Handout, to folder: URL, png: Bool) throws -> [URL] {
        let base = folder.appending(path: "phieu-\(handout.shortCode)")
        let text = base.appendingPathExtension("txt")
        let html = base.appendingPathExtension("html")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Data((handout.text + "\n").utf8).write(to: text, options: .atomic)
            try Data(try handout.html().utf8).write(to: html, options: .atomic)
        } catch let error as HandoutError {
            throw error
        } catch {
            throw HandoutError.cannotWrite(folder.path)
        }
        guard png else { return [html, text] }
        let image = base.appendingPathExtension("png")
        try Handout.png(html: html, to: image, height: handout.screenHeight)
        return [html, image, text]
    }
}

extension HandoutFiles {
    /// At the end of a walk: the handout's HTML and text written at once (no browser needed),
    /// one line saying where; the PNG and the QR on screen with `sotay drafts handout`. A
    /// handout that cannot be written never spoils the walk.
    static func afterWalk(_ dossierID: String, store: Store, workspace: Workspace) {
        let render = workspace.render
        guard let dossier = try? store.dossier(dossierID), let handout = try? Handout.make(dossier, store: store, workspace: workspace),
              let files = try? write(handout, to: store.directory.appending(path: "handouts"), png: false), let html = files.first
        else { return }
        Output.line(render.t("Phiếu hướng dẫn cho người dân: \(html.path) (in khổ A5; ảnh PNG và mã QR: sotay drafts handout \(dossier.shortID))",
                             "Handout for the resident: \(html.path) (print on A5; PNG and QR code: sotay drafts handout \(dossier.shortID))"))
    }
}
