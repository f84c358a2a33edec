/// When the L1/L2 penalty applies: none for `warmupEpochs` (the data loss first), then a
/// linear growth to the full λ over `rampEpochs` (0: the full λ at once), counted in
/// optimizer steps so the ramp is smooth within an epoch. The schedule the notes describe
/// for reading L1/L2 as priors: fit the data, then let the prior pull the weights.
/// YAML: `regularization: {l1: 0.0001, schedule: {warmup_epochs: 5, ramp_epochs: 10}}`.
public struct PenaltyRamp: Codable, Sendable, Equatable {
    public var warmupEpochs: Int
    public var rampEpochs: Int

    public init(warmupEpochs: Int, rampEpochs: Int) {
        self.warmupEpochs = warmupEpochs
        self.rampEpochs = rampEpochs
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case warmupEpochs = "warmup_epochs", rampEpochs = "ramp_epochs"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        warmupEpochs = try c.integer(.warmupEpochs, in: SpecBounds.epochs.lowerBound - 1...SpecBounds.epochs.upperBound) ?? 0
        rampEpochs = try c.integer(.rampEpochs, in: SpecBounds.epochs.lowerBound - 1...SpecBounds.epochs.upperBound) ?? 0
    }

    /// Checks both counts; errors name `regularization.schedule.…`.
    public func validate() throws {
        let range = SpecBounds.epochs.lowerBound - 1...SpecBounds.epochs.upperBound
        for (key, v) in [("warmup_epochs", warmupEpochs), ("ramp_epochs", rampEpochs)] where !range.contains(v) {
            throw TrainerError.invalidSpec(key: "regularization.schedule.\(key)", message: "must be between \(range.lowerBound) and \(range.upperBound), got \(v)")
        }
    }

    /// Checks that the penalty reaches the run at all: the warm-up must end before the last epoch.
    func validate(epochs: Int) throws {
        guard warmupEpochs < epochs else {
            throw TrainerError.invalidSpec(key: "regularization.schedule.warmup_epochs",
                                           message: "is \(warmupEpochs) but the run has \(epochs) epochs, so the penalty would never apply; use fewer warm-up epochs or drop the penalty")
        }
    }

    /// The share of the full λ at optimizer step `t` (0-based), counting the epochs done once
    /// this step ends: 0 for every step of the warm-up, then rising linearly to reach 1 at the
    /// ramp's last step, 1 after it.
    public func factor(step t: Int, stepsPerEpoch: Int) -> Double {
        let perEpoch = Double(Swift.max(1, stepsPerEpoch))
        let epochs = (Double(Swift.max(0, t)) + 1) / perEpoch
        let warm = Double(warmupEpochs)
        guard epochs > warm else { return 0 }
        guard rampEpochs > 0 else { return 1 }
        return Swift.min(1, (epochs - warm) / Double(rampEpochs))
    }
}
