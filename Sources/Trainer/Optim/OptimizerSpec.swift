/// A declarative, Codable optimizer choice with its learning-rate schedule.
///
/// JSON: `{"type": "adam", "lr": 0.001}`, `{"type": "sgd", "lr": {"type": "cosine", …},
/// "momentum": 0.9, "nesterov": true, "weight_decay": 0.0005}`, `{"type": "adamw",
/// "lr": 0.001, "weight_decay": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}`.
public struct OptimizerSpec: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case sgd, adam, adamw }

    public var type: Kind
    public var learningRate: Schedule
    public var momentum: Double
    public var nesterov: Bool
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double

    public init(type: Kind, learningRate: Schedule, momentum: Double = 0, nesterov: Bool = false,
                beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double? = nil) {
        self.type = type
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay ?? (type == .adamw ? 0.01 : 0)
    }

    /// Adam with a constant learning rate (the peers' setting: 1e-3).
    public static func adam(_ lr: Double = 1e-3) -> OptimizerSpec { OptimizerSpec(type: .adam, learningRate: .constant(lr)) }

    private enum CodingKeys: String, CodingKey {
        case type, learningRate = "lr", momentum, nesterov, beta1, beta2, epsilon = "eps", weightDecay = "weight_decay"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(Kind.self, forKey: .type)
        self.init(
            type: type,
            learningRate: try c.decode(Schedule.self, forKey: .learningRate),
            momentum: try c.decodeIfPresent(Double.self, forKey: .momentum) ?? 0,
            nesterov: try c.decodeIfPresent(Bool.self, forKey: .nesterov) ?? false,
            beta1: try c.decodeIfPresent(Double.self, forKey: .beta1) ?? 0.9,
            beta2: try c.decodeIfPresent(Double.self, forKey: .beta2) ?? 0.999,
            epsilon: try c.decodeIfPresent(Double.self, forKey: .epsilon) ?? 1e-8,
            weightDecay: try c.decodeIfPresent(Double.self, forKey: .weightDecay))
    }

    /// Checks ranges; errors name the key under `optimizer`.
    public func validate() throws {
        try learningRate.validate(key: "optimizer.lr")
        if learningRate.peak <= 0 {
            throw TrainerError.invalidSpec(key: "optimizer.lr", message: "the learning rate must be > 0, got \(learningRate.peak)")
        }
        func check(_ ok: Bool, _ key: String, _ m: String) throws {
            if !ok { throw TrainerError.invalidSpec(key: "optimizer.\(key)", message: m) }
        }
        try check(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got \(momentum)")
        try check(!nesterov || momentum > 0, "nesterov", "needs momentum > 0")
        try check(beta1 >= 0 && beta1 < 1, "beta1", "must be in [0, 1), got \(beta1)")
        try check(beta2 >= 0 && beta2 < 1, "beta2", "must be in [0, 1), got \(beta2)")
        try check(epsilon > 0 && epsilon.isFinite, "eps", "must be > 0, got \(epsilon)")
        try check(weightDecay >= 0 && weightDecay.isFinite, "weight_decay", "must be ≥ 0, got \(weightDecay)")
    }

    /// A fresh optimizer (no state) for this spec.
    public func makeOptimizer() throws -> any Optimizer {
        try validate()
        switch type {
        case .sgd:
            return SGD(momentum: Float(momentum), nesterov: nesterov, weightDecay: Float(weightDecay))
        case .adam, .adamw:
            return Adam(beta1: Float(beta1), beta2: Float(beta2), epsilon: Float(epsilon),
                        weightDecay: Float(weightDecay), decoupled: type == .adamw)
        }
    }
}
