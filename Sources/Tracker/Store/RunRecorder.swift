import Foundation

/// Records one run: buffers points and statistics and writes them in batched
/// transactions on a background queue, so a training step never waits on disk. A batch is
/// written when `batchSize` records wait, when `eagerMinimum` wait and the writer is idle (so
/// writing overlaps training instead of piling up for the next flush, and batches grow to
/// what accumulates during one write when the producer is faster), or every heartbeat (2 s),
/// whichever comes first.
///
/// `Store`'s `RunRecording`: `record(_:)` is the one primitive; `log`, `event` and friends
/// (in `RunRecording`'s extension) wrap it. Everything is
/// durable after `flush()`, `saveCheckpoint` or `finish`. A background error (disk full,
/// a lock held too long) is reported by the next `flush`, `saveCheckpoint` or `finish`.
/// Safe to call from several threads (a signal handler thread may flush and finish).
public final class RunRecorder: RunRecording, @unchecked Sendable {
    /// The run this recorder writes.
    public let run: RunRef
    var runID: String { run.id }
    var runSeq: Int64 { run.seq }
    let batchSize: Int

    private let lock = NSLock()
    private var pending = RecordBatch()  // guarded by lock
    private var failure: (any Error)?  // guarded by lock
    /// A background epoch checkpoint that failed: stops training at the next step, as
    /// `failure` does, but does not keep `finish` from recording the run's status.
    private var saveFailure: (any Error)?  // guarded by lock
    private var isFinished = false  // guarded by lock
    /// Batches handed to the writer and not yet written.
    private var writing = 0  // guarded by lock
    /// Records that are written at once when the writer has nothing to do.
    static let eagerMinimum = 1_024
    private let queue: DispatchQueue
    private let writer: WriterBox  // used only on `queue`
    /// Bounds the batches waiting for the writer, so a fast producer cannot run away with memory.
    private let inflight = DispatchSemaphore(value: 16)
    private var heartbeatTimer: DispatchSourceTimer?

    init(path: String, run: RunRef, batchSize: Int) throws {
        self.run = run
        self.batchSize = max(1, batchSize)
        writer = WriterBox(RecordWriter(db: try Connection(path: path, mode: .readWrite)))
        queue = DispatchQueue(label: "tracker.recorder.\(run.id)")
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + Liveness.heartbeatInterval, repeating: Liveness.heartbeatInterval)
        timer.setEventHandler { [weak self] in
            // On the writer queue: beat, and write what has waited (so viewers see a live run
            // within a couple of seconds even when batches fill slowly).
            guard let self else { return }
            do {
                try self.writer.writer.heartbeat(runSeq: self.runSeq, runID: self.runID)
            } catch let e as RunLeaseError {
                self.remember(e)  // the run vanished or another process took it over: stop
            } catch {
                // A busy store delays one beat; the next one renews the lease.
            }
            // Only when nothing is queued: records taken now would be written ahead of a batch
            // or checkpoint queued before them.
            self.lock.lock()
            let waiting = self.writing == 0 ? self.pending : RecordBatch()
            if self.writing == 0 { self.pending = RecordBatch() }
            self.lock.unlock()
            if !waiting.isEmpty { self.write(waiting) }
        }
        timer.resume()
        heartbeatTimer = timer
    }

    deinit {
        heartbeatTimer?.cancel()
    }

    // MARK: the primitive

    /// Queues a batch; it is written with others once `batchSize` records are pending.
    public func record(_ batch: RecordBatch) {
        enqueue { $0.append(batch) }
    }

    /// Adds to the pending batch under the lock; hands it to the writer once it is full.
    private func enqueue(_ add: (inout RecordBatch) -> Void) {
        var full: RecordBatch?
        lock.lock()
        add(&pending)
        if pending.count >= batchSize || (writing == 0 && pending.count >= Self.eagerMinimum) {
            full = pending
            pending = RecordBatch()
        }
        lock.unlock()
        if let full { submit(full) }
    }

    /// `timed`: the wait for a free slot counts as training held (false inside a call that is
    /// timed as a whole).
    private func submit(_ batch: RecordBatch, timed: Bool = true) {
        if inflight.wait(timeout: .now()) == .timedOut {
            if timed { RecorderClock.holding { inflight.wait() } } else { inflight.wait() }
        }
        lock.lock()
        writing += 1
        lock.unlock()
        queue.async { [self] in
            defer {
                lock.lock()
                writing -= 1
                lock.unlock()
                inflight.signal()
            }
            write(batch)
        }
    }

    /// Writes a batch on the writer queue, remembering a failure in plain words.
    private func write(_ batch: RecordBatch) {
        guard !batch.isEmpty else { return }
        RecorderClock.timing { writeNow(batch) }
    }

    private func writeNow(_ batch: RecordBatch) {
        let w = writer.writer
        do {
            // The lease check costs one lookup a batch and keeps a process that lost its run
            // (or whose row vanished) from writing into it.
            try w.db.transaction(.immediate) {
                try w.requireLease(runSeq: runSeq, runID: runID)
                try w.writeContents(batch, runSeq: runSeq)
            }
        } catch {
            remember(w.explain(error, runSeq: runSeq, runID: runID))
        }
    }

    private func remember(_ error: any Error) {
        lock.lock()
        if failure == nil { failure = error }
        lock.unlock()
    }

    private func takeFailure() -> (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// Throws the first background error, if any (cheap: the training loop calls it every
    /// step, so a run whose row vanished or whose lease was lost stops at once).
    public func throwIfFailed() throws {
        lock.lock()
        let first = failure ?? saveFailure
        lock.unlock()
        if let first { throw first }
    }

    // MARK: the hot path

    /// Logs one metric point, appended in place (no batch built).
    public func log(_ key: String, _ value: Double, step: Int, epoch: Int? = nil, wallTime: Double = Date().timeIntervalSince1970) {
        enqueue { $0.metrics.append(MetricPoint(key: key, step: step, epoch: epoch, value: value, wallTime: wallTime)) }
    }

    /// Logs params now (synchronously). Params are immutable: logging a different value
    /// for a key already logged is an error; the same value again is fine.
    public func log(params: [String: ParamValue]) throws {
        try RecorderClock.holding { try onWriter { w in
            try w.db.transaction(.immediate) {
                try Store.insertParams(params.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, runSeq: self.runSeq, db: w.db)
            }
        } }
    }

    // MARK: durability

    /// Writes everything queued so far and waits for it; throws the first background error.
    public func flush() throws {
        try RecorderClock.holding { try flushNow() }
    }

    private func flushNow() throws {
        lock.lock()
        let rest = pending
        pending = RecordBatch()
        lock.unlock()
        if !rest.isEmpty { submit(rest, timed: false) }
        queue.sync {}
        if let failure = takeFailure() { throw failure }
    }

    /// Flushes everything logged so far, then commits the checkpoint with its rows, pruning,
    /// records and final status in one fully synced transaction (see `CheckpointSave`).
    /// Returns the rows inserted, in `save.kinds` order. A `finishing` save ends the run:
    /// a later `finish` is a no-op.
    @discardableResult
    public func saveCheckpoint(_ bytes: [UInt8], _ save: CheckpointSave) throws -> [CheckpointInfo] {
        try RecorderClock.holding { try saveCheckpointNow(bytes, save) }
    }

    private func saveCheckpointNow(_ bytes: [UInt8], _ save: CheckpointSave) throws -> [CheckpointInfo] {
        let number = TestKillPoint.nextSave()
        TestKillPoint.reached(save: number, .before)
        try flushNow()
        TestKillPoint.reached(save: number, .flushed)
        let infos = try onWriter { w in
            do { return try w.writeCheckpoint(bytes, runSeq: runSeq, runID: runID, save: save, number: number) } catch {
                throw w.explain(error, runSeq: runSeq, runID: runID)
            }
        }
        if save.finishing != nil {
            lock.lock()
            isFinished = true
            lock.unlock()
            heartbeatTimer?.cancel()
        }
        return infos
    }

    /// Hands the records logged so far and then the checkpoint to the writer queue and returns:
    /// the writer commits it (the same transaction as `saveCheckpoint`) while training goes on,
    /// so an epoch's end does not wait for the batches still being written. A kill before the
    /// commit leaves the previous checkpoint, as a kill just before `saveCheckpoint` does.
    public func saveCheckpointInBackground(_ bytes: [UInt8], _ save: CheckpointSave) -> CheckpointTicket {
        guard save.finishing == nil else { return CheckpointTicket(Result { try saveCheckpoint(bytes, save) }) }
        let number = TestKillPoint.nextSave()
        TestKillPoint.reached(save: number, .before)
        lock.lock()
        let rest = pending
        pending = RecordBatch()
        lock.unlock()
        let ticket = CheckpointTicket()
        if inflight.wait(timeout: .now()) == .timedOut { RecorderClock.holding { inflight.wait() } }
        lock.lock()
        writing += 1
        lock.unlock()
        queue.async { [self] in
            defer {
                lock.lock()
                writing -= 1
                lock.unlock()
                inflight.signal()
            }
            write(rest)
            if let failure = takeFailure() { return ticket.settle(.failure(failure)) }
            TestKillPoint.reached(save: number, .flushed)
            let w = writer.writer
            ticket.settle(RecorderClock.timing {
                do { return .success(try w.writeCheckpoint(bytes, runSeq: runSeq, runID: runID, save: save, number: number)) } catch {
                    let e = w.explain(error, runSeq: runSeq, runID: runID)
                    if e is RunLeaseError { remember(e) } else {
                        lock.lock()
                        if saveFailure == nil { saveFailure = e }
                        lock.unlock()
                    }
                    return .failure(e)
                }
            })
        }
        return ticket
    }

    /// Deletes a checkpoint row of this run (its blob goes at the next `tracker gc` if unused).
    public func deleteCheckpoint(id: Int64) throws {
        try RecorderClock.holding { try onWriter { try $0.db.run("DELETE FROM checkpoints WHERE id = ? AND run_seq = ?", [.integer(id), .integer(runSeq)]) } }
    }

    /// Flushes and ends the run with `status`. Later calls are no-ops.
    public func finish(_ status: RunStatus) throws {
        lock.lock()
        let already = isFinished
        isFinished = true
        lock.unlock()
        if already { return }
        heartbeatTimer?.cancel()
        try RecorderClock.holding { try finishNow(status) }
    }

    private func finishNow(_ status: RunStatus) throws {
        try flushNow()
        try onWriter { w in
            try w.db.transaction(.immediate) {
                // Never overwrite the status of a run another process took over.
                try w.requireLease(runSeq: runSeq, runID: runID)
                try w.finish(status, runSeq: runSeq, now: Date().timeIntervalSince1970)
            }
        }
    }

    /// Runs `body` on the writer queue and returns its result.
    private func onWriter<T>(_ body: (RecordWriter) throws -> T) throws -> T {
        try queue.sync { try RecorderClock.timing { try body(writer.writer) } }
    }
}

/// Hands the writer (and its non-Sendable connection) to the recorder's serial queue.
private final class WriterBox: @unchecked Sendable {
    let writer: RecordWriter
    init(_ writer: RecordWriter) { self.writer = writer }
}
