import Foundation
import PackagePlugin

/// Embeds every file under the package's `content/` folder into the target as Swift source,
/// so that the `sotay` binary carries its default procedure pack wherever it is copied.
/// A target other than SoTayContent embeds its own `Data/` folder instead (SoTayCore: the list of
/// common passwords), which keeps such lists as data files while Core stays free of file I/O.
@main
struct EmbedContent: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let contentDirectory = target.name == "SoTayContent"
            ? context.package.directoryURL.appending(path: "content")
            : target.directoryURL.appending(path: "Data")
        let enumName = target.name == "SoTayContent" ? "BundledContentFiles" : "BundledDataFiles"
        let output = context.pluginWorkDirectoryURL.appending(path: "\(enumName).swift")
        let inputs = Self.files(under: contentDirectory)
        return [
            .buildCommand(
                displayName: "Embedding \(contentDirectory.lastPathComponent)/ for \(target.name) (\(inputs.count) files)",
                executable: try context.tool(named: "content-embedder").url,
                arguments: [contentDirectory.path(), output.path(), enumName],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }

    private static func files(under directory: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(
            at: directory, includingPropertiesForKeys: [.isRegularFileKey]
        ) else { return [] }
        return enumerator.compactMap { $0 as? URL }
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.path() < $1.path() }
    }
}
