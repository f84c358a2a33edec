/// Facts about this binary fixed when it was built.
public enum BuildInfo {
    /// The tool's version.
    public static let version = "0.1.0"
    /// The git commit the binary was built from (12 hex digits, `+dirty` when the tree had
    /// uncommitted changes to Sources, Package.swift or migrations; "unknown" when built outside
    /// a git checkout). Written by Plugins/GitCommitPlugin.
    public static let gitCommit: String = generatedGitCommit
}
