import Foundation
import PackagePlugin

/// Embeds every file under the package's `content/` folder into the target as Swift source,
/// so that the `sotay` binary carries its default procedure pack wherever it is copied.
@main
struct EmbedContent: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let contentDirectory = context.package.directoryURL.appending(path: "content")
        let output = context.pluginWorkDirectoryURL.appending(path: "BundledContentFiles.swift")
        let inputs = Self.files(under: contentDirectory)
        return [
            .buildCommand(
                displayName: "Embedding content/ (\(inputs.count) files)",
                executable: try context.tool(named: "content-embedder").url,
                arguments: [contentDirectory.path(), output.path()],
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
