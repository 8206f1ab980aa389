/// One figure of the monthly report, defined once in content (`indicators.yaml`) and computed
/// the same way for the volunteer's own report and the hub's commune report.
public struct Indicator: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: LocalizedText
    public var unit: LocalizedText
    /// How it is counted, in words, for the reader of the report.
    public var counting: LocalizedText
    public var shape: Shape
    public var target: Target?

    public init(id: String, name: LocalizedText, unit: LocalizedText, counting: LocalizedText, shape: Shape, target: Target? = nil) {
        self.id = id
        self.name = name
        self.unit = unit
        self.counting = counting
        self.shape = shape
        self.target = target
    }

    public enum Shape: Sendable, Hashable {
        /// One number: `measure` over the activities that match.
        case total(Measure, ActivityFilter)
        /// A percentage: activities matching `of` and `where`, out of those matching `of`.
        case share(of: ActivityFilter, where: ActivityFilter)
        /// One number per value of a dimension (per procedure, per village, …).
        case breakdown(Dimension, Measure, ActivityFilter)
    }

    /// What is added up.
    public enum Measure: String, Sendable, Hashable, CaseIterable {
        /// Each matching entry counts one.
        case activities
        /// Distinct residents among the matching entries; an entry with no resident linked counts one.
        case residents
        /// The sum of the entries' participant numbers.
        case participants
    }

    /// What a breakdown or a grouped report splits by.
    public enum Dimension: String, Sendable, Hashable, CaseIterable {
        case procedure
        /// The procedure's field (hộ tịch, cư trú, …), from the procedure library.
        case field
        case village
        case volunteer
        case kind
        case reason
    }

    /// The level the commune is asked to reach, where an official text sets one.
    public struct Target: Sendable, Hashable {
        /// A percentage to reach or exceed.
        public var atLeast: Double
        public var note: LocalizedText
        public var sources: [Source]

        public init(atLeast: Double, note: LocalizedText, sources: [Source]) {
            self.atLeast = atLeast
            self.note = note
            self.sources = sources
        }
    }

    public var isBreakdown: Bool {
        if case .breakdown = shape { true } else { false }
    }
}

/// Which activities an indicator looks at. A missing list means "any"; the lists hold the raw
/// values of `ActivityKind`, `GuidanceOutcome`, `NotYetReason` and `PaymentWay`.
public struct ActivityFilter: Sendable, Hashable {
    public var kinds: [String]?
    public var outcomes: [String]?
    public var reasons: [String]?
    public var payments: [String]?
    public var satisfaction: [Int]?
    public var outsideCommune: Bool?

    public init(kinds: [String]? = nil, outcomes: [String]? = nil, reasons: [String]? = nil, payments: [String]? = nil,
                satisfaction: [Int]? = nil, outsideCommune: Bool? = nil) {
        self.kinds = kinds
        self.outcomes = outcomes
        self.reasons = reasons
        self.payments = payments
        self.satisfaction = satisfaction
        self.outsideCommune = outsideCommune
    }

    public static let any = ActivityFilter()

    public func matches(kind: String, outcome: String?, reason: String?, payment: String?, satisfaction: Int?, outsideCommune: Bool) -> Bool {
        if let kinds, !kinds.contains(kind) { return false }
        if let outcomes, !outcomes.contains(where: { $0 == outcome }) { return false }
        if let reasons, !reasons.contains(where: { $0 == reason }) { return false }
        if let payments, !payments.contains(where: { $0 == payment }) { return false }
        if let wanted = self.satisfaction, !wanted.contains(where: { $0 == satisfaction }) { return false }
        if let wanted = self.outsideCommune, wanted != outsideCommune { return false }
        return true
    }

    /// Both filters at once.
    public func and(_ other: ActivityFilter) -> ActivityFilter {
        func both<T: Equatable>(_ a: [T]?, _ b: [T]?) -> [T]? {
            guard let a else { return b }
            guard let b else { return a }
            return a.filter(b.contains)
        }
        var result = ActivityFilter(kinds: both(kinds, other.kinds), outcomes: both(outcomes, other.outcomes), reasons: both(reasons, other.reasons),
                                    payments: both(payments, other.payments), satisfaction: both(satisfaction, other.satisfaction),
                                    outsideCommune: outsideCommune ?? other.outsideCommune)
        if let mine = outsideCommune, let theirs = other.outsideCommune, mine != theirs {
            result.kinds = []  // contradictory: matches nothing
        }
        return result
    }
}
