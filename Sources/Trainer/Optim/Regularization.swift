/// L1 and L2 penalties on parameters: `λ₁ · ‖w‖₁ + λ₂ · ‖w‖₂²`, added to the loss and
/// its gradient (`λ₁ · sign(w) + 2 λ₂ · w`), reported apart from the data loss.
///
/// By default only weight matrices are penalised (`roles: ["weight"]`), not biases,
/// normalisation γ/β or PReLU slopes. λ may follow a `Schedule` of the optimizer step, and
/// `schedule` (a `PenaltyRamp`) may hold the penalty off for the first epochs and then grow it
/// (loss first, then a growing penalty). JSON: `{"l1": 1e-5, "l2": {"type": "step", …},
/// "roles": ["weight"], "schedule": {"warmup_epochs": 5, "ramp_epochs": 10}}`.
public struct Regularization: Codable, Sendable, Equatable {
    public var l1: Schedule?
    public var l2: Schedule?
    public var roles: [Parameter.Role]
    /// Epochs without penalty, then a linear ramp to the full λ (nil: the full λ from step 0).
    public var schedule: PenaltyRamp?
    /// Optimizer steps an epoch, which `schedule` counts in; set by the training loop from
    /// the data (not part of the config).
    public var stepsPerEpoch = 1

    public init(l1: Schedule? = nil, l2: Schedule? = nil, roles: [Parameter.Role] = [.weight], schedule: PenaltyRamp? = nil) {
        self.l1 = l1
        self.l2 = l2
        self.roles = roles
        self.schedule = schedule
    }

    /// No penalty.
    public static let none = Regularization()

    private enum CodingKeys: String, CodingKey { case l1, l2, roles, schedule }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        l1 = try c.decodeIfPresent(Schedule.self, forKey: .l1)
        l2 = try c.decodeIfPresent(Schedule.self, forKey: .l2)
        roles = try c.decodeIfPresent([Parameter.Role].self, forKey: .roles) ?? [.weight]
        schedule = try c.decodeIfPresent(PenaltyRamp.self, forKey: .schedule)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(l1, forKey: .l1)
        try c.encodeIfPresent(l2, forKey: .l2)
        try c.encode(roles, forKey: .roles)
        try c.encodeIfPresent(schedule, forKey: .schedule)
    }

    /// Checks the λ schedules; errors name `regularization.l1` / `.l2`.
    public func validate() throws {
        try l1?.validate(key: "regularization.l1")
        try l2?.validate(key: "regularization.l2")
        try schedule?.validate()
    }

    /// The L1 and L2 strengths at optimizer step `t`.
    public func strengths(at t: Int) -> (l1: Float, l2: Float) {
        let factor = schedule?.factor(step: t, stepsPerEpoch: stepsPerEpoch) ?? 1
        return (Float((l1?.value(at: t) ?? 0) * factor), Float((l2?.value(at: t) ?? 0) * factor))
    }

    /// Adds the penalty's gradient to the parameters' gradients and returns the penalty
    /// (the L1 and L2 parts) at step `t`. Call after backward, before the optimizer.
    public func apply(to parameters: [Parameter], step t: Int) -> (l1: Double, l2: Double) {
        let (a, b) = strengths(at: t)
        guard a != 0 || b != 0 else { return (0, 0) }
        var l1Total = 0.0, l2Total = 0.0
        for p in parameters where roles.contains(p.role) {
            let w = p.value.data, g = p.gradient.data, n = p.value.count
            if a != 0 {
                l1Total += Double(a) * Reductions.sumOfMagnitudes(w, count: n)
                for i in 0..<n { g[i] += w[i] > 0 ? a : (w[i] < 0 ? -a : 0) }
            }
            if b != 0 {
                l2Total += Double(b) * Reductions.sumOfSquares(w, count: n)
                let twice = 2 * b
                for i in 0..<n { g[i] += twice * w[i] }
            }
        }
        return (l1Total, l2Total)
    }

    /// The penalty value at step `t` without touching gradients.
    public func penalty(of parameters: [Parameter], step t: Int) -> Double {
        let (a, b) = strengths(at: t)
        var total = 0.0
        for p in parameters where roles.contains(p.role) {
            if a != 0 { total += Double(a) * Reductions.sumOfMagnitudes(p.value.data, count: p.value.count) }
            if b != 0 { total += Double(b) * Reductions.sumOfSquares(p.value.data, count: p.value.count) }
        }
        return total
    }
}
