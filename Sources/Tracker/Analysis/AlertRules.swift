import Foundation

/// When a statistic becomes an alert: the thresholds a tracker config's `diagnostics:`
/// block sets, and the defaults MLflow-client runs get (they have no config).
public struct AlertThresholds: Sendable, Equatable {
    /// First-layer / last-layer gradient-norm ratio below this → vanishing gradients.
    public var vanishingRatio: Double = 1e-3
    /// Any parameter gradient norm above this → exploding gradients.
    public var explodingNorm: Double = 1e3
    /// A ReLU-family layer with more than this fraction of units dead in a batch → dead ReLUs.
    public var deadFraction: Double = 0.5
    /// Validation loss rising this many epochs in a row while training loss falls → overfitting.
    public var overfitPatience: Int = 2

    public init() {}
}

/// The alerts both producers raise — the Trainer while it trains, and `tracker server` as an
/// MLflow client's statistics arrive — with one wording and one rule each, so a PyTorch run
/// and a tracker run say the same thing about the same numbers.
///
/// Each rule is a pure function of the statistics; `dedupeKey` is what makes an alert
/// once-per-run (a dead-ReLU alert once per layer, the others once per run).
public struct Alert: Sendable, Equatable {
    public var kind: String
    public var level: EventLevel
    public var message: String
    public var step: Int
    public var epoch: Int?
    public var dedupeKey: String

    public var event: Event { Event(kind: kind, level: level, message: message, step: step, epoch: epoch) }

    /// More than `thresholds.deadFraction` of a ReLU-family layer's units dead for the whole batch.
    public static func deadReLU(layer: String, fraction: Double, step: Int, epoch: Int?, thresholds: AlertThresholds) -> Alert? {
        // A fraction from outside (an MLflow client) may be anything: only one in (threshold, 1] is an alert.
        guard fraction.isFinite, fraction > thresholds.deadFraction, fraction <= 1 else { return nil }
        return Alert(kind: "dead_relu", level: .warning,
                     message: "\(layer): \(Int((fraction * 100).rounded()))% of its units were inactive for every sample of the batch at step \(step)",
                     step: step, epoch: epoch, dedupeKey: "dead_relu:\(layer)")
    }

    /// The first/last weight-gradient ratio below `thresholds.vanishingRatio`.
    public static func vanishing(ratio: Double, first: (name: String, norm: Double), last: (name: String, norm: Double),
                                 step: Int, epoch: Int?, thresholds: AlertThresholds) -> Alert? {
        guard ratio < thresholds.vanishingRatio else { return nil }
        return Alert(kind: "vanishing_gradients", level: .warning,
                     message: String(format: "first/last layer gradient-norm ratio %.3g at step %d (%@ %.3g vs %@ %.3g), below %.3g",
                                     ratio, step, first.name, first.norm, last.name, last.norm, thresholds.vanishingRatio),
                     step: step, epoch: epoch, dedupeKey: "vanishing_gradients")
    }

    /// The first/last gradient-norm ratio of weight tensors in depth order, when it is defined.
    public static func firstLastRatio(_ weights: [(name: String, norm: Double)]) -> Double? {
        guard let first = weights.first, let last = weights.last, weights.count > 1, last.norm > 0 else { return nil }
        return first.norm / last.norm
    }

    /// The first tensor whose gradient norm is above `thresholds.explodingNorm`.
    public static func exploding(_ norms: [(name: String, norm: Double)], step: Int, epoch: Int?, thresholds: AlertThresholds) -> Alert? {
        guard let big = norms.first(where: { $0.norm > thresholds.explodingNorm }) else { return nil }
        return Alert(kind: "exploding_gradients", level: .warning,
                     message: String(format: "%@ gradient norm %.3g at step %d, above %.3g", big.name, big.norm, step, thresholds.explodingNorm),
                     step: step, epoch: epoch, dedupeKey: "exploding_gradients")
    }

    /// A loss that is NaN or infinite; `culprit` names the first tensor with a non-finite
    /// gradient when the producer knows it.
    public static func nonFiniteLoss(_ loss: Double, culprit: String?, knowsGradients: Bool, step: Int, epoch: Int?) -> Alert {
        var message = "loss became \(loss.isNaN ? "NaN" : "\(loss)") at step \(step)"
        if let culprit { message += "; first non-finite gradient in \(culprit)" } else if knowsGradients { message += "; gradients are finite, the loss overflowed" }
        return Alert(kind: "non_finite_loss", level: .error, message: message, step: step, epoch: epoch, dedupeKey: "non_finite_loss")
    }

    /// The overfitting rule over successive (validation loss, training loss) epochs: the
    /// count of epochs in a row validation loss rose while training loss fell, after one more.
    public static func risingEpochs(after previous: Int, valLoss: Double, trainLoss: Double, previousValLoss: Double, previousTrainLoss: Double) -> Int {
        !previousValLoss.isNaN && valLoss > previousValLoss && trainLoss < previousTrainLoss ? previous + 1 : 0
    }

    /// Validation loss has risen `rising` epochs in a row (at least `overfitPatience`).
    public static func overfitting(rising: Int, epoch: Int, bestEpoch: Int, step: Int, thresholds: AlertThresholds) -> Alert? {
        guard rising >= thresholds.overfitPatience else { return nil }
        return Alert(kind: "overfitting", level: .warning,
                     message: "validation loss has risen for \(rising) epochs while training loss fell; onset after epoch \(epoch - rising), best epoch \(bestEpoch)",
                     step: step, epoch: epoch, dedupeKey: "overfitting")
    }
}
