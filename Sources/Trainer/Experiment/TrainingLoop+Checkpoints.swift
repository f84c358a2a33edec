import Foundation
import Tracker

extension TrainingLoop {
    /// The epoch end's one save: the best and periodic rows share one blob and commit
    /// with the rows they retire in one transaction (a kill leaves all of it or none).
    /// Nothing is saved at the `final` epoch: the run's end saves the `last` checkpoint.
    ///
    /// The save is committed in the background (`saveCheckpointInBackground`) while the next
    /// epoch trains; the next save, or the run's end, settles it first (its row ids are what the
    /// next one prunes).
    func saveEpochCheckpoints(improved: Bool, final: Bool) throws {
        try settleSave()
        let logging = config.logging
        var kinds: [CheckpointKind] = []
        var pruning = interrupts.map(\.id)
        var keptPeriodic = periodic
        if improved && logging.keepBest && !final {
            kinds.append(.best)
            if let old = best { pruning.append(old.id) }
        }
        if !final && logging.checkpointEvery > 0 && loop.epoch % logging.checkpointEvery == 0 {
            kinds.append(.periodic)
            while keptPeriodic.count + 1 > logging.keepCheckpoints { pruning.append(keptPeriodic.removeFirst().id) }
        }
        guard !kinds.isEmpty else { return }
        if kinds.contains(.best) { best = nil }
        periodic = keptPeriodic
        let save = CheckpointSave(step: trainer.step, epoch: loop.epoch, kinds: kinds, pruning: pruning)
        pendingSave = recorder.saveCheckpointInBackground(payload(), save)
        interrupts = []
    }

    /// Waits for the epoch save still being committed, and keeps its rows for the next pruning.
    func settleSave() throws {
        guard let ticket = pendingSave else { return }
        pendingSave = nil
        for info in try ticket.wait() {
            if info.kind == .best { best = info } else { periodic.append(info) }
        }
    }

    /// On a signal: an `interrupt` checkpoint (retiring older ones; this one stays until
    /// the resumed run's next save) committed with the note and the `interrupted` status.
    func saveInterrupt(signal: Int32) throws {
        try settleSave()
        var note = RecordBatch()
        note.events = [Event(kind: "interrupted", level: .warning, message: "signal \(signal): checkpoint at step \(trainer.step), run can be resumed",
                             step: trainer.step, epoch: loop.epoch + 1)]
        try saveCheckpoint([.interrupt], pruning: interrupts.map(\.id), records: note, finishing: .interrupted)
    }

    /// Test metrics, the best-epoch note, the `last` checkpoint and the finished status,
    /// committed together: a run is finished exactly when its last checkpoint exists.
    func finishRun() throws {
        try settleSave()
        let step = trainer.step
        var records = RecordBatch()
        let now = Date().timeIntervalSince1970
        records.metrics = try testMetrics(step: step, wallTime: now)
        if loop.bestEpoch > 0 {
            records.events.append(Event(kind: "best_epoch", message: "best epoch \(loop.bestEpoch) (\(watchedMetric) = \(String(format: "%.6g", loop.bestValue)))",
                                        step: step, epoch: loop.bestEpoch, createdAt: now))
        }
        try saveCheckpoint([.last], pruning: interrupts.map(\.id), records: records, finishing: .finished)
    }

    /// Saves the current state as checkpoint rows of `kinds`, with the rows it retires,
    /// the records that go with it and (for the run's end) its status, in one transaction.
    @discardableResult
    func saveCheckpoint(_ kinds: [CheckpointKind], pruning: [Int64] = [], records: RecordBatch = RecordBatch(),
                        finishing: RunStatus? = nil) throws -> [CheckpointInfo] {
        let save = CheckpointSave(step: trainer.step, epoch: loop.epoch, kinds: kinds, pruning: pruning, records: records, finishing: finishing)
        let infos = try recorder.saveCheckpoint(payload(), save)
        interrupts = []
        return infos
    }
}
