import ArgumentParser
import Foundation
import SoTayContent
import SoTayCore

struct ContentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "content",
        abstract: "Thư viện thủ tục: kiểm tra, phiên bản đang dùng, gói mới từ máy chủ xã.",
        subcommands: [Check.self, Status.self, Diff.self, Use.self, Install.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kiểm tra một thư mục nội dung (mặc định: thư viện có sẵn); in mọi lỗi kèm tệp, dòng, trường.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Thư mục nội dung, ví dụ content/.", valueName: "thư-mục")) var directory: String?

        func run() throws {
            let render = Render(language: global.language)
            do {
                let pack: ContentPack
                if let directory {
                    pack = try ContentLoader.load(directory: URL(fileURLWithPath: directory))
                } else {
                    pack = try ContentPack.bundled(checkNFC: true)
                }
                Output.line(render.t(
                    "Không có lỗi: \(pack.procedures.count) thủ tục, \(pack.guides.count) hướng dẫn, \(pack.provinces.count) tỉnh (gói \(pack.id) \(pack.version)).",
                    "No problems: \(pack.procedures.count) procedures, \(pack.guides.count) guides, \(pack.provinces.count) provinces (pack \(pack.id) \(pack.version))."))
            } catch {
                for problem in error.problems { Output.line(problem.message(global.language)) }
                Output.error(render.t("\(error.problems.count) lỗi. Sửa các chỗ trên rồi chạy lại.", "\(error.problems.count) problems. Fix them and run again."))
                throw ExitCode(1)
            }
        }
    }
}
