/// Updates parameters from their gradients; keeps per-parameter state (moments) and
/// what its last update measured.
///
/// State is keyed by the parameter (its value tensor's identity), so it saves into a
/// state dict under `OptimizerStateKey.slot(_:of:)` and loads back strictly. The step
/// count (number of updates made) is saved as well.
public protocol Optimizer: AnyObject {
    /// Updates made so far.
    var stepCount: Int { get set }
    /// The slot names each parameter has (`momentum_buffer`, `exp_avg`, …).
    var slotNames: [String] { get }
    /// One update of every parameter with learning rate `learningRate`; when
    /// `trackUpdates`, measures each update for `lastStep(of:)`.
    func step(_ parameters: [Parameter], learningRate: Float, trackUpdates: Bool)
    /// The slot tensor of `parameter` named `slot`, created (zero) if missing.
    func slot(_ slot: String, for parameter: Parameter) -> Tensor
    /// What the last update of `parameter` measured; nil before the first step or after
    /// `forgetLastSteps()`.
    func lastStep(of parameter: Parameter) -> StepMeasurement?
    /// Drops every measurement (after a state load they describe weights no longer there).
    func forgetLastSteps()
}

extension Optimizer {
    /// Named state tensors for `parameters` (creating zero slots that do not exist yet).
    public func stateTensors(for parameters: [Parameter]) -> [NamedTensor] {
        parameters.flatMap { p in
            slotNames.map { NamedTensor(name: OptimizerStateKey.slot($0, of: p.name), tensor: slot($0, for: p)) }
        }
    }
}

/// What one optimizer update of a parameter measured.
public struct StepMeasurement: Sendable, Equatable {
    /// ‖Δvalue‖² of the update (0 when the step was not tracked).
    public var updateSquaredNorm: Double
    /// Gradient and weight moments gathered in the update pass, when the optimizer gathers
    /// them, so per-step statistics need no pass of their own.
    public var moments: StepMoments?
}

/// Moments of a parameter gathered during an optimizer's update pass.
public struct StepMoments: Sendable, Equatable {
    /// Of the gradient the step read (before any coupled weight decay).
    public var gradient: Reductions.Moments
    /// Sum of squares of the weights after the update, and how many have |w| < `threshold`.
    public var weightSquares: Double
    public var weightSmall: Int
    public var threshold: Float
}

/// Per-parameter state shared by the optimizers — slot tensors and the last step's
/// measurement — keyed by the parameter's value tensor (identity, so the hot path does
/// no string hashing).
final class OptimizerState {
    private struct Entry {
        /// Kept alive so its identifier is never reused by another tensor.
        let owner: Tensor
        var slots: [String: Tensor] = [:]
        var lastStep: StepMeasurement?
    }
    private var entries: [ObjectIdentifier: Entry] = [:]

    func tensor(_ slot: String, for parameter: Parameter) -> Tensor {
        let id = ObjectIdentifier(parameter.value)
        if let t = entries[id]?.slots[slot] { return t }
        let t = Tensor(zeros: parameter.value.shape)
        entries[id, default: Entry(owner: parameter.value)].slots[slot] = t
        return t
    }

    func lastStep(of parameter: Parameter) -> StepMeasurement? {
        entries[ObjectIdentifier(parameter.value)]?.lastStep
    }

    func setLastStep(_ measurement: StepMeasurement, of parameter: Parameter) {
        entries[ObjectIdentifier(parameter.value), default: Entry(owner: parameter.value)].lastStep = measurement
    }

    func forgetLastSteps() {
        for id in entries.keys { entries[id]?.lastStep = nil }
    }
}
