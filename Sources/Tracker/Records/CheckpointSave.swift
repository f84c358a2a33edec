/// Everything that belongs to one checkpoint and is committed in its transaction: the rows
/// (one blob can back several kinds at one step: `best` and `periodic` at an epoch end),
/// the rows it retires (retention), the records that describe it and, for the last
/// checkpoint of a run, the run's final status.
///
/// Committing all of it at once is what makes the bookkeeping exact under `kill -9`: a
/// kill leaves either the state before the save or the state after it, never a half, so a
/// resume from the latest checkpoint re-derives exactly what an uninterrupted run records.
public struct CheckpointSave: Sendable {
    public var step: Int
    public var epoch: Int?
    /// Rows to insert, in this order, all referring to the payload's blob.
    public var kinds: [CheckpointKind]
    /// Checkpoint ids of this run deleted in the same transaction (their blobs go at `gc`).
    public var pruning: [Int64]
    /// Events and points written in the same transaction (after everything already logged).
    public var records: RecordBatch
    /// When set, the run ends with this status in the same transaction.
    public var finishing: RunStatus?

    public init(step: Int, epoch: Int?, kinds: [CheckpointKind], pruning: [Int64] = [], records: RecordBatch = RecordBatch(),
                finishing: RunStatus? = nil) {
        self.step = step; self.epoch = epoch; self.kinds = kinds; self.pruning = pruning
        self.records = records; self.finishing = finishing
    }
}
