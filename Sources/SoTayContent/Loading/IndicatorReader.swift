import SoTayCore
import Yams

/// Reads `indicators.yaml`: the figures of the monthly report, as data the commune can edit.
///
/// ```yaml
/// indicators:
///   - id: ty-le-nop-truc-tuyen
///     name: {vi: Tỷ lệ hồ sơ nộp trực tuyến, en: Share filed online}
///     unit: "%"
///     counting: …
///     share:
///       of: {kind: [guidance], outcome: [vneid, portal, in-person, not-yet]}
///       where: {outcome: [vneid, portal]}
/// ```
struct IndicatorReader {
    let reader: NodeReader

    func read(_ root: Node) -> [Indicator] {
        guard let fields = reader.fields(root, "", allowed: ["indicators"], required: ["indicators"]) else { return [] }
        let items = reader.list(fields["indicators"], "indicators")
        if fields["indicators"] != nil && items.isEmpty { reader.report(fields["indicators"], "indicators", .empty) }
        var seen: Set<String> = []
        return items.compactMap { node, path in
            guard let indicator = indicator(node, path) else { return nil }
            guard seen.insert(indicator.id).inserted else {
                reader.report(node, reader.join(path, "id"), .duplicateID(indicator.id))
                return nil
            }
            return indicator
        }
    }

    private func indicator(_ node: Node, _ path: String) -> Indicator? {
        guard let fields = reader.fields(node, path, allowed: ["id", "name", "unit", "counting", "count", "where", "share", "breakdown", "target"],
                                         required: ["id", "name", "unit", "counting"]) else { return nil }
        let id = reader.id(fields["id"], reader.join(path, "id"), separator: "-")
        let name = reader.text(fields["name"], reader.join(path, "name"))
        let unit = reader.text(fields["unit"], reader.join(path, "unit"))
        let counting = reader.text(fields["counting"], reader.join(path, "counting"))
        let target = fields["target"].flatMap { readTarget($0, reader.join(path, "target")) }
        guard let shape = shape(fields, path), let id, let name, let unit, let counting else { return nil }
        if let node = fields["target"] {
            guard case .share = shape else {
                reader.report(node, reader.join(path, "target"), .notForType("count"))
                return nil
            }
            guard target != nil else { return nil }
        }
        return Indicator(id: id, name: name, unit: unit, counting: counting, shape: shape, target: target)
    }

    /// Exactly one of `count` (with an optional `breakdown`) or `share`.
    private func shape(_ fields: [String: Node], _ path: String) -> Indicator.Shape? {
        if let share = fields["share"] {
            for key in ["count", "where", "breakdown"] where fields[key] != nil {
                reader.report(fields[key], reader.join(path, key), .notForType("share"))
                return nil
            }
            let sharePath = reader.join(path, "share")
            guard let parts = reader.fields(share, sharePath, allowed: ["of", "where"], required: ["of", "where"]),
                  let of = filter(parts["of"], reader.join(sharePath, "of")),
                  let subset = filter(parts["where"], reader.join(sharePath, "where"))
            else { return nil }
            return .share(of: of, where: subset)
        }
        guard fields["count"] != nil else {
            reader.report(nil, reader.join(path, "count"), .missing)
            return nil
        }
        guard let measure = reader.oneOf(fields["count"], reader.join(path, "count"), Indicator.Measure.self, allowed: Indicator.Measure.allCases),
              let filter = fields["where"].map({ filter($0, reader.join(path, "where")) }) ?? .some(.any)
        else { return nil }
        guard let node = fields["breakdown"] else { return .total(measure, filter) }
        guard let dimension = reader.oneOf(node, reader.join(path, "breakdown"), Indicator.Dimension.self, allowed: Indicator.Dimension.allCases) else { return nil }
        return .breakdown(dimension, measure, filter)
    }

    private func filter(_ node: Node?, _ path: String) -> ActivityFilter? {
        guard let fields = reader.fields(node, path, allowed: ["kind", "outcome", "reason", "payment", "satisfaction", "outside-commune"], required: []) else {
            return nil
        }
        var filter = ActivityFilter()
        var valid = true
        func values<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) -> [String]? where T.RawValue == String {
            guard let node = fields[key] else { return nil }
            let items = reader.list(node, reader.join(path, key))
            if items.isEmpty { reader.report(node, reader.join(path, key), .empty); valid = false }
            return items.compactMap { item, itemPath in
                guard let value = reader.oneOf(item, itemPath, T.self, allowed: Array(T.allCases)) else { valid = false; return nil }
                return value.rawValue
            }
        }
        filter.kinds = values("kind", ActivityKind.self)
        filter.outcomes = values("outcome", GuidanceOutcome.self)
        filter.reasons = values("reason", NotYetReason.self)
        filter.payments = values("payment", PaymentWay.self)
        if let node = fields["satisfaction"] {
            let items = reader.list(node, reader.join(path, "satisfaction"))
            if items.isEmpty { reader.report(node, reader.join(path, "satisfaction"), .empty); valid = false }
            filter.satisfaction = items.compactMap { item, itemPath in
                guard let score = reader.int(item, itemPath) else { valid = false; return nil }
                guard (1...5).contains(score) else {
                    reader.report(item, itemPath, .notOneOf(["1", "2", "3", "4", "5"]))
                    valid = false
                    return nil
                }
                return score
            }
        }
        filter.outsideCommune = reader.bool(fields["outside-commune"], reader.join(path, "outside-commune"))
        if filter.kinds?.contains(ActivityKind.undo.rawValue) == true {
            reader.report(fields["kind"], reader.join(path, "kind"), .notOneOf(ActivityKind.logged.map(\.rawValue)))
            valid = false
        }
        return valid ? filter : nil
    }

    private func readTarget(_ node: Node, _ path: String) -> Indicator.Target? {
        guard let fields = reader.fields(node, path, allowed: ["at-least", "note", "sources"], required: ["at-least", "note", "sources"]),
              let atLeast = reader.int(fields["at-least"], reader.join(path, "at-least")),
              let note = reader.text(fields["note"], reader.join(path, "note"))
        else { return nil }
        let sources = reader.sources(fields["sources"], reader.join(path, "sources"))
        guard (0...100).contains(atLeast) else {
            reader.report(fields["at-least"], reader.join(path, "at-least"), .notOneOf(["0–100"]))
            return nil
        }
        guard !sources.isEmpty else { return nil }
        return Indicator.Target(atLeast: Double(atLeast), note: note, sources: sources)
    }
}
