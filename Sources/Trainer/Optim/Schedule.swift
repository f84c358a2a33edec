#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value that follows the optimizer step: learning rates and penalty strengths.
///
/// Pure functions of the step count `t` (0 for the first update), so a schedule's state
/// is just the step, which checkpoints save. Composable: `warmup` wraps another schedule.
/// JSON: `{"type": "constant", "value": 0.001}`, `{"type": "step", "value": 0.1,
/// "every": 1000, "gamma": 0.5}`, `{"type": "cosine", "value": 0.1, "steps": 10000,
/// "minimum": 0}`, `{"type": "warmup", "steps": 500, "then": {…}}`.
public indirect enum Schedule: Sendable, Equatable {
    /// Always `value`.
    case constant(Double)
    /// `value · gamma^⌊t / every⌋` (PyTorch `StepLR`).
    case step(value: Double, every: Int, gamma: Double)
    /// Cosine annealing from `value` to `minimum` over `steps`, then `minimum`
    /// (Loshchilov & Hutter, 2017, without restarts).
    case cosine(value: Double, steps: Int, minimum: Double)
    /// Linear warm-up: `then(0) · (t + 1) / steps` for `t < steps`, then `then(t − steps)`.
    case warmup(steps: Int, then: Schedule)

    /// The value at optimizer step `t` (0-based).
    public func value(at t: Int) -> Double {
        switch self {
        case .constant(let v):
            return v
        case .step(let v, let every, let gamma):
            return v * pow(gamma, Double(t / Swift.max(every, 1)))
        case .cosine(let v, let steps, let minimum):
            guard steps > 0, t < steps else { return minimum }
            return minimum + (v - minimum) * (1 + cos(Double.pi * Double(t) / Double(steps))) / 2
        case .warmup(let steps, let then):
            if t < steps { return then.value(at: 0) * Double(t + 1) / Double(steps) }
            return then.value(at: t - steps)
        }
    }

    /// Checks the schedule's numbers; `key` prefixes the error's key.
    /// The schedule's base (largest) value.
    public var peak: Double {
        switch self {
        case .constant(let v), .step(let v, _, _), .cosine(let v, _, _): return v
        case .warmup(_, let then): return then.peak
        }
    }

    public func validate(key: String) throws {
        func fail(_ k: String, _ m: String) -> TrainerError { .invalidSpec(key: "\(key).\(k)", message: m) }
        switch self {
        case .constant(let v):
            guard v.isFinite, v >= 0 else { throw fail("value", "must be a finite number ≥ 0, got \(v)") }
        case .step(let v, let every, let gamma):
            guard v.isFinite, v >= 0 else { throw fail("value", "must be a finite number ≥ 0, got \(v)") }
            guard every > 0 else { throw fail("every", "must be > 0, got \(every)") }
            guard gamma.isFinite, gamma >= 0 else { throw fail("gamma", "must be ≥ 0, got \(gamma)") }
        case .cosine(let v, let steps, let minimum):
            guard v.isFinite, v >= 0 else { throw fail("value", "must be a finite number ≥ 0, got \(v)") }
            guard steps > 0 else { throw fail("steps", "must be > 0, got \(steps)") }
            guard minimum.isFinite, minimum >= 0 else { throw fail("minimum", "must be ≥ 0, got \(minimum)") }
        case .warmup(let steps, let then):
            guard steps > 0 else { throw fail("steps", "must be > 0, got \(steps)") }
            try then.validate(key: "\(key).then")
        }
    }
}

extension Schedule: Codable {
    private enum CodingKeys: String, CodingKey { case type, value, every, gamma, steps, minimum, then }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let v = try? single.decode(Double.self) {
            self = .constant(v)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "constant": self = .constant(try c.decode(Double.self, forKey: .value))
        case "step":
            self = .step(value: try c.decode(Double.self, forKey: .value),
                         every: try c.requiredInteger(.every, in: 1...SpecBounds.count.upperBound),
                         gamma: try c.decodeIfPresent(Double.self, forKey: .gamma) ?? 0.1)
        case "cosine":
            self = .cosine(value: try c.decode(Double.self, forKey: .value),
                           steps: try c.requiredInteger(.steps, in: 1...SpecBounds.count.upperBound),
                           minimum: try c.decodeIfPresent(Double.self, forKey: .minimum) ?? 0)
        case "warmup":
            self = .warmup(steps: try c.requiredInteger(.steps, in: 1...SpecBounds.count.upperBound),
                           then: try c.decode(Schedule.self, forKey: .then))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown schedule type '\(type)' (constant, step, cosine, warmup)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .constant(let v):
            try c.encode("constant", forKey: .type); try c.encode(v, forKey: .value)
        case .step(let v, let every, let gamma):
            try c.encode("step", forKey: .type); try c.encode(v, forKey: .value)
            try c.encode(every, forKey: .every); try c.encode(gamma, forKey: .gamma)
        case .cosine(let v, let steps, let minimum):
            try c.encode("cosine", forKey: .type); try c.encode(v, forKey: .value)
            try c.encode(steps, forKey: .steps); try c.encode(minimum, forKey: .minimum)
        case .warmup(let steps, let then):
            try c.encode("warmup", forKey: .type); try c.encode(steps, forKey: .steps)
            try c.encode(then, forKey: .then)
        }
    }
}
