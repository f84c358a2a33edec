/// The data of one run, ready to train on: training, validation and test parts, the
/// standardisation fitted on the training part, and the fingerprint to store on the run.
public struct PreparedData: Sendable {
    public var train: Dataset
    public var validation: Dataset?
    public var test: Dataset?
    /// Fitted on `train`; applied by the batch iterators. Store `mean`/`std` with the run.
    public var standardization: Standardization?
    public var augmentation: Augmentation?
    /// Canonical description of subset, split and preprocessing (part of the fingerprint).
    public var splitDescription: String
    /// SHA-256 (hex) over `splitDescription` and the bytes of every part.
    public var fingerprint: String
    /// An extra evaluation set from a shifted distribution (a sequence source's `shifted`:
    /// other lengths, so another share of pads), evaluated every epoch as `shifted_*`.
    public var shifted: Dataset? = nil

    /// A training iterator: shuffled each epoch, augmented, standardised.
    public func trainingBatches(batchSize: Int, streams: RandomStreams, dropLast: Bool = false) throws -> BatchIterator {
        try BatchIterator(dataset: train, batchSize: batchSize, training: true, streams: streams,
                          augmentation: augmentation, standardization: standardization, dropLast: dropLast)
    }

    /// An evaluation iterator over `dataset` (in order, never augmented, standardised).
    public func evaluationBatches(_ dataset: Dataset, batchSize: Int) throws -> BatchIterator {
        try BatchIterator(dataset: dataset, batchSize: batchSize, training: false, streams: RandomStreams(seed: 0),
                          standardization: standardization)
    }
}
