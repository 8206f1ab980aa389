import Foundation

/// One administrative procedure (thủ tục hành chính) and its guided checklist.
public struct Procedure: Sendable, Hashable, Identifiable {
    public var id: String
    public var title: LocalizedText
    public var aliases: [String]
    public var field: ProcedureField
    public var codes: [ProcedureCode]
    public var level: ProcedureLevel
    public var authority: LocalizedText
    public var channels: [Channel]
    /// Where a channel really is for this procedure ("Tại Công an xã" rather than the commune's
    /// one-stop counter), when it differs from the channel's general name.
    public var places: [Channel: LocalizedText]
    public var fee: Fee
    public var processingTime: LocalizedText
    public var legalBasis: [String]
    public var sources: [Source]
    public var result: LocalizedText
    public var pitfalls: [LocalizedText]
    public var toConfirm: [LocalizedText]
    public var guides: [String]
    public var steps: [Step]

    public init(
        id: String, title: LocalizedText, aliases: [String] = [], field: ProcedureField,
        codes: [ProcedureCode] = [], level: ProcedureLevel, authority: LocalizedText,
        channels: [Channel], fee: Fee, processingTime: LocalizedText, legalBasis: [String] = [],
        sources: [Source], result: LocalizedText, pitfalls: [LocalizedText] = [],
        toConfirm: [LocalizedText] = [], guides: [String] = [], steps: [Step], places: [Channel: LocalizedText] = [:]
    ) {
        self.places = places
        self.id = id
        self.title = title
        self.aliases = aliases
        self.field = field
        self.codes = codes
        self.level = level
        self.authority = authority
        self.channels = channels
        self.fee = fee
        self.processingTime = processingTime
        self.legalBasis = legalBasis
        self.sources = sources
        self.result = result
        self.pitfalls = pitfalls
        self.toConfirm = toConfirm
        self.guides = guides
        self.steps = steps
    }

    /// What to call a channel in this procedure: its place if the content names one, else its general name.
    public func place(_ channel: Channel) -> LocalizedText {
        places[channel] ?? channel.title
    }

    /// The step with this id, if any.
    public func step(_ id: String) -> Step? {
        steps.first { $0.id == id }
    }

    /// The oldest "checked" date of the procedure's sources: how fresh the whole checklist is.
    public var oldestCheck: CalendarDate? {
        sources.map(\.checked).min()
    }
}

/// The area of law a procedure belongs to.
public enum ProcedureField: String, Sendable, Hashable, CaseIterable, Codable {
    case hoTich = "ho-tich"
    case cuTru = "cu-tru"
    case tuPhap = "tu-phap"
    case chungThuc = "chung-thuc"
    case datDai = "dat-dai"
    case kinhDoanh = "kinh-doanh"
    case giaoThong = "giao-thong"
    case dinhDanh = "dinh-danh"
    case baoHiem = "bao-hiem"
    case khac

    public var title: LocalizedText {
        switch self {
        case .hoTich: LocalizedText(vi: "Hộ tịch", en: "Civil status")
        case .cuTru: LocalizedText(vi: "Cư trú", en: "Residence")
        case .tuPhap: LocalizedText(vi: "Tư pháp", en: "Judicial records")
        case .chungThuc: LocalizedText(vi: "Chứng thực", en: "Certification")
        case .datDai: LocalizedText(vi: "Đất đai", en: "Land")
        case .kinhDoanh: LocalizedText(vi: "Kinh doanh", en: "Business")
        case .giaoThong: LocalizedText(vi: "Giao thông", en: "Transport")
        case .dinhDanh: LocalizedText(vi: "Định danh điện tử", en: "Electronic identity")
        case .baoHiem: LocalizedText(vi: "Bảo hiểm", en: "Insurance")
        case .khac: LocalizedText(vi: "Khác", en: "Other")
        }
    }
}

/// The level of government that decides (cấp thực hiện).
public enum ProcedureLevel: String, Sendable, Hashable, CaseIterable, Codable {
    case xa, tinh, bo

    public var title: LocalizedText {
        switch self {
        case .xa: LocalizedText(vi: "Cấp xã", en: "Commune")
        case .tinh: LocalizedText(vi: "Cấp tỉnh", en: "Province")
        case .bo: LocalizedText(vi: "Cấp bộ", en: "Ministry")
        }
    }
}

/// Where a procedure is filed.
public enum Channel: String, Sendable, Hashable, CaseIterable, Codable {
    case vneid, portal, counter, post, any

    public var title: LocalizedText {
        switch self {
        case .vneid: LocalizedText(vi: "Trên ứng dụng VNeID", en: "On the VNeID app")
        case .portal: LocalizedText(vi: "Trên Cổng Dịch vụ công quốc gia", en: "On the National Public Service Portal")
        case .counter: LocalizedText(vi: "Tại bộ phận một cửa", en: "At the one-stop counter")
        case .post: LocalizedText(vi: "Qua bưu điện", en: "By post")
        case .any: LocalizedText(vi: "Việc chung", en: "In every case")
        }
    }
}

/// A national procedure code (mã TTHC), with whether an official page confirms it.
public struct ProcedureCode: Sendable, Hashable {
    public var code: String
    public var verified: Bool
    public var note: LocalizedText?

    public init(code: String, verified: Bool = true, note: LocalizedText? = nil) {
        self.code = code
        self.verified = verified
        self.note = note
    }
}

/// The fee as the source describes it, and whether the province sets it.
public struct Fee: Sendable, Hashable {
    public var text: LocalizedText
    public var provinceDependent: Bool

    public init(text: LocalizedText, provinceDependent: Bool = false) {
        self.text = text
        self.provinceDependent = provinceDependent
    }
}

/// Where a fact comes from, and the day it was last checked against it.
public struct Source: Sendable, Hashable {
    public var title: String
    public var url: String?
    /// The day someone last checked the fact against this source (never its publication date).
    public var checked: CalendarDate
    /// The day the source itself was published or dated, when that helps the reader.
    public var published: CalendarDate?

    public init(title: String, url: String? = nil, checked: CalendarDate, published: CalendarDate? = nil) {
        self.title = title
        self.url = url
        self.checked = checked
        self.published = published
    }
}
