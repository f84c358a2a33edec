/// What a training process needs from a store — the one seam between the Trainer and the
/// Tracker: start or take over a run and get its recorder, and read what a resume or a
/// re-run needs (the run, its lease and checkpoints, its metric series).
///
/// Declared here, not in the Trainer, because the dependency runs Trainer → Tracker: every
/// backend the Tracker grows (SQLite's `Store` today, a PostgreSQL store next) conforms in
/// the Tracker, where the Trainer cannot see which one it was handed. Ids may be unique
/// prefixes, as everywhere in the store API.
public protocol TrainingStore: AnyObject {
    /// The recorder this store hands out (`RunRecorder` for `Store`).
    associatedtype Recorder: RunRecording

    // MARK: recording

    /// Records a new run (status `running`) and returns its recorder; `batchSize` records
    /// wait before a background write (`RecordBatch.defaultLimit` unless measured otherwise).
    func startRun(_ start: RunStart, batchSize: Int) throws -> Recorder
    /// Takes a stopped run over for training (resume) atomically, dropping every record
    /// after `afterStep` (all of them when nil); refuses a finished run or one a live
    /// process holds (`RunLeaseError`).
    func takeOverRun(_ idOrPrefix: String, afterStep: Int?, batchSize: Int) throws -> Recorder

    // MARK: what a resume or re-run reads

    func resolveRun(_ idOrPrefix: String, includeDeleted: Bool) throws -> RunInfo
    /// Who trains the run now, or nil when it is not `running`.
    func lease(of idOrPrefix: String) throws -> RunLease?
    func checkpoints(run idOrPrefix: String) throws -> [CheckpointInfo]
    func latestCheckpoint(run idOrPrefix: String) throws -> CheckpointInfo?
    /// The checkpoint's bytes, checked against its SHA-256.
    func checkpointData(_ info: CheckpointInfo) throws -> [UInt8]
    func summary(of idOrPrefix: String) throws -> RunSummary
    func metricKeys(run idOrPrefix: String) throws -> [String]
    func metricSeries(run idOrPrefix: String, key: String) throws -> [MetricPoint]

    // MARK: analyses of a stored run

    /// Stores a loss landscape computed from the run's checkpoints; returns its id.
    @discardableResult
    func recordLandscape(_ record: LandscapeRecord) throws -> Int64
}

extension Store: TrainingStore {}

extension RecordBatch {
    /// Records a recorder lets wait before it writes them in one transaction.
    public static let defaultLimit = 65_536
}
