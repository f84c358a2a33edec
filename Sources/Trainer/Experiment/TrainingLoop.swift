import CBLAS
import Foundation
import Tracker

/// Trains one planned run and streams everything into its recorder: per-step and
/// per-epoch metrics, layer statistics, BN running statistics, weight norms/sparsity and
/// histograms, alerts, and checkpoints that let `resume` continue bit-for-bit.
///
/// This file steps through the batches and ends each epoch; the concerns an epoch end
/// calls on live beside it: `+Evaluation` (epoch and test metrics), `+EarlyStopping`
/// (best epoch, patience), `+Checkpoints` (saves and retention) and `+Statistics` (weight
/// and BN statistics, histograms, and the alert for a non-finite loss).
final class TrainingLoop {
    /// Metrics that measure time, not training; excluded from bit-identity comparisons.
    static let timingMetrics: Set<String> = MetricSummary.timingKeys

    let planned: PlannedRun
    var config: ExperimentConfig { planned.config }
    let trainer: ModelTrainer
    let recorder: any RunRecording
    let progress: ProgressReporter
    let interrupt: InterruptFlag
    var iterator: BatchIterator
    var loop: LoopState
    let diagnostics: Diagnostics
    /// Periodic checkpoints kept, oldest first, and the current best one.
    var periodic: [CheckpointInfo]
    var best: CheckpointInfo?
    /// The epoch save being committed in the background (see `saveEpochCheckpoints`).
    var pendingSave: CheckpointTicket?
    /// Interrupt checkpoints of earlier attempts: retired by the next checkpoint saved, so
    /// that the finished run keeps the same checkpoints as one never interrupted.
    var interrupts: [CheckpointInfo]
    let evaluation: EvaluationSets

    /// - Parameters:
    ///   - state: fresh (step 0) or restored from the checkpoint a resume starts from.
    ///   - checkpoints: the run's checkpoints up to that one (retention continues from them).
    init(planned: PlannedRun, state: TrainingState, recorder: any RunRecording, progress: ProgressReporter, interrupt: InterruptFlag,
         checkpoints: [CheckpointInfo] = []) throws {
        self.planned = planned
        self.recorder = recorder
        self.progress = progress
        self.interrupt = interrupt
        trainer = state.trainer
        iterator = state.iterator
        loop = state.loop
        diagnostics = Diagnostics(spec: planned.config.diagnostics, recorder: recorder, progress: progress)
        periodic = checkpoints.filter { $0.kind == .periodic }.sorted { ($0.step, $0.id) < ($1.step, $1.id) }
        best = checkpoints.last { $0.kind == .best }
        interrupts = checkpoints.filter { $0.kind == .interrupt }
        evaluation = try EvaluationSets(data: planned.data)
    }

    /// The checkpoint payload of the current state.
    func payload() -> [UInt8] {
        TrainingState(trainer: trainer, iterator: iterator, loop: loop, epochs: config.epochs).payload()
    }

    /// Trains to the end (or an interrupt, divergence or early stop); returns the final status.
    func run() throws -> RunStatus {
        let c = config
        let features = planned.data.train.features
        let batchX = Tensor(zeros: [c.batchSize, features])
        var labels = [Int32](repeating: 0, count: c.batchSize)
        var targets = [Float](repeating: 0, count: c.batchSize * max(1, planned.data.train.targetWidth))
        let classification = c.loss == .crossEntropy
        var partial: Tensor?
        var partialTargets: Tensor?
        let targetTensor = classification ? nil : Tensor(zeros: [c.batchSize, planned.data.train.targetWidth])

        while loop.epoch < c.epochs {
            let epochStart = DispatchTime.now().uptimeNanoseconds
            var trainedThisEpoch = 0
            while true {
                if let sig = interrupt.raised {
                    try saveInterrupt(signal: sig)
                    return .interrupted
                }
                let n: Int?
                if classification {
                    n = labels.withUnsafeMutableBufferPointer { iterator.next(x: batchX.buffer, labels: $0) }
                } else {
                    n = targets.withUnsafeMutableBufferPointer { iterator.next(x: batchX.buffer, targets: $0) }
                }
                guard let count = n else { break }
                let inputs = count == c.batchSize ? batchX : batchX.rows(0..<count, reusing: partial)
                if count != c.batchSize { partial = inputs }
                let t = trainer.step
                let wantStats = c.logging.layerStatsEvery > 0 && (t == 0 || (t + 1) % c.logging.layerStatsEvery == 0)
                let options = wantStats ? StatisticsOptions(nearZeroThreshold: Float(c.logging.nearZero), activations: true, batchNorms: false) : nil
                let result: StepResult
                if classification {
                    result = try trainer.trainStep(inputs: inputs, labels: count == c.batchSize ? labels : Array(labels[0..<count]), statistics: options)
                } else {
                    let full = targetTensor!  // regression always allocates it above
                    targets.withUnsafeBufferPointer { src in full.buffer.baseAddress!.update(from: src.baseAddress!, count: full.count) }
                    let tt = count == c.batchSize ? full : full.rows(0..<count, reusing: partialTargets)
                    if count != c.batchSize { partialTargets = tt }
                    result = try trainer.trainStep(inputs: inputs, targets: tt, statistics: options)
                }
                let step = result.step + 1
                let epoch = loop.epoch + 1
                trainedThisEpoch += count
                var points: [(String, Double)] = [("loss", result.dataLoss), ("lr", result.learningRate)]
                if c.regularization != nil { points.append(("penalty", result.l1Penalty + result.l2Penalty)) }
                if let a = result.accuracy { points.append(("batch_acc", a)) }
                recorder.log(points, step: step, epoch: epoch)
                TestKillPoint.reached(step: step)
                try recorder.throwIfFailed()
                if !result.totalLoss.isFinite {
                    try diverged(step: step, epoch: epoch, loss: result.totalLoss)
                    return .diverged
                }
                if let stats = result.statistics { diagnostics.stepStatistics(stats, step: step, epoch: epoch, alerted: &loop.alerted) }
                loop.epochLossSum += result.dataLoss * Double(count)
                loop.epochSamples += count
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
                progress.report(.step(runID: recorder.runID, epoch: epoch, step: step, loss: result.dataLoss,
                                      samplesPerSecond: seconds > 0 ? Double(trainedThisEpoch) / seconds : 0))
            }
            let trainSeconds = Double(DispatchTime.now().uptimeNanoseconds - epochStart) / 1e9
            if try endEpoch(trainSeconds: trainSeconds, trained: trainedThisEpoch) { break }
        }
        try finishRun()
        return .finished
    }

    /// Epoch-end metrics, statistics, alerts and checkpoints. Returns true to stop early.
    private func endEpoch(trainSeconds: Double, trained: Int) throws -> Bool {
        let c = config
        let step = trainer.step
        let epoch = loop.epoch + 1
        let (metrics, train, validation) = try epochMetrics(trainSeconds: trainSeconds, trained: trained)
        recorder.log(metrics.sorted { $0.key < $1.key }, step: step, epoch: epoch)
        try epochStatistics(step: step, epoch: epoch)
        let improved = noteBest(metrics, trainLoss: train.loss, epoch: epoch)
        if let v = validation { diagnostics.overfitting(valLoss: v.loss, trainLoss: train.loss, step: step, epoch: epoch, loop: &loop) }
        progress.report(.epoch(runID: recorder.runID, epoch: epoch, step: step, metrics: metrics))

        loop.epoch += 1
        loop.epochLossSum = 0
        loop.epochSamples = 0
        let last = loop.epoch >= c.epochs
        let stop = !last && patienceRanOut
        try saveEpochCheckpoints(improved: improved, final: last || stop)
        if stop { noteEarlyStop(step: step, epoch: epoch) }
        return stop
    }
}
