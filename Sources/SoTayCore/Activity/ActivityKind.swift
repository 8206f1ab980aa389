/// What a volunteer did, as one entry of the outreach activity log. The raw values are what the
/// store keeps and what goes to the hub; the labels are what the volunteer reads.
public enum ActivityKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// One household visited ("hộ gia đình được đến").
    case visit
    /// A resident guided through one procedure; carries the procedure and the outcome.
    case guidance
    /// Help activating a level-2 VNeID account.
    case vneid
    /// Help paying a fee online.
    case payment
    /// A digital-skills session ("Bình dân học vụ số" and other trainings): topic, participants.
    case training
    /// Communication: loudspeaker, Zalo group, village meeting.
    case communication
    /// A scam warning given.
    case scamWarning = "scam-warning"
    /// Takes back an earlier entry (`retracts`); never counted itself.
    case undo

    /// The kinds a volunteer logs (everything but `undo`).
    public static let logged: [ActivityKind] = allCases.filter { $0 != .undo }

    public var label: LocalizedText {
        switch self {
        case .visit: LocalizedText(vi: "Đến hộ gia đình", en: "Household visit")
        case .guidance: LocalizedText(vi: "Hướng dẫn thủ tục", en: "Procedure guidance")
        case .vneid: LocalizedText(vi: "Hỗ trợ kích hoạt VNeID mức 2", en: "VNeID level-2 activation help")
        case .payment: LocalizedText(vi: "Hỗ trợ thanh toán trực tuyến", en: "Online payment help")
        case .training: LocalizedText(vi: "Buổi tập huấn kỹ năng số", en: "Digital-skills session")
        case .communication: LocalizedText(vi: "Tuyên truyền", en: "Communication")
        case .scamWarning: LocalizedText(vi: "Cảnh báo lừa đảo", en: "Scam warning")
        case .undo: LocalizedText(vi: "Huỷ mục", en: "Undo")
        }
    }
}

/// How a guided procedure ended.
public enum GuidanceOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    case vneid
    case portal
    case inPerson = "in-person"
    case notYet = "not-yet"

    public var label: LocalizedText {
        switch self {
        case .vneid: LocalizedText(vi: "Đã nộp trực tuyến trên VNeID", en: "Submitted online on VNeID")
        case .portal: LocalizedText(vi: "Đã nộp trên Cổng Dịch vụ công quốc gia", en: "Submitted on the National Public Service Portal")
        case .inPerson: LocalizedText(vi: "Sẽ nộp trực tiếp tại bộ phận một cửa", en: "Will file in person at the one-stop counter")
        case .notYet: LocalizedText(vi: "Chưa nộp được", en: "Not possible yet")
        }
    }

    /// Filed online (VNeID or the national portal).
    public var isOnline: Bool { self == .vneid || self == .portal }
}

/// Why a guided procedure could not be filed yet.
public enum NotYetReason: String, Sendable, Hashable, CaseIterable, Codable {
    case missingPapers = "missing-papers"
    case noLevel2 = "no-level2"
    case noSmartphone = "no-smartphone"
    case noNetwork = "no-network"
    case systemError = "system-error"
    case declined
    case other

    public var label: LocalizedText {
        switch self {
        case .missingPapers: LocalizedText(vi: "thiếu giấy tờ", en: "papers missing")
        case .noLevel2: LocalizedText(vi: "chưa có tài khoản định danh mức 2", en: "no level-2 VNeID account")
        case .noSmartphone: LocalizedText(vi: "không có điện thoại thông minh", en: "no smartphone")
        case .noNetwork: LocalizedText(vi: "không có mạng", en: "no connection")
        case .systemError: LocalizedText(vi: "hệ thống báo lỗi", en: "the system gave an error")
        case .declined: LocalizedText(vi: "người dân chưa muốn nộp", en: "the resident chose not to yet")
        case .other: LocalizedText(vi: "lý do khác", en: "another reason")
        }
    }
}

/// How the fee of a guided procedure was paid.
public enum PaymentWay: String, Sendable, Hashable, CaseIterable, Codable {
    case online
    case cash
    case free

    public var label: LocalizedText {
        switch self {
        case .online: LocalizedText(vi: "đã trả trực tuyến", en: "paid online")
        case .cash: LocalizedText(vi: "trả tiền mặt tại quầy", en: "paid in cash at the counter")
        case .free: LocalizedText(vi: "không mất phí", en: "no fee")
        }
    }
}

/// Where a message went out.
public enum CommunicationChannel: String, Sendable, Hashable, CaseIterable, Codable {
    case loudspeaker
    case zalo
    case meeting
    case other

    public var label: LocalizedText {
        switch self {
        case .loudspeaker: LocalizedText(vi: "loa truyền thanh", en: "loudspeaker")
        case .zalo: LocalizedText(vi: "nhóm Zalo", en: "Zalo group")
        case .meeting: LocalizedText(vi: "họp thôn", en: "village meeting")
        case .other: LocalizedText(vi: "cách khác", en: "other")
        }
    }
}
