import Foundation
import SoTayContent
import SoTayCore
import SoTayReports
import SoTayStore
import SoTayTestSupport
import Testing

/// A store holding the fixture month, written the way the volunteer's commands write it.
struct FixtureStore {
    let folder: URL
    let store: Store

    init() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "sotay-report-\(UUID().uuidString)")
        store = try Store.open(directory: folder)
        let records = ReportFixture.entries.map { entry in
            ActivityRecord(id: entry.id, kind: entry.kind, occurredAt: entry.at, village: entry.village, residentId: entry.resident,
                           procedureId: entry.procedure, outcome: entry.outcome, reason: entry.reason, payment: entry.payment,
                           channel: entry.channel, outsideCommune: entry.outsideCommune, topic: entry.topic, participants: entry.participants,
                           satisfaction: entry.satisfaction)
        }
        try store.logActivities(records)
        for entry in ReportFixture.entries where entry.undone {
            try store.undoActivity(entry.id)
        }
    }

    func report(language: Language = .vi, by grouping: Indicator.Dimension? = nil) throws -> Report {
        let pack = try ContentPack.bundled()
        let builder = ReportBuilder(indicators: pack.indicators, procedures: pack.procedures, language: language)
        let scope = Report.Scope(kind: .volunteer, commune: "Xã An Bình", province: "Hải Phòng", village: "Thôn Đông", volunteer: "Nguyễn Thị Lan")
        return try builder.build(month: try #require(ReportMonth(ReportFixture.month)), scope: scope,
                                 table: store.reportTable(volunteer: "Nguyễn Thị Lan"), by: grouping, database: store)
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let url = folder.appending(path: name)
        try Data(bytes).write(to: url)
        return url
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
    }
}

@Suite("The monthly report: one computation, every format read back with the same numbers")
struct ReportFormatTests {
    @Test("the figures computed from the store match the month worked out by hand")
    func computed() throws {
        let fixture = try FixtureStore()
        defer { fixture.cleanUp() }
        let report = try fixture.report()
        #expect(report.entries == ReportFixture.entryCount)
        #expect(report.title == "Báo cáo kết quả hoạt động Tổ công nghệ số cộng đồng tháng 10/2026")
        for (id, want) in ReportFixture.figures {
            let figure = try #require(report.figure(id), "\(id)")
            #expect(figure.numerator == want.numerator && figure.denominator == want.denominator, "\(id)")
            #expect(abs((figure.value ?? -1) - (want.value ?? -1)) < 0.051, "\(id): \(String(describing: figure.value))")
        }
        for (id, want) in ReportFixture.breakdowns {
            let breakdown = try #require(report.breakdown(id), "\(id)")
            #expect(Dictionary(uniqueKeysWithValues: breakdown.rows.map { ($0.key, $0.value) }) == want, "\(id)")
        }
        #expect(report.figure("ty-le-hai-long")?.meetsTarget == false)
        #expect(report.breakdown("huong-dan-theo-thu-tuc")?.rows.first?.label == "Đăng ký khai sinh")
    }

    @Test("CSV: RFC 4180 with a byte order mark, read back by Python's csv module")
    func csv() throws {
        let fixture = try FixtureStore()
        defer { fixture.cleanUp() }
        let bytes = ReportFormat.csv.render(try fixture.report())
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let back = try ReadBack.read("csv", try fixture.write(bytes, "report.csv"))
        #expect(back.differences(figures: ReportFixture.figures, breakdowns: ReportFixture.breakdowns) == [])
    }

    @Test("XLSX: a workbook openpyxl opens, a sheet of indicators and a sheet of details")
    func xlsx() throws {
        let fixture = try FixtureStore()
        defer { fixture.cleanUp() }
        let report = try fixture.report()
        let back = try ReadBack.read("xlsx", try fixture.write(ReportFormat.xlsx.render(report), "report.xlsx"))
        #expect(back.differences(figures: ReportFixture.figures, breakdowns: ReportFixture.breakdowns) == [])
        #expect(back.title == report.title)
    }

    @Test("HTML: one self-contained page, parsed by html.parser, every number where the table says")
    func html() throws {
        let fixture = try FixtureStore()
        defer { fixture.cleanUp() }
        let page = HTMLRenderer.render(try fixture.report())
        let back = try ReadBack.read("html", try fixture.write(Array(page.utf8), "report.html"))
        #expect(back.differences(figures: ReportFixture.figures, breakdowns: ReportFixture.breakdowns) == [])
        #expect(page.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        #expect(page.contains("Độc lập - Tự do - Hạnh phúc"))
        #expect(page.contains("Báo cáo kết quả hoạt động Tổ công nghệ số cộng đồng tháng 10/2026"))
        #expect(page.contains("<svg"))
        #expect(page == page.precomposedStringWithCanonicalMapping)
    }

    @Test("JSON: decodes back to the same report")
    func json() throws {
        let fixture = try FixtureStore()
        defer { fixture.cleanUp() }
        let report = try fixture.report()
        let decoded = try JSONRenderer.decode(ReportFormat.json.render(report))
        #expect(decoded.figures == report.figures)
        #expect(decoded.breakdowns == report.breakdowns)
        #expect(decoded.entries == ReportFixture.entryCount)
    }

    @Test("table: within 80 columns, Vietnamese aligned by display width, every figure printed")
    func table() throws {
        let fixture = try FixtureStore()
        defer { fixture.cleanUp() }
        let report = try fixture.report()
        let text = TableRenderer.render(report)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 80 }, "\(lines.filter { DisplayWidth.of($0) > 80 })")
        // The result column ends at the same column on every figure line.
        // A long name wraps inside its 40 columns; the figure's line holds its first part.
        let firstParts = report.figures.map { DisplayWidth.wrap($0.name, to: 40)[0] }
        let figureLines = lines.filter { line in firstParts.contains { line.contains($0) } }
        #expect(figureLines.count == report.figures.count)
        // NFC Vietnamese is one column a character, so the 56th character is the 56th column.
        for line in figureLines {
            let characters = Array(line)
            #expect(characters.count > 56 && !characters[55].isWhitespace && characters[56] == " ", "\(line)")
        }
        #expect(text.contains("75,0%") && text.contains("66,7%") && text.contains("(3/4)"))
        for (figure, part) in zip(report.figures, firstParts) {
            let line = try #require(figureLines.first { $0.contains(part) })
            #expect(line.contains(figure.formatted(.vi)), "\(figure.id)")
        }
    }

    @Test("English labels with --lang en, the same numbers")
    func english() throws {
        let fixture = try FixtureStore()
        defer { fixture.cleanUp() }
        let report = try fixture.report(language: .en)
        #expect(report.figure("ho-gia-dinh-duoc-den")?.name == "Households visited")
        let back = try ReadBack.read("csv", try fixture.write(ReportFormat.csv.render(report), "report.csv"))
        #expect(back.differences(figures: ReportFixture.figures, breakdowns: ReportFixture.breakdowns) == [])
    }
}
