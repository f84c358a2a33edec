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

    private var thresholds: AlertThresholds { spec.thresholds }

    private func raise(_ alert: Alert?, alerted: inout Set<String>) {
        guard let alert, alerted.insert(alert.dedupeKey).inserted else { return }
        recorder.event(alert.kind, alert.message, level: alert.level, step: alert.step, epoch: alert.epoch)
        progress.report(.event(runID: recorder.runID, alert.event))
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
            if let d = s.deadUnitFraction {
                raise(Alert.deadReLU(layer: a.layer, fraction: d, step: step, epoch: epoch, thresholds: thresholds), alerted: &alerted)
            }
        }
        recorder.log(layerStats: layerStats)

        let weights = stats.parameters.filter { $0.role == .weight }.map { (name: $0.name, norm: $0.gradientNorm) }
        if let ratio = Alert.firstLastRatio(weights), let first = weights.first, let last = weights.last {
            recorder.log("grad_ratio_first_last", ratio, step: step, epoch: epoch)
            raise(Alert.vanishing(ratio: ratio, first: first, last: last, step: step, epoch: epoch, thresholds: thresholds), alerted: &alerted)
        }
        raise(Alert.exploding(stats.parameters.map { ($0.name, $0.gradientNorm) }, step: step, epoch: epoch, thresholds: thresholds), alerted: &alerted)
    }

    /// Overfitting onset: validation loss rising `overfitPatience` epochs in a row while training loss falls.
    func overfitting(valLoss: Double, trainLoss: Double, step: Int, epoch: Int, loop: inout LoopState) {
        loop.risingEpochs = Alert.risingEpochs(after: loop.risingEpochs, valLoss: valLoss, trainLoss: trainLoss,
                                               previousValLoss: loop.previousValLoss, previousTrainLoss: loop.previousTrainLoss)
        loop.previousValLoss = valLoss
        loop.previousTrainLoss = trainLoss
        raise(Alert.overfitting(rising: loop.risingEpochs, epoch: epoch, bestEpoch: loop.bestEpoch, step: step, thresholds: thresholds), alerted: &loop.alerted)
    }
}
