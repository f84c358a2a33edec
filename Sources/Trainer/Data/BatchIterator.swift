/// Serves a dataset in mini-batches, filling caller-provided buffers.
///
/// In training mode each epoch draws a fresh permutation from the shuffle stream and
/// augments every sample from the augmentation stream (when an augmenter is given); in
/// evaluation mode samples come in order, untouched. Standardisation, if any, is applied
/// after augmentation, so augmentation always sees values in [0, 1].
///
/// The position is savable: `state` is the epoch, the batches already served in it, the
/// shuffle stream as it was when the epoch's permutation was drawn, and the augmentation
/// stream now. Restoring it redraws the same permutation and continues with the very
/// batches an uninterrupted run would have seen. The iterator owns its two streams;
/// seed them from `RandomStreams.shuffle` and `.augment`.
public struct BatchIterator: Sendable {
    /// The savable position of an iterator (a few integers and the streams' words).
    public struct State: Sendable, Equatable, Codable {
        public var epoch: Int
        /// Batches already served in `epoch`.
        public var batch: Int
        /// The shuffle stream at the start of `epoch`, before its permutation was drawn.
        public var shuffle: [UInt64]
        /// The augmentation stream at this position.
        public var augment: [UInt64]
    }

    public let dataset: Dataset
    public let batchSize: Int
    public let training: Bool
    /// Drop the last batch of an epoch when it is smaller than `batchSize`.
    public let dropLast: Bool
    public let augmenter: Augmenter?
    public let standardization: Standardization?

    public private(set) var epoch = 0
    /// Batches already served in the current epoch.
    public private(set) var batch = 0
    private var epochStartShuffle: RandomStream
    private var shuffleRNG: RandomStream
    private var augmentRNG: RandomStream
    private var order: [Int32] = []
    private var orderEpoch = -1
    /// One sample as Float32 before augmentation, when the set holds bytes.
    private var rowScratch: [Float] = []

    /// - Parameters:
    ///   - training: shuffle every epoch and augment; false serves samples in order, as is.
    ///   - augmentation: image transforms for training; requires `dataset.imageShape`.
    public init(dataset: Dataset, batchSize: Int, training: Bool, streams: RandomStreams,
                augmentation: Augmentation? = nil, standardization: Standardization? = nil,
                dropLast: Bool = false) throws {
        guard batchSize > 0 else { throw DataError.invalidRequest("batch size must be positive, got \(batchSize)") }
        guard dataset.count > 0, dataset.count <= Int(Int32.max) else {
            throw DataError.invalidRequest("\(dataset.name) has \(dataset.count) samples; cannot batch it")
        }
        if dropLast, dataset.count < batchSize {
            throw DataError.invalidRequest(
                "\(dataset.name) has \(dataset.count) samples, fewer than one batch of \(batchSize) with drop-last")
        }
        var augmenter: Augmenter?
        if let augmentation, augmentation.isEnabled, training {
            guard let shape = dataset.imageShape else {
                throw DataError.invalidSpec(key: "augment", reason: "needs an image dataset; \(dataset.name) has no image shape")
            }
            augmenter = try Augmenter(augmentation, height: shape.height, width: shape.width)
        }
        self.dataset = dataset; self.batchSize = batchSize; self.training = training
        self.dropLast = dropLast; self.augmenter = augmenter; self.standardization = standardization
        shuffleRNG = streams.shuffle; epochStartShuffle = streams.shuffle; augmentRNG = streams.augment
    }

    /// Batches in one epoch.
    public var batchesPerEpoch: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The savable position.
    public var state: State {
        let start = orderEpoch == epoch ? epochStartShuffle : shuffleRNG
        return State(epoch: epoch, batch: batch, shuffle: start.words, augment: augmentRNG.words)
    }

    /// Continues from a saved position.
    public mutating func restore(_ state: State) throws {
        guard state.epoch >= 0, (0...batchesPerEpoch).contains(state.batch),
              let shuffle = RandomStream(words: state.shuffle), let augment = RandomStream(words: state.augment) else {
            throw DataError.invalidRequest(
                "batch iterator state (epoch \(state.epoch), batch \(state.batch)) does not fit a dataset of "
                    + "\(batchesPerEpoch) batches, or its stream words are not 4 each (or all zero)")
        }
        epoch = state.epoch; batch = state.batch
        shuffleRNG = shuffle; epochStartShuffle = shuffle; augmentRNG = augment
        orderEpoch = -1
        if batch > 0 { drawOrder() }
    }

    /// Fills the next batch of a classification set: `x` gets rows × features values,
    /// `labels` one label a row. Returns the number of rows, or nil when the epoch is over
    /// (the iterator then moves to the next epoch).
    public mutating func next(x: UnsafeMutableBufferPointer<Float>, labels: UnsafeMutableBufferPointer<Int32>) -> Int? {
        precondition(dataset.isClassification, "labels requested from a regression set")
        precondition(labels.count >= batchSize, "label buffer smaller than the batch size")
        let source = dataset.labels
        return fill(x) { row, i in labels[row] = source[i] }
    }

    /// Fills the next batch of a regression set: `targets` gets rows × targetWidth values.
    public mutating func next(x: UnsafeMutableBufferPointer<Float>, targets: UnsafeMutableBufferPointer<Float>) -> Int? {
        precondition(!dataset.isClassification, "targets requested from a classification set")
        let w = dataset.targetWidth
        precondition(targets.count >= batchSize * w, "target buffer smaller than batch size × target width")
        let source = dataset.targets
        return fill(x) { row, i in
            for j in 0..<w { targets[row * w + j] = source[i * w + j] }
        }
    }

    /// Array convenience for `next(x:labels:)`; the arrays are resized to one full batch.
    public mutating func next(x: inout [Float], labels: inout [Int32]) -> Int? {
        if x.count < batchSize * dataset.features { x = [Float](repeating: 0, count: batchSize * dataset.features) }
        if labels.count < batchSize { labels = [Int32](repeating: 0, count: batchSize) }
        return x.withUnsafeMutableBufferPointer { xb in labels.withUnsafeMutableBufferPointer { next(x: xb, labels: $0) } }
    }

    /// Array convenience for `next(x:targets:)`.
    public mutating func next(x: inout [Float], targets: inout [Float]) -> Int? {
        if x.count < batchSize * dataset.features { x = [Float](repeating: 0, count: batchSize * dataset.features) }
        if targets.count < batchSize * dataset.targetWidth {
            targets = [Float](repeating: 0, count: batchSize * dataset.targetWidth)
        }
        return x.withUnsafeMutableBufferPointer { xb in targets.withUnsafeMutableBufferPointer { next(x: xb, targets: $0) } }
    }

    private mutating func drawOrder() {
        if order.count != dataset.count { order = (0..<Int32(dataset.count)).map { $0 } }
        else { for i in 0..<order.count { order[i] = Int32(i) } }
        epochStartShuffle = shuffleRNG
        if training { shuffleRNG.shuffle(&order) }
        orderEpoch = epoch
    }

    private mutating func fill(_ x: UnsafeMutableBufferPointer<Float>, _ copyTarget: (Int, Int) -> Void) -> Int? {
        let f = dataset.features
        precondition(x.count >= batchSize * f, "x buffer smaller than batch size × features")
        guard batch < batchesPerEpoch else {
            epoch += 1; batch = 0
            return nil
        }
        if orderEpoch != epoch { drawOrder() }
        let start = batch * batchSize
        let rows = min(batchSize, dataset.count - start)
        if case .float(let all) = dataset.values {
            all.withUnsafeBufferPointer { all in
                for row in 0..<rows {
                    let i = Int(order[start + row])
                    let source = UnsafeBufferPointer(rebasing: all[(i * f)..<((i + 1) * f)])
                    let destination = UnsafeMutableBufferPointer(rebasing: x[(row * f)..<((row + 1) * f)])
                    if let augmenter {
                        augmenter.augment(source, into: destination, rng: &augmentRNG)
                    } else {
                        _ = destination.update(fromContentsOf: source)
                    }
                    copyTarget(row, i)
                }
            }
        } else if let base = x.baseAddress {
            // Bytes: each row converted to Float32 as it is served (augmented from a scratch row).
            if augmenter != nil && rowScratch.count != f { rowScratch = [Float](repeating: 0, count: f) }
            for row in 0..<rows {
                let i = Int(order[start + row])
                if let augmenter {
                    rowScratch.withUnsafeMutableBufferPointer { scratch in
                        guard let s = scratch.baseAddress else { return }
                        dataset.copyRow(i, into: s)
                        augmenter.augment(UnsafeBufferPointer(scratch), into: UnsafeMutableBufferPointer(rebasing: x[(row * f)..<((row + 1) * f)]),
                                          rng: &augmentRNG)
                    }
                } else {
                    dataset.copyRow(i, into: base + row * f)
                }
                copyTarget(row, i)
            }
        }
        standardization?.apply(to: x, rows: rows, features: f)
        batch += 1
        return rows
    }
}
