import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Long text on a terminal, one screen at a time ("Enter để xem tiếp"), so that the top of a
/// checklist does not scroll away before it is read. Piped output is written whole.
enum Pager {
    static func show(_ text: String, reader: LineReader, render: Render) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let page = max(screenRows() - 2, 5)
        guard reader.isInteractive, isatty(STDOUT_FILENO) == 1, lines.count > page + 1 else {
            Output.line(text)
            return
        }
        var start = 0
        while start < lines.count {
            let end = min(start + page, lines.count)
            for line in lines[start..<end] { Output.line(String(line)) }
            start = end
            guard start < lines.count else { return }
            let left = lines.count - start
            let prompt = render.t("— còn \(left) dòng: Enter để xem tiếp, q để thôi — ", "— \(left) more lines: Enter for more, q to stop — ")
            guard let reply = reader.read(prompt: prompt), Folding.fold(reply) != "q" else { return }
        }
    }

    /// The terminal's height: the window's, else `LINES`, else 24.
    private static func screenRows() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        return ProcessInfo.processInfo.environment["LINES"].flatMap(Int.init) ?? 24
    }
}
