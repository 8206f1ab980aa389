import Foundation
import GRDB
import SoTayCore
import SoTayStore
import SoTaySync

/// SplitMix64: every generated data set is the same from run to run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A made-up resident: a Vietnamese name, a CCCD number whose structure is valid (place code,
/// century-and-gender digit, birth year, six digits) and agrees with the birth date, and a mobile.
struct SyntheticResident {
    var name: String
    var cccd: String
    var birthDate: CalendarDate
    var phone: String

    private static let families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
    private static let middles = (male: ["Văn", "Hữu", "Đức", "Minh", "Quốc"], female: ["Thị", "Ngọc", "Thu", "Thanh", "Mỹ"])
    private static let givens = (male: ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Nam", "Phúc", "Quang", "Sơn", "Tuấn"],
                                 female: ["Dung", "Hà", "Hạnh", "Lan", "Linh", "Mai", "Ngân", "Thảo", "Trang", "Yến"])
    /// Place-of-registration codes of a few provinces (Hà Nội, Hải Phòng, Nam Định, Thanh Hóa, Nghệ An, TP HCM, Cần Thơ).
    private static let places = ["001", "031", "036", "038", "040", "079", "092"]

    static func make(using random: inout SeededRandom) -> SyntheticResident {
        let female = Bool.random(using: &random)
        let year = Int.random(in: 1940...2008, using: &random)
        let middle = (female ? middles.female : middles.male).randomElement(using: &random) ?? "Văn"
        let given = (female ? givens.female : givens.male).randomElement(using: &random) ?? "An"
        let name = "\(families.randomElement(using: &random) ?? "Nguyễn") \(middle) \(given)"
        let centuryDigit = (year >= 2000 ? 2 : 0) + (female ? 1 : 0)
        let serial = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &random))
        let cccd = (places.randomElement(using: &random) ?? "001") + String(centuryDigit) + String(format: "%02d", year % 100) + serial
        // Day 1–28 exists in every month, so the date is always valid.
        let birth = CalendarDate(year: year, month: Int.random(in: 1...12, using: &random), day: Int.random(in: 1...28, using: &random))
            ?? CalendarDate.today()
        let phone = "09" + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &random))
        return SyntheticResident(name: name, cccd: cccd, birthDate: birth, phone: phone)
    }
}

/// Fills a volunteer's store with drafts and ready dossiers, in one transaction, the way the
/// store itself writes them (resident, personal row, dossier, answers, and the frozen outbox
/// payload for ready ones), in clear, before the passphrase is set (`seal` then seals them).
/// Writing ten thousand dossiers one `sotay` command at a time would take minutes of fsyncs and
/// measure nothing the benchmarks are about.
struct LaptopFiller {
    var profile: VolunteerProfile
    var procedureID: String
    var packVersion: String
    var seed: UInt64

    static let profile = VolunteerProfile(name: "Nguyễn Thị Lan", phone: nil, village: "Thôn Đông", commune: "Xã An Bình", province: "Hải Phòng")

    /// The volunteer's passphrase in the benchmarks (`SOTAY_PASSPHRASE` for the commands).
    static let passphrase = "cây bàng đầu ngõ nhà tôi"

    /// A store at `folder` with the profile set and no passphrase yet: `fill` writes into it,
    /// then `seal` sets the passphrase.
    static func prepare(_ folder: URL) throws -> Store {
        let store = try Store.open(directory: folder)
        try store.saveProfile(profile)
        return store
    }

    /// Sets the passphrase at scrypt cost 2^`logN` and returns the store unlocked. Setting it is
    /// where Sổ Tay seals what an older version stored in clear, with the same code and the
    /// same keys as every later write: the filled rows end up exactly as `sotay` writes them
    /// (names, answers and queued payloads sealed, the clear pages vacuumed away), without
    /// ten thousand separate transactions.
    static func seal(_ store: Store, logN: Int) throws -> Store {
        try store.setPassphrase(passphrase, derivation: .new(logN: logN))
    }

    static let consent = ConsentGiven(textVersion: "bench", volunteer: profile.name)

    enum State {
        case draft, ready, sent
    }

    /// Adds `count` dossiers: drafts, or (with `ready`) marked ready and queued for the hub.
    func fill(_ folder: URL, count: Int, ready: Bool) throws {
        _ = try fill(folder, count: count, state: ready ? .ready : .draft)
    }

    /// Adds `count` dossiers in `state`; returns the request bodies of the ready and sent ones
    /// (for a sent one, what the hub holds as if it had been synced).
    func fill(_ folder: URL, count: Int, state: State) throws -> [Data] {
        let ready = state != .draft
        var bodies: [Data] = []
        var random = SeededRandom(state: seed)
        let queue = try DatabaseQueue(path: folder.appending(path: "sotay.sqlite").path)
        let encoder = JSONEncoder()
        let base = Date().addingTimeInterval(-20 * 86_400)
        try queue.write { db in
            for index in 0..<count {
                let resident = SyntheticResident.make(using: &random)
                let residentID = UUID().uuidString.lowercased()
                let created = base.addingTimeInterval(Double(index))
                try db.execute(sql: "INSERT INTO resident (id, createdAt) VALUES (?, ?)", arguments: [residentID, created])
                try db.execute(sql: "INSERT INTO residentPersonal (residentId, fullName, phone, phoneSkipped, updatedAt) VALUES (?, ?, ?, 0, ?)",
                               arguments: [residentID, resident.name, resident.phone, created])
                let answers: Answers = [
                    "resident_name": .text(resident.name),
                    "resident_phone": .text(resident.phone),
                    "so_dinh_danh": .text(resident.cccd),
                    "ngay_sinh": .date(resident.birthDate),
                    "loai_phieu": .choice(Bool.random(using: &random) ? "so_1" : "so_2"),
                    "co_vneid_muc_2": .bool(Bool.random(using: &random)),
                ]
                let dossierID = UUID().uuidString.lowercased()
                try db.execute(sql: """
                    INSERT INTO dossier (id, residentId, procedureId, packVersion, status, intake, village, commune, requiredCount,
                                         satisfiedCount, walkFinishedAt, createdAt, updatedAt, revision, readyAt)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?, 8, ?, ?, ?, ?, ?, ?)
                    """, arguments: [dossierID, residentID, procedureID, packVersion, "\(state)", profile.village, profile.commune,
                                     ready ? 8 : index % 8, ready ? created : nil, created, created, ready ? 1 : 0, ready ? created : nil])
                guard let dossier = try DossierRecord.fetchOne(db, key: dossierID) else { continue }
                for (step, value) in answers where !step.hasPrefix("resident_") {
                    try db.execute(sql: "INSERT INTO dossierAnswer (dossierId, stepId, value, answeredAt) VALUES (?, ?, ?, ?)",
                                   arguments: [dossier.id, step, String(decoding: try encoder.encode(value), as: UTF8.self), created])
                }
                if ready {
                    let body = try DossierPayload.encode(dossier, answers: answers, revision: 1)
                    bodies.append(body)
                    if state == .ready {
                        try db.execute(sql: "INSERT INTO outbox (kind, itemId, revision, payload, createdAt) VALUES ('dossier', ?, 1, ?, ?)",
                                       arguments: [dossier.id, body, created])
                    } else {
                        try db.execute(sql: "UPDATE dossier SET sentRevision = 1, hubStatus = 'received', hubStatusAt = ? WHERE id = ?",
                                       arguments: [created, dossier.id])
                    }
                }
            }
        }
        return bodies
    }
}
