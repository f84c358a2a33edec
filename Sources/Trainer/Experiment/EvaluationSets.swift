/// The sets a run evaluates every epoch (a training sample, validation, shifted) and at the end (test).
struct EvaluationSets {
    /// One evaluated set. A classification set stays as its `Dataset` (bytes for 8-bit images)
    /// and is converted a batch at a time when evaluated; a regression set is held as tensors.
    struct Set {
        let dataset: Dataset
        let labels: [Int32]
        let inputs: Tensor?
        let targets: Tensor?
    }

    /// At most this many training samples are evaluated each epoch (evenly strided).
    static let trainCap = 10_000
    /// Rows per evaluation pass.
    static let batchSize = 1000

    let train: Set
    let validation: Set?
    let test: Set?
    /// The shifted set of a sequence source (another share of pads), evaluated every epoch.
    let shifted: Set?
    let data: PreparedData

    init(data: PreparedData) throws {
        var trainSet = data.train
        if trainSet.count > Self.trainCap {
            trainSet = try trainSet.selecting((0..<Self.trainCap).map { $0 * data.train.count / Self.trainCap })
        }
        self.data = data
        train = try Self.set(trainSet, data: data)
        validation = try data.validation.map { try Self.set($0, data: data) }
        test = try data.test.map { try Self.set($0, data: data) }
        shifted = try data.shifted.map { try Self.set($0, data: data) }
    }

    private static func set(_ dataset: Dataset, data: PreparedData) throws -> Set {
        if dataset.numClasses > 0 { return Set(dataset: dataset, labels: dataset.labels, inputs: nil, targets: nil) }
        let m = try make(dataset, data: data)
        return Set(dataset: dataset, labels: [], inputs: m.inputs, targets: m.targets)
    }

    /// The whole of `dataset` as standardised tensors (for small sets: landscapes, regression).
    static func make(_ dataset: Dataset, data: PreparedData) throws -> (inputs: Tensor, labels: [Int32], targets: Tensor?) {
        var it = try data.evaluationBatches(dataset, batchSize: max(1, dataset.count))
        let inputs = Tensor(zeros: [dataset.count, dataset.features])
        if dataset.numClasses > 0 {
            var labels = [Int32](repeating: 0, count: dataset.count)
            _ = labels.withUnsafeMutableBufferPointer { it.next(x: inputs.buffer, labels: $0) }
            return (inputs, labels, nil)
        }
        var targets = [Float](repeating: 0, count: dataset.count * max(1, dataset.targetWidth))
        _ = targets.withUnsafeMutableBufferPointer { it.next(x: inputs.buffer, targets: $0) }
        return (inputs, [], try Tensor(shape: [dataset.count, dataset.targetWidth], values: targets))
    }

    /// `batchStatistics`: BatchNorm normalises with each evaluated batch's statistics (classification only).
    func evaluate(_ trainer: ModelTrainer, _ set: Set, batchStatistics: Bool = false) throws -> Evaluation {
        if let inputs = set.inputs, let t = set.targets { return try trainer.evaluate(inputs: inputs, targets: t, batchSize: Self.batchSize) }
        // Batch by batch from the dataset, so a set is never held as Float32 all at once.
        var it = try data.evaluationBatches(set.dataset, batchSize: Self.batchSize)
        return try trainer.evaluate(batchSize: Self.batchSize, batchStatistics: batchStatistics) { x, labels in
            labels.withUnsafeMutableBufferPointer { it.next(x: x.buffer, labels: $0) }
        }
    }
}
