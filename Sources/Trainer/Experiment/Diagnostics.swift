import Foundation
import Tracker

/// Alerts computed from what the loop streams: vanishing and exploding gradients, dead
/// ReLUs, overfitting onset. Each alert is raised once per run (remembered in the loop
/// state, so a resumed run does not repeat it).
final class Diagnostics {
    let spec: DiagnosticsSpec
    let recorder: any RunRecording
    let progress: ProgressReporter

    init(spec: DiagnosticsSpec, recorder: any RunRecording, progress: ProgressReporter) {
        self.spec = spec
        self.recorder = recorder
        self.progress = progress
    }

    private func raise(_ kind: String, _ message: String, level: EventLevel = .warning, step: Int, epoch: Int, alerted: inout Set<String>, key: String? = nil) {
        guard alerted.insert(key ?? kind).inserted else { return }
        recorder.event(kind, message, level: level, step: step, epoch: epoch)
        progress.report(.event(runID: recorder.runID, Event(kind: kind, level: level, message: message, step: step, epoch: epoch)))
    }

    /// Logs the per-step statistics and checks them.
    func stepStatistics(_ stats: TrainingStatistics, step: Int, epoch: Int, alerted: inout Set<String>) {
        recorder.log(gradStats: stats.parameters.map {
            GradStat(tensor: $0.name, step: step, epoch: epoch, l2: $0.gradientNorm, mean: $0.gradientMean, std: $0.gradientStd,
                     maxAbs: $0.gradientMaxAbs, zeroFraction: $0.gradientZeroFraction, updateRatio: $0.updateRatio)
        })
        var layerStats: [LayerStat] = []
        for a in stats.activations {
            let s = a.statistics
            if let d = s.deadUnitFraction { layerStats.append(LayerStat(layer: a.layer, stat: "dead_fraction", step: step, epoch: epoch, value: d)) }
            if let i = s.inactiveFraction { layerStats.append(LayerStat(layer: a.layer, stat: "inactive_fraction", step: step, epoch: epoch, value: i)) }
            if let sat = s.saturationFraction { layerStats.append(LayerStat(layer: a.layer, stat: "saturation_fraction", step: step, epoch: epoch, value: sat)) }
            layerStats.append(LayerStat(layer: a.layer, stat: "activation_mean", step: step, epoch: epoch, value: s.mean))
            if let d = s.deadUnitFraction, d > spec.deadFraction {
                raise("dead_relu", "\(a.layer): \(Int((d * 100).rounded()))% of its units were inactive for every sample of the batch at step \(step)",
                      step: step, epoch: epoch, alerted: &alerted, key: "dead_relu:\(a.layer)")
            }
        }
        recorder.log(layerStats: layerStats)

        let weights = stats.parameters.filter { $0.role == .weight }
        if let first = weights.first, let last = weights.last, weights.count > 1, last.gradientNorm > 0 {
            let ratio = first.gradientNorm / last.gradientNorm
            recorder.log("grad_ratio_first_last", ratio, step: step, epoch: epoch)
            if ratio < spec.vanishingRatio {
                raise("vanishing_gradients", String(format: "first/last layer gradient-norm ratio %.3g at step %d (%@ %.3g vs %@ %.3g), below %.3g",
                                                    ratio, step, first.name, first.gradientNorm, last.name, last.gradientNorm, spec.vanishingRatio),
                      step: step, epoch: epoch, alerted: &alerted)
            }
        }
        if let big = stats.parameters.first(where: { $0.gradientNorm > spec.explodingNorm }) {
            raise("exploding_gradients", String(format: "%@ gradient norm %.3g at step %d, above %.3g", big.name, big.gradientNorm, step, spec.explodingNorm),
                  level: .warning, step: step, epoch: epoch, alerted: &alerted)
        }
    }

    /// Overfitting onset: validation loss rising `overfitPatience` epochs in a row while training loss falls.
    func overfitting(valLoss: Double, trainLoss: Double, step: Int, epoch: Int, loop: inout LoopState) {
        if !loop.previousValLoss.isNaN, valLoss > loop.previousValLoss, trainLoss < loop.previousTrainLoss {
            loop.risingEpochs += 1
        } else {
            loop.risingEpochs = 0
        }
        loop.previousValLoss = valLoss
        loop.previousTrainLoss = trainLoss
        if loop.risingEpochs >= spec.overfitPatience {
            let onset = epoch - loop.risingEpochs
            raise("overfitting", "validation loss has risen for \(loop.risingEpochs) epochs while training loss fell; onset after epoch \(onset), best epoch \(loop.bestEpoch)",
                  step: step, epoch: epoch, alerted: &loop.alerted)
        }
    }
}
