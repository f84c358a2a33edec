/// What a training process needs from a store — the one seam between the Trainer and the
/// Tracker: start or take over a run and get its recorder, and read what a resume or a
/// re-run needs (the run, its lease and checkpoints, its metric series).
///
/// Declared here, not in the Trainer, because the dependency runs Trainer → Tracker: every
/// backend the Tracker grows (SQLite's `Store` today, a PostgreSQL store next) conforms in
/// the Tracker, where the Trainer cannot see which one it was handed. The id a user typed
/// (a full id, a unique prefix or a uuid) is resolved once, by `lookUpRun`; everything else
/// takes the `RunRef` that came back, so no backend's id lookup leaks into the Trainer.
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
    func takeOverRun(_ run: RunRef, afterStep: Int?, batchSize: Int) throws -> Recorder

    // MARK: the queue that agents share (`tracker sweep submit`, `tracker agent`)

    /// Records runs as `queued`, all or none; returns their ids in order.
    func queueRuns(_ starts: [RunStart]) throws -> [String]
    /// Claims the next queued run (or a queued run whose agent died) atomically for this
    /// process, or nil when none is left; only one process ever gets a given run.
    func claimNextRun(experiment: String?) throws -> RunClaim?
    /// Starts a freshly claimed run: records the environment it trains in, returns its recorder.
    func beginClaimedRun(_ id: String, environment: JSONValue, batchSize: Int) throws -> Recorder
    /// Marks a claimed run that cannot be trained `failed`, saying why.
    func abandonClaim(_ id: String, reason: String) throws

    // MARK: what a resume or re-run reads

    /// The run a user named (any unique prefix), resolved once: its reference and record.
    func lookUpRun(_ idOrPrefix: String, includeDeleted: Bool) throws -> (ref: RunRef, info: RunInfo)
    /// Who trains the run now, or nil when it is not `running`.
    func lease(of run: RunRef) throws -> RunLease?
    func checkpoints(run: RunRef) throws -> [CheckpointInfo]
    func latestCheckpoint(run: RunRef) throws -> CheckpointInfo?
    /// The checkpoint's bytes, checked against its SHA-256.
    func checkpointData(_ info: CheckpointInfo) throws -> [UInt8]
    func summary(of run: RunRef) throws -> RunSummary
    func metricKeys(run: RunRef) throws -> [String]
    func metricSeries(run: RunRef, key: String) throws -> [MetricPoint]

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
