import Foundation
import Tracker

extension TrainingLoop {
    /// The epoch's metrics: the running training loss, the loss (and accuracy) on the
    /// training sample, the validation set and the shifted set (a sequence source's
    /// `shifted`: `shifted_loss`, `shifted_acc`, and for a model with BatchNorm the accuracies
    /// with batch statistics, `val_acc_batch_stats` and `shifted_acc_batch_stats`), and the
    /// timing metrics. Also returns the
    /// two evaluations, which the best-epoch and overfitting checks read.
    func epochMetrics(trainSeconds: Double, trained: Int) throws -> (metrics: [String: Double], train: Evaluation, validation: Evaluation?) {
        var metrics: [String: Double] = [:]
        if loop.epochSamples > 0 { metrics["train_loss_running"] = loop.epochLossSum / Double(loop.epochSamples) }
        let train = try evaluation.evaluate(trainer, evaluation.train)
        metrics["train_loss"] = train.loss
        if let a = train.accuracy { metrics["train_acc"] = a }
        var val: Evaluation?
        if let v = evaluation.validation {
            let e = try evaluation.evaluate(trainer, v)
            val = e
            metrics["val_loss"] = e.loss
            if let a = e.accuracy { metrics["val_acc"] = a }
        }
        if let shifted = evaluation.shifted {
            let e = try evaluation.evaluate(trainer, shifted)
            metrics["shifted_loss"] = e.loss
            if let a = e.accuracy { metrics["shifted_acc"] = a }
            // What BatchNorm does when it normalises with the evaluated batch's statistics
            // (pads included) instead of its running ones; other models do not depend on it.
            if !trainer.model.batchNorms.isEmpty {
                if let v = evaluation.validation, let a = try evaluation.evaluate(trainer, v, batchStatistics: true).accuracy {
                    metrics["val_acc_batch_stats"] = a
                }
                if let a = try evaluation.evaluate(trainer, shifted, batchStatistics: true).accuracy { metrics["shifted_acc_batch_stats"] = a }
            }
        }
        if trained > 0 && trainSeconds > 0 {
            metrics["samples_per_s"] = Double(trained) / trainSeconds
            metrics["epoch_seconds"] = trainSeconds
        }
        return (metrics, train, val)
    }

    /// Test loss and accuracy at the end of the run, when the data has a test set.
    func testMetrics(step: Int, wallTime: Double) throws -> [MetricPoint] {
        guard let test = evaluation.test else { return [] }
        let e = try evaluation.evaluate(trainer, test)
        var points = [MetricPoint(key: "test_loss", step: step, epoch: loop.epoch, value: e.loss, wallTime: wallTime)]
        if let a = e.accuracy { points.append(MetricPoint(key: "test_acc", step: step, epoch: loop.epoch, value: a, wallTime: wallTime)) }
        return points
    }
}
