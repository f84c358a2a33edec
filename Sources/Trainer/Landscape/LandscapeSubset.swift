import Tracker

/// The fixed data a landscape is evaluated on: `samples` training samples chosen by the
/// `landscape.subset` stream of the seed (all of them when the training set is smaller),
/// kept in data order and standardised like the run's evaluation sets.
public struct LandscapeSubset: Sendable {
    /// Indices into the training set, ascending.
    public let indices: [Int]
    let data: LandscapeEvaluator.Subset
    /// SHA-256 (hex) of the evaluated inputs and labels or targets (float32 little-endian):
    /// two landscapes with the same fingerprint saw the same bytes.
    public let fingerprint: String

    public var count: Int { indices.count }

    /// Chooses and prepares the subset of `data.train`.
    public init(data: PreparedData, samples: Int, seed: UInt64) throws {
        let n = data.train.count
        var chosen = Array(0..<n)
        if samples < n {
            // A partial Fisher–Yates shuffle: the first `samples` places hold a uniform sample.
            var random = RandomStream(seed: seed, name: "landscape.subset")
            for i in 0..<samples {
                let j = i + random.nextInt(below: n - i)
                chosen.swapAt(i, j)
            }
            chosen = Array(chosen[0..<samples]).sorted()
        }
        indices = chosen
        let set = try EvaluationSets.make(try data.train.selecting(chosen, name: "landscape subset"), data: data)
        let inputs = Array(set.inputs.buffer)
        let targets = set.targets.map { Array($0.buffer) }
        self.data = LandscapeEvaluator.Subset(inputs: inputs, rows: chosen.count, features: data.train.features, labels: set.labels,
                                              targets: targets, targetWidth: data.train.targetWidth)
        var hash = SHA256()
        hash.update(FloatBlob.encode(inputs))
        hash.update(FloatBlob.encode(set.labels))
        if let targets { hash.update(FloatBlob.encode(targets)) }
        fingerprint = SHA256.hex(hash.finalize())
    }

    /// The subset's inputs as a tensor [count, features] (for evaluating a checkpoint directly).
    public func inputs() throws -> Tensor { try Tensor(shape: [data.rows, data.features], values: data.inputs) }
    /// Labels (classification) — empty for regression.
    public var labels: [Int32] { data.labels }
    /// Regression targets [count, targetWidth], or nil.
    public func targets() throws -> Tensor? { try data.targets.map { try Tensor(shape: [data.rows, data.targetWidth], values: $0) } }
}
