/// How optimizer state is named in a state dict — the one place these keys are built,
/// so saving, loading and the checkpoint checks cannot drift apart.
///
/// Slots are `optimizer.<parameter>.<slot>` (e.g. `optimizer.layers.0.weight.exp_avg`),
/// the step count is `optimizer.step`, in the dotted style of PyTorch and tinygrad state
/// dicts.
public enum OptimizerStateKey {
    /// Every optimizer entry starts with this.
    public static let prefix = "optimizer."
    /// The number of updates made.
    public static let step = prefix + "step"

    /// The key of `parameter`'s slot `slot`.
    public static func slot(_ slot: String, of parameter: String) -> String {
        prefix + parameter + "." + slot
    }

    /// Whether `name` belongs to the optimizer (a slot or the step count).
    public static func isOptimizerKey(_ name: String) -> Bool {
        name.hasPrefix(prefix)
    }
}
