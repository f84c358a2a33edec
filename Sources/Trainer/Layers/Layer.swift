/// The contract every layer keeps: forward, backward, parameters and state.
///
/// A layer maps a [batch, inputWidth] tensor to a [batch, outputWidth] tensor. `forward`
/// caches what `backward` needs; `backward` takes ∂loss/∂output, *overwrites* the
/// gradients of the layer's parameters (no accumulation across calls) and returns
/// ∂loss/∂input — or `nil` when `needsInputGradient` is false (the first layer of a
/// model need not compute it). Returned tensors belong to the layer and are reused by
/// its next pass.
///
/// Trainable parameters (`parameters`) and non-trainable state (`state`, e.g. BatchNorm's
/// running statistics) are kept apart; both carry names relative to the layer
/// (`weight`, `running_mean`), which containers prefix (`layers.3.weight`).
public protocol Layer: AnyObject {
    /// A short kind name (`dense`, `relu`, …) for statistics and messages.
    var kind: String { get }
    /// Width of the input features.
    var inputWidth: Int { get }
    /// Width of the output features.
    var outputWidth: Int { get }
    /// Trainable parameters with their gradients, named relative to the layer.
    var parameters: [Parameter] { get }
    /// Non-trainable state (running statistics), named relative to the layer.
    var state: [NamedTensor] { get }
    /// Child layers with their names, for containers; empty for leaf layers.
    var children: [(name: String, layer: any Layer)] { get }

    /// Computes the output for `input` [batch, inputWidth] → [batch, outputWidth].
    func forward(_ input: Tensor, context: inout PassContext) -> Tensor
    /// Back-propagates `gradOutput` [batch, outputWidth]; see the type's documentation.
    func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor?
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var state: [NamedTensor] { [] }
    public var children: [(name: String, layer: any Layer)] { [] }

    /// Back-propagates and returns ∂loss/∂input.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let g = backward(gradOutput, needsInputGradient: true) else {
            preconditionFailure("\(kind) returned no input gradient")
        }
        return g
    }

    /// Every parameter of this layer and its descendants, with dotted names.
    public func namedParameters(prefix: String = "") -> [Parameter] {
        var result = parameters.map { $0.prefixed(prefix) }
        for (name, child) in children {
            result += child.namedParameters(prefix: prefix + name + ".")
        }
        return result
    }

    /// Every state tensor of this layer and its descendants, with dotted names.
    public func namedState(prefix: String = "") -> [NamedTensor] {
        var result = state.map { NamedTensor(name: prefix + $0.name, tensor: $0.tensor) }
        for (name, child) in children {
            result += child.namedState(prefix: prefix + name + ".")
        }
        return result
    }

    /// This layer and its descendants, depth first, with dotted names.
    public func namedLayers(prefix: String = "") -> [(name: String, layer: any Layer)] {
        var result: [(name: String, layer: any Layer)] = [(prefix.isEmpty ? "" : String(prefix.dropLast()), self)]
        for (name, child) in children {
            result += child.namedLayers(prefix: prefix + name + ".")
        }
        return result
    }
}

/// A tensor with a name, as in a state dict.
public struct NamedTensor {
    public var name: String
    public var tensor: Tensor
    public init(name: String, tensor: Tensor) { self.name = name; self.tensor = tensor }
}

/// What one pass needs besides its input: training or evaluation, and the random streams.
///
/// Passed explicitly (no global mode, no global generator). Dropout draws its masks from
/// `random.dropout`; nothing in a forward pass touches the other streams.
public struct PassContext: Sendable {
    /// `true` in a training pass (dropout active, BatchNorm uses and updates batch statistics).
    public var training: Bool
    /// The run's random streams.
    public var random: RandomStreams
    /// In an evaluation pass, BatchNorm normalises with the statistics of the batch it is
    /// given (as in training) instead of its running statistics, and leaves those unchanged.
    /// Measures what a batch's composition (its share of pads) does to BatchNorm.
    public var batchStatistics = false

    public init(training: Bool, random: RandomStreams) {
        self.training = training
        self.random = random
    }

    /// An evaluation context (no randomness is drawn in evaluation).
    public static func evaluation(batchStatistics: Bool = false) -> PassContext {
        var c = PassContext(training: false, random: RandomStreams(seed: 0))
        c.batchStatistics = batchStatistics
        return c
    }
}
