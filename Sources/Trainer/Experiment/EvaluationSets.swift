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
    /// The shifted set of a sequence source (another share of pads), evaluated every epoch.
    let shifted: Set?

    init(data: PreparedData) throws {
        var trainSet = data.train
        if trainSet.count > Self.trainCap {
            trainSet = try trainSet.selecting((0..<Self.trainCap).map { $0 * data.train.count / Self.trainCap })
        }
        train = try Self.make(trainSet, data: data)
        validation = try data.validation.map { try Self.make($0, data: data) }
        test = try data.test.map { try Self.make($0, data: data) }
        shifted = try data.shifted.map { try Self.make($0, data: data) }
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

    /// `batchStatistics`: BatchNorm normalises with each evaluated batch's statistics (classification only).
    func evaluate(_ trainer: ModelTrainer, _ set: Set, batchStatistics: Bool = false) throws -> Evaluation {
        if let t = set.targets { return try trainer.evaluate(inputs: set.inputs, targets: t) }
        return try trainer.evaluate(inputs: set.inputs, labels: set.labels, batchStatistics: batchStatistics)
    }
}
