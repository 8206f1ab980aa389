import Foundation
import GRDB
import SoTayCore

/// The volunteer who logs the work, and where.
public struct VolunteerProfile: Codable, Sendable, Hashable, FetchableRecord, StoreDated, PersistableRecord {
    public static let databaseTableName = "volunteer"
    public var id: Int64 = 1
    public var name: String
    public var phone: String?
    public var village: String
    public var commune: String
    public var province: String
    public var updatedAt: Date

    public enum Columns {
        public static let name = Column(CodingKeys.name)
    }

    public init(name: String, phone: String?, village: String, commune: String, province: String, updatedAt: Date = Date()) {
        self.name = name
        self.phone = phone
        self.village = village
        self.commune = commune
        self.province = province
        self.updatedAt = updatedAt
    }
}

struct ResidentRecord: Codable, FetchableRecord, StoreDated, PersistableRecord {
    static let databaseTableName = "resident"
    var id: String
    var createdAt: Date
}

struct ResidentPersonalRecord: Codable, FetchableRecord, StoreDated, PersistableRecord {
    static let databaseTableName = "residentPersonal"
    var residentId: String
    var fullName: String?
    var phone: String?
    var phoneSkipped: Bool
    var updatedAt: Date
}

/// A dossier's metadata: what reports and lists read without touching personal data.
public struct DossierRecord: Codable, Sendable, Hashable, FetchableRecord, StoreDated, PersistableRecord {
    public static let databaseTableName = "dossier"
    public var id: String
    public var residentId: String
    public var procedureId: String
    public var packVersion: String
    public var status: String
    /// Whether the walk opened with the resident intake questions.
    public var intake: Bool
    public var village: String
    public var commune: String
    public var requiredCount: Int
    public var satisfiedCount: Int
    public var walkFinishedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// The latest revision marked ready to send (0: never).
    public var revision: Int = 0
    public var readyAt: Date?
    /// The latest revision the hub confirmed with a receipt (0: none).
    public var sentRevision: Int = 0
    /// The status at the commune, as the hub last said it.
    public var hubStatus: String?
    public var hubReason: String?
    public var portalCode: String?
    public var hubStatusAt: Date?

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let updatedAt = Column(CodingKeys.updatedAt)
        public static let residentId = Column(CodingKeys.residentId)
    }

    /// Completeness as a whole percentage, from the counts saved with the last answer.
    public var percent: Int { requiredCount == 0 ? 0 : satisfiedCount * 100 / requiredCount }

    /// Changed after it was last marked ready: a new revision is needed to send the change.
    public var changedSinceReady: Bool { readyAt.map { updatedAt > $0 } ?? false }
    /// Where it stands, in the volunteer's words (nháp, sẵn sàng gửi, đã gửi, cần bổ sung, xong).
    public var progress: DossierProgress {
        DossierProgress(revision: revision, sentRevision: sentRevision, changedSinceReady: changedSinceReady, hubStatus: hubStatus)
    }

    /// The short form of the id that volunteers type (the first 8 characters).
    public var shortID: String { String(id.prefix(8)) }
}

extension DossierRecord {
    /// The columns `init(listedRow:)` reads, in its order: a listing selects exactly these.
    static let listedColumns = [
        "id", "residentId", "procedureId", "packVersion", "status", "intake", "village", "commune", "requiredCount", "satisfiedCount",
        "walkFinishedAt", "createdAt", "updatedAt", "revision", "readyAt", "sentRevision", "hubStatus", "hubReason", "portalCode", "hubStatusAt",
    ]

    /// Read by position from a row that starts with `listedColumns`, not through `Decodable`
    /// (GRDB's Codable row decoder was most of `sotay drafts` with ten thousand dossiers) nor by
    /// name (finding each name in the statement's columns was a fifth of what was left).
    init(listedRow row: Row) {
        id = row[0]
        residentId = row[1]
        procedureId = row[2]
        packVersion = row[3]
        status = row[4]
        intake = row[5]
        village = row[6]
        commune = row[7]
        requiredCount = row[8]
        satisfiedCount = row[9]
        walkFinishedAt = StoreDate.decode(row[10])
        createdAt = StoreDate.decode(row[11]) ?? row[11]
        updatedAt = StoreDate.decode(row[12]) ?? row[12]
        revision = row[13]
        readyAt = StoreDate.decode(row[14])
        sentRevision = row[15]
        hubStatus = row[16]
        hubReason = row[17]
        portalCode = row[18]
        hubStatusAt = StoreDate.decode(row[19])
    }
}

struct DossierAnswerRecord: Codable, FetchableRecord, StoreDated, PersistableRecord {
    static let databaseTableName = "dossierAnswer"
    var dossierId: String
    var stepId: String
    var value: String
    var answeredAt: Date
}

struct DossierDocumentRecord: Codable, FetchableRecord, StoreDated, PersistableRecord {
    static let databaseTableName = "dossierDocument"
    var dossierId: String
    var documentId: String
    var have: Bool?
    var updatedAt: Date
}

/// A draft as the drafts list shows it.
public struct DraftSummary: Sendable, Hashable {
    public var dossier: DossierRecord
    public var residentName: String?
}
