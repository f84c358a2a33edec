/// Updates parameters from their gradients; keeps per-parameter state (moments).
///
/// State is keyed by the parameter's dotted name, so it saves into a state dict as
/// `optimizer.<parameter>.<slot>` (e.g. `optimizer.layers.0.weight.exp_avg`) and
/// loads back strictly. The step count (number of updates made) is saved as well.
public protocol Optimizer: AnyObject {
    /// Updates made so far.
    var stepCount: Int { get set }
    /// The slot names each parameter has (`momentum_buffer`, `exp_avg`, …).
    var slotNames: [String] { get }
    /// One update of every parameter with learning rate `learningRate`; when
    /// `trackUpdates`, sets each parameter's `lastUpdateSquaredNorm`.
    func step(_ parameters: [Parameter], learningRate: Float, trackUpdates: Bool)
    /// The slot tensor of `parameter` named `slot`, created (zero) if missing.
    func slot(_ slot: String, for parameter: Parameter) -> Tensor
}

extension Optimizer {
    /// Named state tensors for `parameters` (creating zero slots that do not exist yet).
    public func stateTensors(for parameters: [Parameter]) -> [NamedTensor] {
        parameters.flatMap { p in
            slotNames.map { NamedTensor(name: "optimizer.\(p.name).\($0)", tensor: slot($0, for: p)) }
        }
    }
}

/// Per-parameter slot storage shared by the optimizers, keyed by the parameter's value
/// tensor (identity, so the hot path does no string hashing) and slot name.
final class SlotStore {
    /// The owner is kept alive so its identifier is never reused by another tensor.
    private var slots: [ObjectIdentifier: (owner: Tensor, slots: [String: Tensor])] = [:]

    func tensor(_ slot: String, for parameter: Parameter) -> Tensor {
        let id = ObjectIdentifier(parameter.value)
        if let t = slots[id]?.slots[slot] { return t }
        let t = Tensor(zeros: parameter.value.shape)
        slots[id, default: (parameter.value, [:])].slots[slot] = t
        return t
    }
}
