/// A trainable tensor with its gradient, name and role.
///
/// The role decides the defaults of regularisation (penalties apply to `.weight` only)
/// and of statistics. Layers own their parameters; the optimizer keeps its per-parameter
/// state by the parameter's position in the model's parameter list.
public final class Parameter {
    /// What a parameter is for.
    public enum Role: String, Sendable, Codable, CaseIterable {
        /// Dense / projection weight matrices.
        case weight
        /// Dense biases.
        case bias
        /// Normalisation scale γ.
        case normScale
        /// Normalisation shift β.
        case normShift
        /// PReLU slopes.
        case slope
    }

    /// Dotted name, e.g. `layers.0.weight`.
    public let name: String
    public let role: Role
    /// The value; updated in place by optimizers.
    public let value: Tensor
    /// ∂loss/∂value from the last backward pass (same shape as `value`).
    public let gradient: Tensor
    /// ‖Δvalue‖² of the last optimizer step, when the optimizer was asked to track it.
    public var lastUpdateSquaredNorm: Double = 0
    /// Gradient and weight moments an optimizer gathered during its last tracked update
    /// pass (nil when it did not), so per-step statistics need no pass of their own.
    public var stepMoments: StepMoments?

    public init(name: String, role: Role, value: Tensor) {
        self.name = name
        self.role = role
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
    }

    private init(name: String, role: Role, value: Tensor, gradient: Tensor) {
        self.name = name
        self.role = role
        self.value = value
        self.gradient = gradient
    }

    /// The same parameter (sharing value and gradient) under a prefixed name.
    func prefixed(_ prefix: String) -> Parameter {
        if prefix.isEmpty { return self }
        let p = Parameter(name: prefix + name, role: role, value: value, gradient: gradient)
        return p
    }
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
