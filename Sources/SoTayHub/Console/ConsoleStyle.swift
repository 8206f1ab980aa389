import Foundation

/// The console's one stylesheet, served by the hub at `/console/static/console.css`. Colours
/// come from `palette`, which the tests hold to WCAG AA contrast (4.5:1 for text).
enum ConsoleStyle {
    /// Text colour on background colour, by use.
    static let palette: [(name: String, foreground: String, background: String)] = [
        ("body", "#1b1f24", "#ffffff"),
        ("link", "#0a4a94", "#ffffff"),
        ("header", "#ffffff", "#0b3d6e"),
        ("muted", "#4a5360", "#ffffff"),
        ("card", "#1b1f24", "#f3f5f8"),
        ("button", "#ffffff", "#0a4a94"),
        ("problem", "#7a1010", "#fde8e8"),
        ("notice", "#0d4a1f", "#e3f4e8"),
        ("s-received", "#0b3d6e", "#dbe9f7"),
        ("s-submitted", "#4a2a7a", "#ece3f7"),
        ("s-needs-supplement", "#6b3d00", "#fdefd3"),
        ("s-completed", "#0d4a1f", "#dcf1e2"),
        ("s-rejected", "#7a1010", "#fbe0e0"),
        ("s-withdrawn", "#3d434c", "#e7e9ec"),
    ]

    static func colour(_ name: String) -> (foreground: String, background: String) {
        let entry = palette.first { $0.name == name } ?? palette[0]
        return (entry.foreground, entry.background)
    }

    static let css: String = {
        let body = colour("body"), link = colour("link"), header = colour("header"), muted = colour("muted"), card = colour("card")
        let button = colour("button"), problem = colour("problem"), notice = colour("notice")
        let badges = palette.filter { $0.name.hasPrefix("s-") }
            .map { ".badge.\($0.name) { color: \($0.foreground); background: \($0.background); }" }.joined(separator: "\n")
        return """
        *, *::before, *::after { box-sizing: border-box; }
        html { font-size: 100%; }
        body { margin: 0; font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; line-height: 1.5; color: \(body.foreground); background: \(body.background); }
        a { color: \(link.foreground); }
        a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f0a800; outline-offset: 2px; }
        .skip { position: absolute; left: -9999px; top: 0; background: \(button.background); color: \(button.foreground); padding: .5rem 1rem; }
        .skip:focus { left: .5rem; z-index: 10; }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .5rem 1rem; color: \(header.foreground); background: \(header.background); }
        header.top a, header.top .who span { color: \(header.foreground); }
        .brand { margin: 0; font-weight: 700; }
        .brand a { text-decoration: none; }
        nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
        nav a[aria-current] { font-weight: 700; text-decoration-thickness: 3px; }
        .who { margin-left: auto; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
        main { max-width: 80rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.2rem; margin: 1rem 0 .5rem; }
        h3 { font-size: 1rem; margin: 0 0 .5rem; }
        .card { background: \(card.background); color: \(card.foreground); border: 1px solid #c9d0d9; border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; }
        .narrow { max-width: 32rem; }
        label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
        input, select, textarea { font: inherit; width: 100%; padding: .45rem .5rem; border: 1px solid #6b7480; border-radius: 4px; background: #ffffff; color: \(body.foreground); }
        button { font: inherit; padding: .45rem 1rem; border: 0; border-radius: 4px; color: \(button.foreground); background: \(button.background); cursor: pointer; min-height: 2.5rem; }
        header.top button { color: \(button.foreground); background: \(button.background); border: 1px solid #ffffff; }
        form.inline { display: inline; }
        .inline-form label { display: inline; }
        .inline-form input { width: auto; }
        .help { color: \(muted.foreground); font-size: .9rem; margin: .25rem 0 .75rem; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0 1rem; }
        .problem { color: \(problem.foreground); background: \(problem.background); padding: .5rem .75rem; border-left: 4px solid \(problem.foreground); }
        .notice { color: \(notice.foreground); background: \(notice.background); padding: .5rem .75rem; border-left: 4px solid \(notice.foreground); }
        .counts { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; margin: 0 0 1rem; }
        .counts a { text-decoration: none; display: inline-block; padding: .25rem .5rem; border: 1px solid #c9d0d9; border-radius: 6px; }
        .counts a[aria-current] { border: 2px solid \(link.foreground); }
        .badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .9rem; font-weight: 600; }
        \(badges)
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; margin: 0 0 1rem; }
        th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #d5dbe2; }
        thead th { background: \(card.background); }
        .diff .old { color: \(problem.foreground); background: \(problem.background); text-decoration: line-through; }
        .diff .new { color: \(notice.foreground); background: \(notice.background); }
        .papers { list-style: none; padding: 0; }
        .papers li { padding: .25rem 0; }
        .papers .ok .mark { color: \(notice.foreground); font-weight: 700; }
        .papers .missing .mark { color: \(problem.foreground); font-weight: 700; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
        .facts dt { font-weight: 600; }
        .facts dd { margin: 0; overflow-wrap: anywhere; }
        td, th, dd, li, p { overflow-wrap: anywhere; }
        .files { display: flex; flex-wrap: wrap; gap: 1rem; }
        .files figure { margin: 0; max-width: 22rem; }
        .files img { max-width: 100%; height: auto; border: 1px solid #c9d0d9; }
        .files object { width: 22rem; height: 28rem; max-width: 100%; }
        .receipt dd { margin: 0 0 .25rem; }
        code.wrap, .receipt code { word-break: break-all; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 0 1rem; }
        .charts svg { width: 100%; height: auto; }
        .code { font-family: "DejaVu Sans Mono", monospace; font-size: 1.6rem; letter-spacing: .1em; word-break: break-all; }
        .pager a { margin-right: 1rem; }
        @media (max-width: 40rem) {
          main { padding: .5rem; }
          table.queue thead { position: absolute; left: -9999px; }
          table.queue tr { display: block; border-bottom: 2px solid #c9d0d9; padding: .25rem 0; }
          table.queue td { display: block; border: 0; padding: .1rem .25rem; }
          .who { margin-left: 0; }
          .facts { grid-template-columns: 1fr; }
          .facts dd { margin-bottom: .5rem; }
        }
        @media print {
          header.top, .noprint, .skip, form { display: none !important; }
          body { color: #000000; background: #ffffff; }
          main { max-width: none; padding: 0; }
          details { display: block; }
          a { color: #000000; text-decoration: none; }
        }
        """
    }()

    /// WCAG relative luminance contrast of two `#rrggbb` colours (1…21).
    static func contrast(_ first: String, _ second: String) -> Double {
        func luminance(_ hex: String) -> Double {
            let digits = hex.dropFirst()
            guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return 0 }
            let channels = [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff].map { Double($0) / 255 }
            let linear = channels.map { $0 <= 0.03928 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
            return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        }
        let (a, b) = (luminance(first), luminance(second))
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }
}
