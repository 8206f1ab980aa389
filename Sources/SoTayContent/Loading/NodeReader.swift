import SoTayCore
import Yams

/// Reads one YAML file's nodes into typed values, collecting every problem with its line
/// instead of stopping at the first, so a writer sees all of them in one run.
final class NodeReader {
    let file: String
    private(set) var problems: [ContentProblem] = []

    init(file: String) {
        self.file = file
    }

    func report(_ node: Node?, _ field: String, _ kind: ContentProblem.Kind, line: Int? = nil) {
        problems.append(ContentProblem(file: file, line: line ?? node?.mark?.line, field: field, kind: kind))
    }

    /// The mapping's values by key; reports unknown and missing keys.
    func fields(_ node: Node?, _ field: String, allowed: [String], required: [String]) -> [String: Node]? {
        guard let node else { return nil }
        guard let mapping = node.mapping else {
            report(node, field, .wrongType(expected: "mapping"))
            return nil
        }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report(key, field, .wrongType(expected: "string key"))
                continue
            }
            guard allowed.contains(name) else {
                report(key, join(field, name), .unknownField(allowed: allowed))
                continue
            }
            result[name] = value
        }
        for name in required where result[name] == nil || result[name]?.null != nil {
            report(node, join(field, name), .missing)
        }
        return result
    }

    /// Without surrounding white space. Most values have none, and Foundation's trimming (a
    /// bridge through NSString on Linux) showed up in the start-up profile: only pay it when needed.
    static func trimmed(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace
        else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func join(_ parent: String, _ child: String) -> String {
        parent.isEmpty ? child : "\(parent).\(child)"
    }

    func string(_ node: Node?, _ field: String) -> String? {
        guard let node, node.null == nil else { return nil }
        guard let scalar = node.scalar else {
            report(node, field, .wrongType(expected: "text"))
            return nil
        }
        let text = Self.trimmed(scalar.string)
        if text.isEmpty { report(node, field, .empty) }
        return text.isEmpty ? nil : text
    }

    func text(_ node: Node?, _ field: String) -> LocalizedText? {
        guard let node, node.null == nil else { return nil }
        if node.scalar != nil {
            return string(node, field).map { LocalizedText(vi: $0) }
        }
        guard let parts = fields(node, field, allowed: ["vi", "en"], required: ["vi"]),
              let vi = string(parts["vi"], join(field, "vi"))
        else { return nil }
        return LocalizedText(vi: vi, en: string(parts["en"], join(field, "en")))
    }

    func list(_ node: Node?, _ field: String) -> [(Node, String)] {
        guard let node, node.null == nil else { return [] }
        guard let sequence = node.sequence else {
            report(node, field, .wrongType(expected: "list"))
            return []
        }
        return sequence.enumerated().map { ($0.element, "\(field)[\($0.offset)]") }
    }

    func strings(_ node: Node?, _ field: String) -> [String] {
        list(node, field).compactMap { string($0.0, $0.1) }
    }

    func texts(_ node: Node?, _ field: String) -> [LocalizedText] {
        list(node, field).compactMap { text($0.0, $0.1) }
    }

    func bool(_ node: Node?, _ field: String) -> Bool? {
        guard let node, node.null == nil else { return nil }
        guard let scalar = node.scalar, ["true", "false"].contains(scalar.string) else {
            report(node, field, .wrongType(expected: "true/false"))
            return nil
        }
        return scalar.string == "true"
    }

    func int(_ node: Node?, _ field: String) -> Int? {
        guard let node, node.null == nil else { return nil }
        guard let value = node.scalar.flatMap({ Int($0.string) }) else {
            report(node, field, .wrongType(expected: "whole number"))
            return nil
        }
        return value
    }

    func date(_ node: Node?, _ field: String) -> CalendarDate? {
        guard let raw = string(node, field) else { return nil }
        guard let date = CalendarDate(iso: raw) else {
            report(node, field, .badDate)
            return nil
        }
        return date
    }

    func oneOf<T: RawRepresentable>(_ node: Node?, _ field: String, _ type: T.Type, allowed: [T]) -> T? where T.RawValue == String {
        guard let raw = string(node, field) else { return nil }
        guard let value = T(rawValue: raw), allowed.contains(where: { $0.rawValue == raw }) else {
            report(node, field, .notOneOf(allowed.map(\.rawValue)))
            return nil
        }
        return value
    }

    func id(_ node: Node?, _ field: String, separator: Character) -> String? {
        guard let raw = string(node, field) else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789").union([separator])
        guard raw.allSatisfy(allowed.contains), raw.first != separator, raw.last != separator else {
            report(node, field, .badID(pattern: "a-z, 0-9, \(separator)"))
            return nil
        }
        return raw
    }

    func sources(_ node: Node?, _ field: String) -> [Source] {
        let items = list(node, field)
        if node != nil && items.isEmpty { report(node, field, .empty) }
        return items.compactMap { item, path -> Source? in
            guard let parts = fields(item, path, allowed: ["title", "url", "checked", "published"], required: ["title", "checked"]),
                  let title = string(parts["title"], join(path, "title")),
                  let checked = date(parts["checked"], join(path, "checked"))
            else { return nil }
            let published = date(parts["published"], join(path, "published"))
            // A source cannot be checked before it exists: a publication date given as `checked` shows up here.
            if let published, checked < published { report(parts["checked"], join(path, "checked"), .checkedBeforePublished) }
            return Source(title: title, url: string(parts["url"], join(path, "url")), checked: checked, published: published)
        }
    }
}
