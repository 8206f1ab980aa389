import Foundation

/// A month of outreach work (October 2026, Vietnam time) with every answer worked out by hand,
/// so each report format can be checked against the same numbers. It holds the cases that go
/// wrong in real reports: a resident guided twice, a guidance entry with no resident linked, an
/// entry taken back, a share with no fee, entries on both sides of each month boundary (in
/// UTC+7, seven hours ahead of the machine's UTC).
public enum ReportFixture {
    public static let month = "2026-10"

    public struct Entry: Sendable {
        public var id = UUID().uuidString.lowercased()
        public var kind: String
        public var at: Date
        public var village = "Thôn Đông"
        public var resident: String?
        public var procedure: String?
        public var outcome: String?
        public var reason: String?
        public var payment: String?
        public var outsideCommune = false
        public var channel: String?
        public var topic: String?
        public var participants: Int?
        public var satisfaction: Int?
        public var undone = false
    }

    /// An instant given in Vietnam's clock.
    public static func vietnam(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 9, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)) ?? Date(timeIntervalSince1970: 0)
    }

    /// Residents A–F, as UUIDs.
    public static let residents = (0..<6).map { _ in UUID().uuidString.lowercased() }

    public static let entries: [Entry] = {
        let (a, b, c, d, e, f) = (residents[0], residents[1], residents[2], residents[3], residents[4], residents[5])
        var list: [Entry] = []
        // Household visits: four in Đông, two in Tây of which one is taken back.
        for day in 2...5 { list.append(Entry(kind: "visit", at: vietnam(2026, 10, day))) }
        list.append(Entry(kind: "visit", at: vietnam(2026, 10, 6), village: "Thôn Tây"))
        list.append(Entry(kind: "visit", at: vietnam(2026, 10, 6, 10), village: "Thôn Tây", undone: true))
        // Guidance.
        list.append(Entry(kind: "guidance", at: vietnam(2026, 10, 7), resident: a, procedure: "dang-ky-khai-sinh", outcome: "vneid", payment: "free", satisfaction: 5))
        list.append(Entry(kind: "guidance", at: vietnam(2026, 10, 8), village: "Thôn Tây", resident: b, procedure: "dang-ky-khai-tu", outcome: "portal",
                          payment: "online", outsideCommune: true, satisfaction: 4))
        list.append(Entry(kind: "guidance", at: vietnam(2026, 10, 9), resident: a, procedure: "ly-lich-tu-phap", outcome: "vneid", payment: "online", satisfaction: 3))
        list.append(Entry(kind: "guidance", at: vietnam(2026, 10, 10), resident: c, procedure: "dang-ky-thuong-tru", outcome: "in-person", payment: "cash",
                          outsideCommune: true, satisfaction: 5))
        list.append(Entry(kind: "guidance", at: vietnam(2026, 10, 11), procedure: "dang-ky-khai-sinh", outcome: "not-yet", reason: "no-level2"))
        list.append(Entry(kind: "guidance", at: vietnam(2026, 10, 12), resident: d, procedure: "doi-giay-phep-lai-xe", outcome: "not-yet", reason: "missing-papers",
                          satisfaction: 2))
        list.append(Entry(kind: "guidance", at: vietnam(2026, 10, 13), resident: e, procedure: "dang-ky-tam-tru"))
        list.append(Entry(kind: "guidance", at: vietnam(2026, 10, 14), resident: f, procedure: "dang-ky-khai-sinh", outcome: "vneid", satisfaction: 1, undone: true))
        // VNeID activations, online payments, trainings, communication, a scam warning.
        for day in 15...17 { list.append(Entry(kind: "vneid", at: vietnam(2026, 10, day))) }
        list.append(Entry(kind: "payment", at: vietnam(2026, 10, 18)))
        list.append(Entry(kind: "payment", at: vietnam(2026, 10, 19)))
        list.append(Entry(kind: "training", at: vietnam(2026, 10, 20), topic: "Bình dân học vụ số: cài VNeID", participants: 25))
        list.append(Entry(kind: "training", at: vietnam(2026, 10, 21), village: "Thôn Tây", topic: "Thanh toán trực tuyến an toàn", participants: 12))
        list.append(Entry(kind: "communication", at: vietnam(2026, 10, 22), channel: "loudspeaker", topic: "Cảnh báo cuộc gọi giả danh công an"))
        list.append(Entry(kind: "communication", at: vietnam(2026, 10, 23), channel: "zalo", participants: 80))
        list.append(Entry(kind: "scam-warning", at: vietnam(2026, 10, 24)))
        // The boundaries, in Vietnam's time: the first instant of October counts, the last
        // minute of September and the first instant of November do not; 23:59 on the 31st does.
        list.append(Entry(kind: "visit", at: vietnam(2026, 9, 30, 23, 59)))
        list.append(Entry(kind: "visit", at: vietnam(2026, 10, 1, 0, 0)))
        list.append(Entry(kind: "vneid", at: vietnam(2026, 10, 31, 23, 59)))
        list.append(Entry(kind: "visit", at: vietnam(2026, 11, 1, 0, 0)))
        return list
    }()

    /// Every single-number figure: value, and for a share its numerator and denominator.
    public static let figures: [String: (value: Double?, numerator: Int?, denominator: Int?)] = [
        "ho-gia-dinh-duoc-den": (6, nil, nil),      // 4 Đông + 1 Tây (1 undone) + 1 on 1 October 00:00
        "nguoi-dan-duoc-huong-dan": (6, nil, nil),  // A, B, C, D, E + one entry with no resident; A twice counts once
        "luot-huong-dan": (7, nil, nil),
        "ho-so-nop-truc-tuyen": (3, nil, nil),
        "ty-le-nop-truc-tuyen": (75, 3, 4),         // of the filed (online or in person): not-yet and no outcome are left out
        "thanh-toan-truc-tuyen": (2, nil, nil),
        "ty-le-thanh-toan-truc-tuyen": (66.7, 2, 3),  // "free" is left out
        "ho-tro-thanh-toan": (2, nil, nil),
        "kich-hoat-vneid": (4, nil, nil),           // 3 + 1 at 23:59 on 31 October
        "buoi-tap-huan": (2, nil, nil),
        "nguoi-tham-du-tap-huan": (37, nil, nil),
        "luot-tuyen-truyen": (2, nil, nil),
        "canh-bao-lua-dao": (1, nil, nil),
        "ty-le-hai-long": (60, 3, 5),               // 5, 4, 3, 5, 2 (the undone 1 is not counted)
        "so-danh-gia": (5, nil, nil),
        "nop-phi-dia-gioi": (2, nil, nil),          // B online, C in person at this commune's counter
    ]

    public static let breakdowns: [String: [String: Int]] = [
        "huong-dan-theo-thu-tuc": ["dang-ky-khai-sinh": 2, "dang-ky-khai-tu": 1, "ly-lich-tu-phap": 1, "dang-ky-thuong-tru": 1,
                                   "doi-giay-phep-lai-xe": 1, "dang-ky-tam-tru": 1],
        "huong-dan-theo-linh-vuc": ["ho-tich": 3, "tu-phap": 1, "cu-tru": 2, "giao-thong": 1],
        "hoat-dong-theo-thon": ["Thôn Đông": 21, "Thôn Tây": 3],
        "chua-nop-theo-ly-do": ["no-level2": 1, "missing-papers": 1],
    ]

    /// Counted entries in October.
    public static let entryCount = 24
}

/// A report file read back by another tool (`Tests/Interop/read_report.py`): Python's csv
/// module, openpyxl, html.parser.
public struct ReadBack: Decodable, Sendable {
    public struct Figure: Decodable, Sendable {
        public var value: Double?
        public var numerator: Int?
        public var denominator: Int?
    }

    public var figures: [String: Figure]
    public var breakdowns: [String: [String: Int]]
    public var groups: [String: [String: Double?]]
    public var title: String?

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ format: String, _ file: URL) throws -> ReadBack {
        guard FileManager.default.isExecutableFile(atPath: TestPython.executable.path) else { throw TestPython.Missing() }
        let process = Process()
        process.executableURL = TestPython.executable
        process.arguments = [TestPython.script("read_report.py").path, format, file.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "read_report.py \(format): \(problem)") }
        return try JSONDecoder().decode(ReadBack.self, from: data)
    }

    /// The differences from the fixture's answers, one line each; empty when all match.
    public func differences(figures expected: [String: (value: Double?, numerator: Int?, denominator: Int?)],
                            breakdowns expectedBreakdowns: [String: [String: Int]]) -> [String] {
        var problems: [String] = []
        for (id, want) in expected.sorted(by: { $0.key < $1.key }) {
            guard let got = figures[id] else {
                problems.append("\(id): missing")
                continue
            }
            let close = switch (got.value, want.value) {
            case (nil, nil): true
            case (let a?, let b?): abs(a - b) < 0.051
            default: false
            }
            if !close || got.numerator != want.numerator || got.denominator != want.denominator {
                problems.append("\(id): got \(String(describing: got.value)) \(String(describing: got.numerator))/\(String(describing: got.denominator)), want \(String(describing: want.value)) \(String(describing: want.numerator))/\(String(describing: want.denominator))")
            }
        }
        for (id, want) in expectedBreakdowns.sorted(by: { $0.key < $1.key }) where breakdowns[id] != want {
            problems.append("\(id): got \(breakdowns[id] ?? [:]), want \(want)")
        }
        return problems
    }
}
