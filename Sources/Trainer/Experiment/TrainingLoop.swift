import CBLAS
import Foundation
import Tracker

/// Trains one planned run and streams everything into its recorder: per-step and
/// per-epoch metrics, layer statistics, BN running statistics, weight norms/sparsity and
/// histograms, alerts, and checkpoints that let `resume` continue bit-for-bit.
final class TrainingLoop {
    /// Metrics that measure time, not training; excluded from bit-identity comparisons.
    static let timingMetrics: Set<String> = ["samples_per_s", "epoch_seconds"]

    let planned: PlannedRun
    var config: ExperimentConfig { planned.config }
    let trainer: Trainer
    let recorder: any RunRecording
    let progress: ProgressReporter
    let interrupt: InterruptFlag
    var iterator: BatchIterator
    var loop: LoopState
    let diagnostics: Diagnostics
    /// Periodic checkpoints kept, oldest first, and the current best one.
    var periodic: [CheckpointInfo]
    var best: CheckpointInfo?
    /// Interrupt checkpoints of earlier attempts: retired by the next checkpoint saved, so
    /// that the finished run keeps the same checkpoints as one never interrupted.
    var interrupts: [CheckpointInfo]
    private let evaluation: EvaluationSets

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
                    var note = RecordBatch()
                    note.events = [Event(kind: "interrupted", level: .warning, message: "signal \(sig): checkpoint at step \(trainer.step), run can be resumed",
                                         step: trainer.step, epoch: loop.epoch + 1)]
                    // Older interrupt checkpoints go; this one stays until the resumed run's next save.
                    try saveCheckpoint([.interrupt], pruning: interrupts.map(\.id), records: note, finishing: .interrupted)
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
        if trained > 0 && trainSeconds > 0 {
            metrics["samples_per_s"] = Double(trained) / trainSeconds
            metrics["epoch_seconds"] = trainSeconds
        }
        recorder.log(metrics.sorted { $0.key < $1.key }, step: step, epoch: epoch)
        try epochStatistics(step: step, epoch: epoch)

        // Best epoch and early stopping on the validation metric (or training loss without validation).
        let watch = c.earlyStopping?.metric ?? "val_loss"
        let maximize = watch.hasSuffix("acc")
        let value = metrics[watch] ?? metrics["val_loss"] ?? train.loss
        let improved = loop.bestEpoch == 0 || (maximize ? value > loop.bestValue + (c.earlyStopping?.minDelta ?? 0)
                                                        : value < loop.bestValue - (c.earlyStopping?.minDelta ?? 0))
        if improved { loop.bestValue = value; loop.bestEpoch = epoch; loop.epochsSinceBest = 0 } else { loop.epochsSinceBest += 1 }
        if let v = val { diagnostics.overfitting(valLoss: v.loss, trainLoss: train.loss, step: step, epoch: epoch, loop: &loop) }
        progress.report(.epoch(runID: recorder.runID, epoch: epoch, step: step, metrics: metrics))

        loop.epoch += 1
        loop.epochLossSum = 0
        loop.epochSamples = 0
        let last = loop.epoch >= c.epochs
        let stop = !last && c.earlyStopping.map { loop.epochsSinceBest >= $0.patience } == true
        // One save for the epoch end: the best and periodic rows share one blob and commit
        // with the retired rows in one transaction (a kill leaves all of it or none).
        var kinds: [CheckpointKind] = []
        var pruning = interrupts.map(\.id)
        var keptPeriodic = periodic
        if improved && c.logging.keepBest && !last && !stop {
            kinds.append(.best)
            if let old = best { pruning.append(old.id) }
        }
        if !last && !stop && c.logging.checkpointEvery > 0 && loop.epoch % c.logging.checkpointEvery == 0 {
            kinds.append(.periodic)
            while keptPeriodic.count + 1 > c.logging.keepCheckpoints { pruning.append(keptPeriodic.removeFirst().id) }
        }
        if !kinds.isEmpty {
            for info in try saveCheckpoint(kinds, pruning: pruning) {
                if info.kind == .best { best = info } else { keptPeriodic.append(info) }
            }
            periodic = keptPeriodic
        }
        if stop {
            recorder.event("early_stop", "stopped after epoch \(epoch): \(watch) has not improved for \(loop.epochsSinceBest) epochs (best \(String(format: "%.4f", loop.bestValue)) at epoch \(loop.bestEpoch))", step: step, epoch: epoch)
        }
        return stop
    }

    /// Weight norms and sparsity per tensor, BN running statistics and histograms.
    private func epochStatistics(step: Int, epoch: Int) throws {
        let c = config
        let stats = TrainingStatistics.collect(model: trainer.model, optimizer: trainer.optimizer, options: StatisticsOptions(nearZeroThreshold: Float(c.logging.nearZero), activations: false, batchNorms: c.logging.bnStats))
        var layerStats: [LayerStat] = []
        for p in stats.parameters where p.role == .weight {
            layerStats.append(LayerStat(layer: p.name, stat: "weight_norm", step: step, epoch: epoch, value: p.weightNorm))
            layerStats.append(LayerStat(layer: p.name, stat: "near_zero_fraction", step: step, epoch: epoch, value: p.nearZeroFraction))
        }
        recorder.log(layerStats: layerStats)
        let weights = stats.parameters.filter { $0.role == .weight }
        let total = weights.reduce(0.0) { $0 + $1.weightNorm * $1.weightNorm }.squareRoot()
        let nearZero = weights.reduce(0.0) { $0 + $1.nearZeroFraction * Double($1.count) } / Double(max(1, weights.reduce(0) { $0 + $1.count }))
        recorder.log([("weight_norm", total), ("near_zero_fraction", nearZero)], step: step, epoch: epoch)
        if !stats.batchNorms.isEmpty {
            recorder.log(bnStats: stats.batchNorms.map { BNStat(layer: $0.layer, step: step, epoch: epoch, runningMean: $0.runningMean, runningVar: $0.runningVariance) })
        }
        if c.logging.histograms {
            var hists: [Tracker.Histogram] = []
            for p in trainer.model.parameters where p.role == .weight {
                let h = try Histogram.symmetric(p.value, bins: c.logging.histogramBins)
                hists.append(Tracker.Histogram(tensor: p.name, step: step, epoch: epoch, lo: Double(h.lower), hi: Double(h.upper), counts: h.counts.map { Int32(clamping: $0) }))
            }
            recorder.log(histograms: hists)
        }
    }

    private func diverged(step: Int, epoch: Int, loss: Double) throws {
        let stats = TrainingStatistics.collect(model: trainer.model, optimizer: trainer.optimizer, options: StatisticsOptions(activations: false, batchNorms: false))
        let culprit = stats.parameters.first { !$0.gradientNorm.isFinite }?.name
        let message = "loss became \(loss.isNaN ? "NaN" : "\(loss)") at step \(step)" + (culprit.map { "; first non-finite gradient in \($0)" } ?? "; gradients are finite, the loss overflowed")
        recorder.event("non_finite_loss", message, level: .error, step: step, epoch: epoch)
        progress.report(.event(runID: recorder.runID, Event(kind: "non_finite_loss", level: .error, message: message, step: step, epoch: epoch)))
    }

    /// Test metrics, the best-epoch note, the `last` checkpoint and the finished status,
    /// committed together: a run is finished exactly when its last checkpoint exists.
    private func finishRun() throws {
        let step = trainer.step
        var records = RecordBatch()
        let now = Date().timeIntervalSince1970
        if let test = evaluation.test {
            let e = try evaluation.evaluate(trainer, test)
            records.metrics.append(MetricPoint(key: "test_loss", step: step, epoch: loop.epoch, value: e.loss, wallTime: now))
            if let a = e.accuracy { records.metrics.append(MetricPoint(key: "test_acc", step: step, epoch: loop.epoch, value: a, wallTime: now)) }
        }
        if loop.bestEpoch > 0 {
            records.events.append(Event(kind: "best_epoch", message: "best epoch \(loop.bestEpoch) (\(config.earlyStopping?.metric ?? "val_loss") = \(String(format: "%.6g", loop.bestValue)))",
                                        step: step, epoch: loop.bestEpoch, createdAt: now))
        }
        try saveCheckpoint([.last], pruning: interrupts.map(\.id), records: records, finishing: .finished)
    }

    /// Saves the current state as checkpoint rows of `kinds`, with the rows it retires,
    /// the records that go with it and (for the run's end) its status, in one transaction.
    @discardableResult
    func saveCheckpoint(_ kinds: [CheckpointKind], pruning: [Int64] = [], records: RecordBatch = RecordBatch(),
                        finishing: RunStatus? = nil) throws -> [CheckpointInfo] {
        let save = CheckpointSave(step: trainer.step, epoch: loop.epoch, kinds: kinds, pruning: pruning, records: records, finishing: finishing)
        let infos = try recorder.saveCheckpoint(payload(), save)
        interrupts = []
        return infos
    }
}

/// The evaluation tensors of a run, standardised like training batches, built once.
struct EvaluationSets {
    struct Set {
        let inputs: Tensor
        let labels: [Int32]
        let targets: Tensor?
    }

    /// At most this many training samples are evaluated each epoch (evenly strided).
    static let trainCap = 10_000

    let train: Set
    let validation: Set?
    let test: Set?

    init(data: PreparedData) throws {
        var trainSet = data.train
        if trainSet.count > Self.trainCap {
            trainSet = try trainSet.selecting((0..<Self.trainCap).map { $0 * data.train.count / Self.trainCap })
        }
        train = try Self.make(trainSet, data: data)
        validation = try data.validation.map { try Self.make($0, data: data) }
        test = try data.test.map { try Self.make($0, data: data) }
    }

    static func make(_ dataset: Dataset, data: PreparedData) throws -> Set {
        var it = try data.evaluationBatches(dataset, batchSize: max(1, dataset.count))
        let inputs = Tensor(zeros: [dataset.count, dataset.features])
        if dataset.numClasses > 0 {
            var labels = [Int32](repeating: 0, count: dataset.count)
            _ = labels.withUnsafeMutableBufferPointer { it.next(x: inputs.buffer, labels: $0) }
            return Set(inputs: inputs, labels: labels, targets: nil)
        }
        var targets = [Float](repeating: 0, count: dataset.count * max(1, dataset.targetWidth))
        _ = targets.withUnsafeMutableBufferPointer { it.next(x: inputs.buffer, targets: $0) }
        return Set(inputs: inputs, labels: [], targets: try Tensor(shape: [dataset.count, dataset.targetWidth], values: targets))
    }

    func evaluate(_ trainer: Trainer, _ set: Set) throws -> Evaluation {
        if let t = set.targets { return try trainer.evaluate(inputs: set.inputs, targets: t) }
        return try trainer.evaluate(inputs: set.inputs, labels: set.labels)
    }
}
