/// A whole procedure library: the bundled one, or a folder being checked.
public struct ContentPack: Sendable {
    public var id: String
    public var version: String
    public var title: LocalizedText
    public var procedures: [Procedure]
    public var guides: [Guide]
    public var provinces: [Province]
    /// The national catalogue (`catalogue.tsv`), when the pack has one.
    public var catalogue: [CatalogueEntry]
    /// The figures of the monthly report (`indicators.yaml`), in the order they are printed.
    public var indicators: [Indicator]
    /// The consent text (`consent.yaml`); without one, no personal data can be saved.
    public var consent: ConsentText?
    /// Everyday words for the library's legal names (`lexicon.yaml`), used by search.
    public var lexicon: SearchLexicon

    public init(id: String, version: String, title: LocalizedText, procedures: [Procedure], guides: [Guide] = [], provinces: [Province] = [],
                catalogue: [CatalogueEntry] = [], indicators: [Indicator] = [], consent: ConsentText? = nil, lexicon: SearchLexicon = .empty) {
        self.consent = consent
        self.lexicon = lexicon
        self.id = id
        self.version = version
        self.title = title
        self.procedures = procedures.sorted { $0.id < $1.id }
        self.guides = guides.sorted { $0.id < $1.id }
        self.provinces = provinces.sorted { $0.id < $1.id }
        self.catalogue = catalogue
        self.indicators = indicators
    }

    /// The catalogue line with this national code.
    public func catalogueEntry(code: String) -> CatalogueEntry? {
        catalogue.first { $0.code == code }
    }

    /// Search entries: every checklist and guide, then every catalogue line that no checklist covers.
    public var searchEntries: [SearchEntry] {
        let covered = Set(procedures.flatMap { $0.codes.map(\.code) })
        return procedures.map {
            SearchEntry(id: $0.id, title: $0.title.vi, aliases: $0.aliases + [$0.title.en].compactMap { $0 },
                        codes: $0.codes.map(\.code), detailed: true)
        } + guides.map {
            SearchEntry(id: $0.id, title: $0.title.vi, aliases: $0.aliases + [$0.title.en].compactMap { $0 }, detailed: false)
        } + catalogue.filter { !covered.contains($0.code) }.map {
            SearchEntry(id: $0.code, title: $0.title, codes: [$0.code], detailed: false)
        }
    }

    /// The search over every checklist, guide and catalogue line, with the pack's lexicon.
    public func searchIndex() -> SearchIndex {
        SearchIndex(searchEntries, lexicon: lexicon)
    }

    public func procedure(_ id: String) -> Procedure? {
        procedures.first { $0.id == id }
    }

    public func guide(_ id: String) -> Guide? {
        guides.first { $0.id == id }
    }

    /// The province whose name or id matches what the volunteer typed, tone marks or not.
    public func province(named name: String) -> Province? {
        let folded = VietnameseFolding.fold(name)
        guard !folded.isEmpty else { return nil }
        return provinces.first { VietnameseFolding.fold($0.name) == folded || $0.id == name }
    }
}

/// What the volunteer reads to the resident before anything personal is saved (`consent.yaml`).
/// Its version is recorded with the resident's yes: a changed text is a new version, asked again.
public struct ConsentText: Sendable, Hashable {
    public var version: String
    public var title: LocalizedText
    public var sources: [Source]
    public var body: [LocalizedText]

    public init(version: String, title: LocalizedText, sources: [Source], body: [LocalizedText]) {
        self.version = version
        self.title = title
        self.sources = sources
        self.body = body
    }
}

/// A short cross-cutting guide ("nộp hồ sơ phi địa giới", "cảnh báo lừa đảo").
public struct Guide: Sendable, Hashable, Identifiable {
    public var id: String
    public var title: LocalizedText
    public var aliases: [String]
    public var sources: [Source]
    public var body: [LocalizedText]

    public init(id: String, title: LocalizedText, aliases: [String] = [], sources: [Source], body: [LocalizedText]) {
        self.id = id
        self.title = title
        self.aliases = aliases
        self.sources = sources
        self.body = body
    }
}

/// What depends on the province: fees set by the HĐND tỉnh, local notes.
public struct Province: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var sources: [Source]
    public var fees: [String: LocalizedText]
    public var notes: [LocalizedText]

    public init(id: String, name: String, sources: [Source], fees: [String: LocalizedText] = [:], notes: [LocalizedText] = []) {
        self.id = id
        self.name = name
        self.sources = sources
        self.fees = fees
        self.notes = notes
    }
}

/// One line of the national procedure catalogue: every procedure, even those Sổ Tay has no
/// checklist for, so that search can name it and its level.
public struct CatalogueEntry: Sendable, Hashable {
    public var code: String
    public var title: String
    /// "Cấp xã", "Cấp tỉnh", "Cấp bộ", or several of them.
    public var level: String
    public var field: String
    public var ministry: String
    public var decision: String

    public init(code: String, title: String, level: String, field: String, ministry: String, decision: String) {
        self.code = code
        self.title = title
        self.level = level
        self.field = field
        self.ministry = ministry
        self.decision = decision
    }
}
