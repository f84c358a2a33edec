import Foundation

extension TrainingLoop {
    /// The metric that picks the best epoch and drives early stopping: the configured
    /// one, else the validation loss (the training loss when there is no validation set).
    var watchedMetric: String { config.earlyStopping?.metric ?? "val_loss" }

    /// Records whether this epoch is the best so far by the watched metric (larger is
    /// better for accuracies, smaller for losses, by more than `min_delta`); returns it.
    func noteBest(_ metrics: [String: Double], trainLoss: Double, epoch: Int) -> Bool {
        let minDelta = config.earlyStopping?.minDelta ?? 0
        let maximize = watchedMetric.hasSuffix("acc")
        let value = metrics[watchedMetric] ?? metrics["val_loss"] ?? trainLoss
        let improved = loop.bestEpoch == 0 || (maximize ? value > loop.bestValue + minDelta : value < loop.bestValue - minDelta)
        if improved { loop.bestValue = value; loop.bestEpoch = epoch; loop.epochsSinceBest = 0 } else { loop.epochsSinceBest += 1 }
        return improved
    }

    /// Whether early stopping is configured and its patience has run out.
    var patienceRanOut: Bool {
        config.earlyStopping.map { loop.epochsSinceBest >= $0.patience } == true
    }

    func noteEarlyStop(step: Int, epoch: Int) {
        recorder.event("early_stop", "stopped after epoch \(epoch): \(watchedMetric) has not improved for \(loop.epochsSinceBest) epochs (best \(String(format: "%.4f", loop.bestValue)) at epoch \(loop.bestEpoch))", step: step, epoch: epoch)
    }
}
