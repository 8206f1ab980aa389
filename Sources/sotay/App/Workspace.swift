import Foundation
import SoTayContent
import SoTayCore
import SoTayStore

/// What a command works with: the language, the library, and (when needed) the store.
struct Workspace {
    let options: GlobalOptions
    let pack: ContentPack
    let render: Render
    let today: CalendarDate

    init(_ options: GlobalOptions) throws {
        self.options = options
        self.pack = try options.loadContent()
        self.render = Render(language: options.language)
        self.today = CalendarDate.today()
    }

    var language: Language { options.language }

    /// Months after a source's "checked" date before the volunteer is asked to confirm.
    var maxContentAgeMonths: Int {
        ProcessInfo.processInfo.environment["SOTAY_CONTENT_MAX_AGE_MONTHS"].flatMap(Int.init).map { max($0, 1) } ?? 6
    }

    func province(for profile: VolunteerProfile?) -> Province? {
        profile.flatMap { pack.province(named: $0.province) }
    }

    /// Search over the library's procedures and guides, and the national catalogue.
    var searchIndex: SearchIndex {
        pack.searchIndex()
    }

    /// The procedure with this id, or an error that suggests close matches.
    func procedure(_ id: String) throws -> Procedure {
        if let procedure = pack.procedure(id) { return procedure }
        let suggestions = searchIndex.search(id, limit: 3).map(\.entry.id).filter { pack.procedure($0) != nil }
        throw CLIError.unknownProcedure(id, suggestions: suggestions)
    }
}
