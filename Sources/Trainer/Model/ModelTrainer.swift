/// One model with its optimizer, schedule, penalties and random streams: the unit a
/// training loop drives with `trainStep` and `evaluate`, and checkpoints with `state`.
///
/// A step is: forward (training pass) → data loss and ∂loss/∂output → backward →
/// penalty added to loss and gradients → optimizer update with the scheduled learning
/// rate. Same seed, same inputs and the same BLAS thread count give bit-identical steps.
public final class ModelTrainer {
    public let model: Model
    public let optimizer: any Optimizer
    public let optimizerSpec: OptimizerSpec
    public var regularization: Regularization
    /// The run's random streams; dropout draws from `random.dropout` during steps.
    public var random: RandomStreams
    private let crossEntropy = SoftmaxCrossEntropy()
    private let squaredError = MeanSquaredError()
    private var evaluationBatch: Tensor?
    private var servedBatch: Tensor?

    /// Updates made so far (the schedules' `t`).
    public var step: Int { optimizer.stepCount }

    /// A trainer for `model` (already initialised) with fresh optimizer state.
    public init(model: Model, optimizer: OptimizerSpec, regularization: Regularization = .none,
                random: RandomStreams) throws {
        try regularization.validate()
        self.model = model
        self.optimizer = try optimizer.makeOptimizer()
        optimizerSpec = optimizer
        self.regularization = regularization
        self.random = random
    }

    /// Builds `spec` from the init stream of `RandomStreams(seed:)` and wraps it.
    public convenience init(spec: ModelSpec, optimizer: OptimizerSpec, regularization: Regularization = .none,
                            seed: UInt64) throws {
        var streams = RandomStreams(seed: seed)
        let model = try Model(spec: spec, random: &streams.initialization)
        try self.init(model: model, optimizer: optimizer, regularization: regularization, random: streams)
    }

    /// The learning rate the next step uses.
    public var learningRate: Double { optimizerSpec.learningRate.value(at: step) }

    /// One classification step on `inputs` [batch, inputWidth] with class `labels`.
    /// - Throws: `TrainerError.invalidInput` for a wrong width, an empty batch or a bad label.
    public func trainStep(inputs: Tensor, labels: [Int32], statistics: StatisticsOptions? = nil) throws -> StepResult {
        try checkInputs(inputs)
        // Checked before the forward pass, so a rejected batch changes no state.
        guard labels.count == inputs.rows else {
            throw TrainerError.invalidInput("\(labels.count) labels for \(inputs.rows) samples")
        }
        let classes = Int32(model.outputWidth)
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw TrainerError.invalidInput("label \(bad) outside 0..<\(classes)")
        }
        var context = PassContext(training: true, random: random)
        let logits = model.forward(inputs, context: &context)
        let (loss, gradient) = try crossEntropy(logits: logits, labels: labels)
        random = context.random
        let accuracy = Accuracy.of(logits: logits, labels: labels)
        return finishStep(dataLoss: loss, gradient: gradient, accuracy: accuracy, statistics: statistics)
    }

    /// One regression step on `inputs` with `targets` [batch, outputWidth] (mean squared error).
    public func trainStep(inputs: Tensor, targets: Tensor, statistics: StatisticsOptions? = nil) throws -> StepResult {
        try checkInputs(inputs)
        guard targets.shape == [inputs.rows, model.outputWidth] else {
            throw TrainerError.invalidInput("targets \(targets.shape) for outputs [\(inputs.rows), \(model.outputWidth)]")
        }
        var context = PassContext(training: true, random: random)
        let predictions = model.forward(inputs, context: &context)
        let (loss, gradient) = try squaredError(predictions: predictions, targets: targets)
        random = context.random
        return finishStep(dataLoss: loss, gradient: gradient, accuracy: nil, statistics: statistics)
    }

    private func finishStep(dataLoss: Double, gradient: Tensor, accuracy: Double?,
                            statistics: StatisticsOptions?) -> StepResult {
        model.backward(gradient)
        let t = step
        let penalty = regularization.apply(to: model.parameters, step: t)
        let lr = optimizerSpec.learningRate.value(at: t)
        optimizer.step(model.parameters, learningRate: Float(lr), trackUpdates: statistics != nil)
        return StepResult(
            step: t, dataLoss: dataLoss, l1Penalty: penalty.l1, l2Penalty: penalty.l2, accuracy: accuracy,
            learningRate: lr, statistics: statistics.map { TrainingStatistics.collect(model: model, optimizer: optimizer, options: $0) })
    }

    private func checkInputs(_ inputs: Tensor) throws {
        guard inputs.shape.count == 2, inputs.columns == model.inputWidth, inputs.rows > 0 else {
            throw TrainerError.invalidInput("inputs of shape \(inputs.shape); the model takes [batch, \(model.inputWidth)]")
        }
    }

    /// The model's outputs for `inputs` in an evaluation pass (a buffer owned by the model).
    public func predict(_ inputs: Tensor) throws -> Tensor {
        try checkInputs(inputs)
        var context = PassContext.evaluation()
        return model.forward(inputs, context: &context)
    }

    /// Mean cross-entropy and accuracy over a whole labelled set, in evaluation passes of
    /// `batchSize` rows (BatchNorm uses running statistics, dropout is off). With
    /// `batchStatistics`, BatchNorm normalises each pass with that batch's own statistics
    /// instead (`PassContext.batchStatistics`; its running statistics stay as they are).
    public func evaluate(inputs: Tensor, labels: [Int32], batchSize: Int = 1000, batchStatistics: Bool = false) throws -> Evaluation {
        try checkInputs(inputs)
        guard labels.count == inputs.rows else {
            throw TrainerError.invalidInput("\(labels.count) labels for \(inputs.rows) samples")
        }
        var lossSum = 0.0, correct = 0
        try forEachBatch(inputs, batchSize: batchSize, batchStatistics: batchStatistics) { range, outputs in
            let y = Array(labels[range])
            if let bad = y.first(where: { $0 < 0 || Int($0) >= outputs.columns }) {
                throw TrainerError.invalidInput("label \(bad) outside 0..<\(outputs.columns)")
            }
            lossSum += SoftmaxCrossEntropy.loss(logits: outputs, labels: y) * Double(range.count)
            correct += Accuracy.correct(logits: outputs, labels: y)
        }
        let n = Double(inputs.rows)
        return Evaluation(count: inputs.rows, loss: lossSum / n, accuracy: Double(correct) / n)
    }

    /// Mean cross-entropy and accuracy over a labelled set served in batches: `fill` writes the
    /// next batch (at most `batchSize` rows) into the [batchSize, inputWidth] tensor and its
    /// labels into the array, and returns the rows written, or nil at the end. The same passes
    /// and sums as `evaluate(inputs:labels:batchSize:)` over the whole set, without holding it.
    public func evaluate(batchSize: Int, batchStatistics: Bool = false,
                         fill: (Tensor, inout [Int32]) throws -> Int?) throws -> Evaluation {
        let size = Swift.max(1, batchSize)
        let full = Tensor.reusing(servedBatch, shape: [size, model.inputWidth])
        servedBatch = full
        var labels = [Int32](repeating: 0, count: size)
        var lossSum = 0.0, correct = 0, total = 0
        while let rows = try fill(full, &labels), rows > 0 {
            guard rows <= size else { throw TrainerError.invalidInput("\(rows) rows served for batches of \(size)") }
            let batch = rows == size ? full : full.rows(0..<rows, reusing: evaluationBatch)
            if rows != size { evaluationBatch = batch }
            let y = rows == size ? labels : Array(labels[0..<rows])
            var context = PassContext.evaluation(batchStatistics: batchStatistics)
            let outputs = model.forward(batch, context: &context)
            if let bad = y.first(where: { $0 < 0 || Int($0) >= outputs.columns }) {
                throw TrainerError.invalidInput("label \(bad) outside 0..<\(outputs.columns)")
            }
            lossSum += SoftmaxCrossEntropy.loss(logits: outputs, labels: y) * Double(rows)
            correct += Accuracy.correct(logits: outputs, labels: y)
            total += rows
        }
        guard total > 0 else { throw TrainerError.invalidInput("an empty set to evaluate") }
        let n = Double(total)
        return Evaluation(count: total, loss: lossSum / n, accuracy: Double(correct) / n)
    }

    /// Mean squared error over a whole regression set, in evaluation passes.
    public func evaluate(inputs: Tensor, targets: Tensor, batchSize: Int = 1000) throws -> Evaluation {
        try checkInputs(inputs)
        guard targets.shape == [inputs.rows, model.outputWidth] else {
            throw TrainerError.invalidInput("targets \(targets.shape) for outputs [\(inputs.rows), \(model.outputWidth)]")
        }
        var sum = 0.0
        var targetBatch: Tensor?
        try forEachBatch(inputs, batchSize: batchSize) { range, outputs in
            let t = targets.rows(range, reusing: targetBatch)
            targetBatch = t
            sum += (MeanSquaredError.loss(predictions: outputs, targets: t) ?? 0) * Double(range.count)
        }
        return Evaluation(count: inputs.rows, loss: sum / Double(inputs.rows), accuracy: nil)
    }

    private func forEachBatch(_ inputs: Tensor, batchSize: Int, batchStatistics: Bool = false,
                              _ body: (Range<Int>, Tensor) throws -> Void) throws {
        let size = Swift.max(1, batchSize)
        var start = 0
        while start < inputs.rows {
            let range = start..<Swift.min(start + size, inputs.rows)
            let batch = inputs.rows(range, reusing: evaluationBatch)
            evaluationBatch = batch
            var context = PassContext.evaluation(batchStatistics: batchStatistics)
            try body(range, model.forward(batch, context: &context))
            start = range.upperBound
        }
    }
}

/// What one training step reports.
public struct StepResult: Sendable {
    /// The optimizer step this was (0 for the first).
    public var step: Int
    /// Mean data loss of the batch (cross-entropy or MSE), without penalties.
    public var dataLoss: Double
    /// λ₁‖w‖₁ and λ₂‖w‖₂² at this step.
    public var l1Penalty: Double
    public var l2Penalty: Double
    /// Batch accuracy (classification only).
    public var accuracy: Double?
    /// The learning rate used.
    public var learningRate: Double
    /// Statistics, when asked for.
    public var statistics: TrainingStatistics?

    /// Data loss plus penalties: the objective the gradients descend.
    public var totalLoss: Double { dataLoss + l1Penalty + l2Penalty }
}

/// The result of evaluating a whole set.
public struct Evaluation: Sendable, Equatable {
    public var count: Int
    public var loss: Double
    public var accuracy: Double?
}
