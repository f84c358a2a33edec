import Foundation
import PackagePlugin

/// Writes the git commit of the source tree into the `BuildInfo` module at build time, so a
/// run's environment names the commit the binary was built from (not whatever the tree holds
/// when the binary runs, and not "unknown" for an installed binary).
@main
struct GitCommitPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let outputs = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let script = context.package.directoryURL.appending(path: "scripts/git-commit.sh")
        // A prebuild command runs before every build; the script rewrites its file only when the
        // commit (or the dirty mark) changed, so an unchanged tree recompiles nothing.
        return [.prebuildCommand(
            displayName: "Embedding the git commit",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [script.path, context.package.directoryURL.path, outputs.appending(path: "GitCommit.swift").path],
            outputFilesDirectory: outputs)]
    }
}
