import BuildInfo

/// The Trainer: tensors, layers, losses, optimizers, data and the training loop.
public enum TrainerInfo {
    public static let version = BuildInfo.version
    /// The git commit this binary was built from (embedded at build time).
    public static let gitCommit = BuildInfo.gitCommit
}
