import Foundation
import SoTayCore

extension ContentPack {
    /// These procedures of the library a command works with (the bundled pack, or the folder
    /// named by `SOTAY_CONTENT`), each read from its own file and nothing else: a listing that
    /// only names the procedures of its drafts or entries does not parse the whole library.
    ///
    /// An id whose file is missing, or does not read as a procedure, is left out; the caller
    /// shows the id. Only the whole pack (`configured()`) checks the library as a whole.
    public static func configuredProcedures(_ ids: some Sequence<String>,
                                            environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: Procedure] {
        let folder = environment["SOTAY_CONTENT"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
        var result: [String: Procedure] = [:]
        for id in Set(ids) where isFileName(id) {
            let path = "procedures/\(id).yaml"
            let text: String?
            if let folder {
                text = (try? Data(contentsOf: folder.appending(path: path))).flatMap { String(data: $0, encoding: .utf8) }
            } else {
                text = BundledContentFiles.files.first { $0.path == path }?.text
            }
            guard let text else { continue }
            let reader = NodeReader(file: path)
            guard let root = ContentLoader.compose((path, text), reader),
                  let procedure = ProcedureReader(reader: reader, expectedID: id).read(root),
                  reader.problems.isEmpty
            else { continue }
            result[id] = procedure
        }
        return result
    }

    /// An id that can only name a file of `procedures/` (no separators, no dots).
    private static func isFileName(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.allSatisfy { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (48...57).contains($0) || (97...122).contains($0) }
    }
}
