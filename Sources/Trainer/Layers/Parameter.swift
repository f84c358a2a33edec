/// A trainable tensor with its gradient, name and role.
///
/// The role decides the defaults of regularisation (penalties apply to `.weight` only)
/// and of statistics. Layers own their parameters; the optimizer keeps its per-parameter
/// state (slots, what its last update measured) by the parameter's value tensor.
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
