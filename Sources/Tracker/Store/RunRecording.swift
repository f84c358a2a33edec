import Foundation

/// Records one run, whatever the store behind it: the recorder half of the seam between
/// the Trainer and the Tracker (see `TrainingStore`).
///
/// `record(_:)` is the one primitive and the conveniences below wrap it, as MLflow's
/// `log_batch` sits under `log_metric`; only the per-step metric point has its own
/// requirement, so a backend can append it without building a batch. Everything is
/// durable after `flush()`, `saveCheckpoint` or `finish`; a background failure surfaces
/// at the next `throwIfFailed`, `flush`, `saveCheckpoint` or `finish`.
public protocol RunRecording: AnyObject, Sendable {
    /// The run being recorded, resolved: what the store's reads of it take.
    var run: RunRef { get }
    /// Queues a batch of records.
    func record(_ batch: RecordBatch)
    /// Logs one metric point (the hot path).
    func log(_ key: String, _ value: Double, step: Int, epoch: Int?, wallTime: Double)
    /// Logs params now, synchronously. Params are immutable: a different value for a key
    /// already logged is an error, the same value again is fine.
    func log(params: [String: ParamValue]) throws
    /// Throws the first background error, if any (cheap enough to call every step).
    func throwIfFailed() throws
    /// Writes everything queued so far and waits for it.
    func flush() throws
    /// Flushes, then commits the checkpoint with its rows, pruning, records and final
    /// status in one durable transaction (see `CheckpointSave`); returns the rows
    /// inserted, in `save.kinds` order.
    @discardableResult
    func saveCheckpoint(_ bytes: [UInt8], _ save: CheckpointSave) throws -> [CheckpointInfo]
    /// `saveCheckpoint` without waiting: the checkpoint is committed behind everything recorded
    /// so far, by the recorder's writer, while the caller goes on; the ticket's `wait()` returns
    /// the rows or throws the failure. A `finishing` save is made at once (it ends the run).
    func saveCheckpointInBackground(_ bytes: [UInt8], _ save: CheckpointSave) -> CheckpointTicket
    /// Flushes and ends the run with `status`. Later calls are no-ops.
    func finish(_ status: RunStatus) throws
}

extension RunRecording {
    /// Saves at once (a recorder without a writer of its own).
    public func saveCheckpointInBackground(_ bytes: [UInt8], _ save: CheckpointSave) -> CheckpointTicket {
        CheckpointTicket(Result { try saveCheckpoint(bytes, save) })
    }

    /// The short id users see.
    public var runID: String { run.id }

    /// Logs one metric point stamped now.
    public func log(_ key: String, _ value: Double, step: Int, epoch: Int? = nil) {
        log(key, value, step: step, epoch: epoch, wallTime: Date().timeIntervalSince1970)
    }

    /// Logs several metrics at one step.
    public func log(_ values: [(String, Double)], step: Int, epoch: Int? = nil, wallTime: Double = Date().timeIntervalSince1970) {
        var b = RecordBatch()
        b.metrics = values.map { MetricPoint(key: $0.0, step: step, epoch: epoch, value: $0.1, wallTime: wallTime) }
        record(b)
    }

    /// Logs many points (any keys and steps).
    public func log(points: [MetricPoint]) {
        var b = RecordBatch()
        b.metrics = points
        record(b)
    }

    public func log(gradStats: [GradStat]) { var b = RecordBatch(); b.gradStats = gradStats; record(b) }
    public func log(layerStats: [LayerStat]) { var b = RecordBatch(); b.layerStats = layerStats; record(b) }
    public func log(bnStats: [BNStat]) { var b = RecordBatch(); b.bnStats = bnStats; record(b) }
    public func log(histograms: [HistogramRecord]) { var b = RecordBatch(); b.histograms = histograms; record(b) }

    /// Records an event (alert or note).
    public func event(_ kind: String, _ message: String, level: EventLevel = .info, step: Int? = nil, epoch: Int? = nil) {
        var b = RecordBatch()
        b.events = [Event(kind: kind, level: level, message: message, step: step, epoch: epoch, createdAt: Date().timeIntervalSince1970)]
        record(b)
    }

    /// Stores one checkpoint of `kind` durably (see `saveCheckpoint(_:_:)`).
    @discardableResult
    public func saveCheckpoint(_ bytes: [UInt8], step: Int, epoch: Int?, kind: CheckpointKind) throws -> CheckpointInfo {
        let infos = try saveCheckpoint(bytes, CheckpointSave(step: step, epoch: epoch, kinds: [kind]))
        guard let info = infos.first else { throw TrackerError.storage("the checkpoint of run \(runID) at step \(step) was not recorded") }
        return info
    }
}

/// The outcome of a checkpoint saved in the background (`saveCheckpointInBackground`).
public final class CheckpointTicket: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var outcome: Result<[CheckpointInfo], any Error>?  // guarded by lock

    /// A ticket already settled.
    public init(_ outcome: Result<[CheckpointInfo], any Error>) {
        self.outcome = outcome
        done.signal()
    }

    /// A ticket the writer settles with `settle`.
    init() {}

    func settle(_ outcome: Result<[CheckpointInfo], any Error>) {
        lock.lock()
        self.outcome = outcome
        lock.unlock()
        done.signal()
    }

    /// Waits for the save; the rows it inserted, in `save.kinds` order, or its failure.
    public func wait() throws -> [CheckpointInfo] {
        if done.wait(timeout: .now()) == .timedOut { RecorderClock.holding { done.wait() } }
        done.signal()  // a second wait returns at once
        lock.lock()
        defer { lock.unlock() }
        guard let outcome else { throw TrackerError.programmerError("a checkpoint ticket signalled without an outcome") }
        return try outcome.get()
    }
}
