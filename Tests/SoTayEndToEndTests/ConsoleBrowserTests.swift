import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SoTayTestSupport
import Testing

/// The officer's console in a real browser: Debian's headless Chromium, driven through
/// chromedriver, against a real hub with a real laptop syncing to it.
@Suite("End to end: the officer's console in headless Chromium", .serialized)
struct ConsoleBrowserTests {
    /// Where the screenshots go, for a person to look at: `$SOTAY_SCREENSHOTS`, else
    /// `.build/console-screenshots/` in the repository.
    static var folder: URL {
        if let path = ProcessInfo.processInfo.environment["SOTAY_SCREENSHOTS"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return TestPython.repository.appending(path: ".build/console-screenshots")
    }

    static let sizes = [(1366, 768), (390, 844)]

    /// Labels, alt text, one h1, and the contrast of every piece of text as the browser drew it.
    static let accessibilityScript = """
        const problems = [];
        for (const field of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
          if (field.labels.length === 0 && !field.getAttribute('aria-label')) problems.push('no label: ' + (field.id || field.name));
        }
        for (const image of document.images) { if (!image.alt || !image.alt.trim()) problems.push('no alt: ' + image.src); }
        const h1 = document.querySelectorAll('h1').length;
        if (h1 !== 1) problems.push(h1 + ' h1');
        let level = 0;
        for (const heading of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
          const next = Number(heading.tagName[1]);
          if (next > level + 1) problems.push('h' + next + ' after h' + level);
          level = next;
        }
        function luminance(colour) {
          const [r, g, b] = colour.match(/[0-9.]+/g).slice(0, 3).map(Number).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        }
        function background(element) {
          for (; element; element = element.parentElement) {
            const parts = getComputedStyle(element).backgroundColor.match(/[0-9.]+/g);
            if (parts && (parts.length < 4 || Number(parts[3]) > 0)) return getComputedStyle(element).backgroundColor;
          }
          return 'rgb(255, 255, 255)';
        }
        for (const element of document.querySelectorAll('body *')) {
          if (element.closest('svg')) continue;
          if (![...element.childNodes].some(node => node.nodeType === 3 && node.textContent.trim())) continue;
          const box = element.getBoundingClientRect();
          if (box.width <= 1 || box.height <= 1 || box.right < 0) continue;
          const style = getComputedStyle(element);
          const a = luminance(style.color), b = luminance(background(element));
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
          if (ratio < (large ? 3 : 4.5)) problems.push('contrast ' + ratio.toFixed(2) + ': ' + element.textContent.trim().slice(0, 40));
        }
        if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push('scrolls sideways at ' + window.innerWidth + 'px');
        return problems;
        """

    /// Decodes a screenshot in the browser itself and measures it: how many colours, and how much
    /// of it differs from its most common colour.
    static let blankScript = """
        const done = arguments[arguments.length - 1];
        const image = new Image();
        image.onload = () => {
          const canvas = document.createElement('canvas');
          canvas.width = image.width; canvas.height = image.height;
          const context = canvas.getContext('2d');
          context.drawImage(image, 0, 0);
          const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
          const counts = new Map();
          let samples = 0;
          for (let i = 0; i < data.length; i += 12) {
            const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
            counts.set(key, (counts.get(key) || 0) + 1);
            samples++;
          }
          let top = 0;
          for (const count of counts.values()) top = Math.max(top, count);
          done({width: image.width, height: image.height, colours: counts.size, other: 1 - top / samples});
        };
        image.onerror = () => done({error: 'not a PNG the browser can draw'});
        image.src = 'data:image/png;base64,' + arguments[0];
        """

    final class Shots: @unchecked Sendable {
        var files: [(name: String, width: Int, data: Data)] = []
        var accessibility: [String: [String]] = [:]
    }

    /// A screenshot of the page at each size, and its accessibility problems at each.
    static func shoot(_ browser: WebDriver, _ name: String, into shots: Shots) async throws {
        for (width, height) in sizes {
            try await browser.resize(width: width, height: height)
            let data = try await browser.screenshot()
            let file = "\(name)-\(width)x\(height).png"
            try data.write(to: folder.appending(path: file))
            shots.files.append((file, width, data))
            let problems = try await browser.script(accessibilityScript) as? [String] ?? ["the check did not run"]
            if !problems.isEmpty { shots.accessibility["\(name) at \(width)px"] = problems }
        }
        try await browser.resize(width: sizes[0].0, height: sizes[0].1)
    }

    static func text(_ browser: WebDriver, _ selector: String) async throws -> String {
        try await browser.script("const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", [selector]) as? String ?? ""
    }

    @Test("Sign in, filter, open a dossier with its photo, ask for a supplement that reaches `sotay status`, sign out, refused after; screenshots, print, accessibility")
    func officersDay() async throws {
        let started = Date()
        let hub = try HubProcess(environment: ["SOTAY_CONTENT": Sotay.fixtureContent.path])
        defer { hub.cleanUp() }
        let laptop = try Laptop(hub: hub)
        defer { laptop.sotay.cleanUp() }
        let photo = laptop.sotay.home.appending(path: "giay-chung-sinh.png")
        try SamplePNG.paper().write(to: photo)
        let id = try laptop.dossier("Trần Thị Mai", attaching: [photo])
        let other = try laptop.readyDossier("Lê Văn Nam")
        let synced = try laptop.sotay.run(["sync"])
        #expect(synced.status == 0, "\(synced.stderr)")
        let officer = try #require(try hub.admin(["officers", "add", "--name", "Lê Thị Hoa"]).stdout.split(separator: "\n")
            .map(String.init).first { $0.hasPrefix("sotay_off-") })
        let admin = try #require(try hub.admin(["admins", "add", "--name", "Đỗ Văn Quản"]).stdout.split(separator: "\n")
            .map(String.init).first { $0.hasPrefix("sotay_adm-") })
        try? FileManager.default.removeItem(at: Self.folder)
        try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
        _ = other

        let browser = try await WebDriver()
        let shots = Shots()
        do {
            try await browse(browser, hub: hub, laptop: laptop, id: id, officer: officer, admin: admin, shots: shots)
        } catch {
            await browser.quit()
            throw error
        }
        await browser.quit()
        print("console browser test: \(shots.files.count) screenshots in \(Self.folder.path), \(Int(Date().timeIntervalSince(started))) s in all")
    }

    func browse(_ browser: WebDriver, hub: HubProcess, laptop: Laptop, id: String, officer: String, admin: String, shots: Shots) async throws {
        // Sign in with the token `sotay-hub officers add` printed.
        try await browser.open(hub.url + "/console/login")
        try await Self.shoot(browser, "01-sign-in", into: shots)
        try await browser.type("#token", officer)
        try await browser.click("#sign-in")
        try await browser.waitFor("location.pathname === '/console/queue'")
        #expect(try await browser.script("return document.querySelectorAll('a.open-dossier').length") as? Int == 2)
        #expect(try await browser.script("return document.body.textContent.includes('Trần Thị Mai')") as? Bool == false, "no names in the queue")
        try await Self.shoot(browser, "02-queue", into: shots)

        // Filter: needs supplement shows none yet; received shows both.
        try await browser.click("#f-status option[value=\"needs-supplement\"]")
        try await browser.click("#apply-filters")
        try await browser.waitFor("location.search.includes('status=needs-supplement')")
        #expect(try await browser.script("return document.querySelectorAll('a.open-dossier').length") as? Int == 0)
        try await browser.click("#f-status option[value=\"received\"]")
        try await browser.click("#apply-filters")
        try await browser.waitFor("location.search.includes('status=received')")
        #expect(try await browser.script("return document.querySelectorAll('a.open-dossier').length") as? Int == 2)
        try await Self.shoot(browser, "03-queue-filtered", into: shots)

        // The dossier: the resident's name, the questions' text, the photo drawn.
        try await browser.click("a.open-dossier[href$=\"\(id)\"]")
        try await browser.waitFor("document.querySelector('#resident')")
        #expect(try await Self.text(browser, "#resident") == "Trần Thị Mai")
        #expect(try await browser.script("return document.body.textContent.includes('Cháu sinh ở đâu?')") as? Bool == true)
        let width = try await browser.script("const i = document.querySelector('.files img'); return i && i.complete ? i.naturalWidth : 0") as? Int
        #expect(width == 360, "the photo is served decrypted and drawn")
        try await Self.shoot(browser, "04-dossier", into: shots)
        // Printed as Chromium prints it (A4, the print stylesheet: no navigation, no forms).
        let pdf = try await browser.printPDF()
        #expect(pdf.starts(with: Data("%PDF".utf8)) && pdf.count > 10_000)
        try pdf.write(to: Self.folder.appending(path: "04-dossier-print.pdf"))

        // Ask for a supplement, with the reason the volunteer reads to the resident.
        try await browser.click("#new-status option[value=\"needs-supplement\"]")
        try await browser.type("#reason", "Ảnh giấy chứng sinh bị mờ, chụp lại")
        try await browser.click("#save-status")
        try await browser.waitFor("document.querySelector('.notice')")
        #expect(try await Self.text(browser, "#current-status") == "Cần bổ sung")
        #expect(try await Self.text(browser, ".notice").hasPrefix("Đã lưu"))
        try await Self.shoot(browser, "05-dossier-saved", into: shots)

        // It reaches the laptop at its next sync.
        #expect(try laptop.sotay.run(["sync"]).status == 0)
        let followUps = try laptop.status()["followUps"] as? [[String: Any]] ?? []
        #expect(followUps.contains { $0["id"] as? String == id && $0["reason"] as? String == "Ảnh giấy chứng sinh bị mờ, chụp lại" })

        try await browser.open(hub.url + "/console/dashboard")
        #expect(try await browser.script("return document.querySelectorAll('svg[role=img]').length") as? Int ?? 0 >= 4)
        try await Self.shoot(browser, "06-dashboard", into: shots)
        try await browser.click("a[hreflang=en]")
        try await browser.waitFor("document.documentElement.lang === 'en'")
        #expect(try await browser.script("return document.documentElement.lang") as? String == "en")
        try await Self.shoot(browser, "07-dashboard-english", into: shots)
        try await browser.click("a[hreflang=vi]")
        try await browser.waitFor("document.documentElement.lang === 'vi'")

        // Sign out; the old session cookie opens nothing, and the browser gets the sign-in form.
        let session = try await browser.cookies().first { $0["name"] as? String == "sotay_console" }?["value"] as? String
        #expect(session != nil)
        #expect(try await browser.cookies().first { $0["name"] as? String == "sotay_console" }?["httpOnly"] as? Bool == true)
        try await browser.click("#sign-out")
        try await browser.waitFor("location.pathname === '/console/login'")
        try await browser.open(hub.url + "/console/dossiers/\(id)")
        #expect(try await browser.script("return document.querySelector('#token') !== null && document.querySelector('#resident') === null") as? Bool == true)
        #expect(try await browser.script("return document.body.textContent.includes('Trần Thị Mai')") as? Bool == false)
        try await Self.shoot(browser, "08-refused-after-sign-out", into: shots)
        var replay = URLRequest(url: try #require(URL(string: hub.url + "/console/queue")))
        replay.setValue("sotay_console=\(session ?? "")", forHTTPHeaderField: "Cookie")
        let (_, response) = try await URLSession.shared.data(for: replay)
        #expect((response as? HTTPURLResponse)?.statusCode == 401)

        // The admin's pages.
        try await browser.open(hub.url + "/console/login")
        try await browser.type("#token", admin)
        try await browser.click("#sign-in")
        try await browser.waitFor("location.pathname === '/console/dashboard'")
        try await browser.open(hub.url + "/console/admin/codes")
        try await browser.click("form.card button[type=submit]")
        try await browser.waitFor("document.querySelector('#enrol-code')")
        #expect(try await Self.text(browser, "#enrol-code").count >= 6)
        try await Self.shoot(browser, "09-admin-code", into: shots)
        for (index, page) in ["devices", "officers", "audit"].enumerated() {
            try await browser.open(hub.url + "/console/admin/\(page)")
            try await Self.shoot(browser, "\(10 + index)-admin-\(page)", into: shots)
        }
        #expect(try await browser.script("return document.body.textContent.includes('dossier.set-status')") as? Bool == true)

        // The two checks can fail: a blank page measures blank, a bad page has problems.
        try await browser.open("about:blank")
        let blank = try await browser.screenshot()
        let blankMeasure = try await browser.asyncScript(Self.blankScript, [blank.base64EncodedString()]) as? [String: Any] ?? [:]
        #expect((blankMeasure["other"] as? Double ?? 1) < 0.02, "a blank page must measure blank: \(blankMeasure)")
        _ = try await browser.script("""
            document.body.innerHTML = '<h2>x</h2><input id="unlabelled"><img src="data:,"><p style="color:#aaaaaa;background:#ffffff">faint</p>';
            """)
        let bad = try await browser.script(Self.accessibilityScript) as? [String] ?? []
        #expect(bad.contains { $0.hasPrefix("no label") } && bad.contains { $0.hasPrefix("no alt") } && bad.contains { $0.hasPrefix("contrast") }
                && bad.contains("0 h1"), "\(bad)")

        // Every screenshot decoded by the browser and not blank.
        try await browser.open("about:blank")
        for shot in shots.files {
            let measure = try await browser.asyncScript(Self.blankScript, [shot.data.base64EncodedString()]) as? [String: Any] ?? [:]
            #expect(measure["error"] == nil, "\(shot.name): \(measure)")
            #expect(measure["width"] as? Int == shot.width, "\(shot.name): \(measure)")
            #expect((measure["colours"] as? Int ?? 0) >= 8 && (measure["other"] as? Double ?? 0) >= 0.02, "\(shot.name) looks blank: \(measure)")
        }
        #expect(shots.files.count == 24)
        #expect(shots.accessibility.isEmpty, "\(shots.accessibility)")
    }
}
