import Foundation
import Tracker

/// Runs planned runs into a store: train them, resume a stopped run from its latest
/// checkpoint, and re-run a stored run to check that it reproduces. (An *experiment* in
/// the store is only the name that groups runs; this type is what trains them.)
public final class ExperimentRunner {
    /// The one seam to the Tracker: any backend, never a concrete store.
    let store: any TrainingStore
    let progress: ProgressReporter
    let interrupt: InterruptFlag

    public init(store: any TrainingStore, progress: ProgressReporter = SilentProgress(), interrupt: InterruptFlag = InterruptFlag()) {
        self.store = store
        self.progress = progress
        self.interrupt = interrupt
    }

    /// The outcome of one run.
    public struct Outcome: Sendable {
        public var run: RunRef
        public var runID: String { run.id }
        public var name: String
        public var status: RunStatus
    }

    /// Trains one planned run as a new run of the store.
    public func train(_ planned: PlannedRun, origin: RunOrigin = .new, parent: RunRef? = nil) throws -> Outcome {
        let c = planned.config
        let state = try TrainingState(planned: planned)
        let env = RunEnvironment.current(threads: c.threads, datasetFingerprint: planned.data.fingerprint, seed: c.seed)
        let recorder = try store.startRun(RunStart(experiment: c.experiment, name: planned.name, config: planned.json, seed: c.seed,
                                                   environment: env.json, parent: parent, origin: origin),
                                      batchSize: RecordBatch.defaultLimit)
        return try drive(planned, state: state, recorder: recorder, resumedAt: nil)
    }

    /// Continues a stopped run under the same id from its latest checkpoint, or from step 0
    /// when it stopped before its first one; what was logged after that point is dropped
    /// and written again, so the finished records equal those of a run never interrupted.
    ///
    /// Everything is checked before the store is touched (the checkpoint's bytes, every
    /// counter in it, the data's fingerprint): a refused resume leaves the run as it was.
    /// The run is then taken over atomically (`TrainingStore.takeOverRun`): a run another live
    /// process trains is refused, naming it.
    public func resume(_ runID: String) throws -> Outcome {
        let (ref, run) = try store.lookUpRun(runID, includeDeleted: false)
        if run.status == .finished { throw RunLeaseError.finished(run: run.id) }
        if let holder = try store.lease(of: ref), !holder.isGone() {
            throw RunLeaseError.held(run: run.id, holder: holder.describe())
        }
        let planned = try plannedRun(from: run)
        let stored = try JSONValue.parse(run.environment)
        if let fp = stored[path: "dataset_fingerprint"]?.stringValue, fp != planned.data.fingerprint {
            throw TrackerError.invalidArgument("the data of run \(run.id) changed since it was recorded (fingerprint \(fp.prefix(12))… now \(planned.data.fingerprint.prefix(12))…); it cannot be resumed bit-for-bit")
        }
        var state = try TrainingState(planned: planned)
        let checkpoint = try store.latestCheckpoint(run: ref)
        if let checkpoint {
            do {
                try state.restore(try store.checkpointData(checkpoint))
                guard state.trainer.step == checkpoint.step, checkpoint.epoch.map({ $0 == state.loop.epoch }) ?? true else {
                    throw TrainerError.stateMismatch(name: "checkpoint", message: "its record says step \(checkpoint.step), epoch \(checkpoint.epoch ?? -1), but the payload is at step \(state.trainer.step), epoch \(state.loop.epoch)")
                }
            } catch {
                throw TrackerError.invalidArgument("cannot resume run \(run.id) from its \(checkpoint.kind.rawValue) checkpoint at step \(checkpoint.step) (id \(checkpoint.id)): \(error.localizedDescription). The run was left \(run.status.rawValue); train it again with: tracker rerun \(run.id)")
            }
        }
        let kept = try store.checkpoints(run: ref).filter { $0.step <= (checkpoint?.step ?? -1) }
        let recorder = try store.takeOverRun(ref, afterStep: checkpoint?.step, batchSize: RecordBatch.defaultLimit)
        noteEnvironmentChange(stored: stored, planned: planned, recorder: recorder, step: checkpoint?.step)
        if checkpoint?.kind == .last {
            // Only stores written before the last checkpoint and the finished status shared a
            // transaction hold this: the training is complete, re-running its end would
            // duplicate the last checkpoint and the best-epoch note.
            try recorder.finish(.finished)
            return Outcome(run: ref, name: planned.name, status: .finished)
        }
        return try drive(planned, state: state, recorder: recorder, resumedAt: checkpoint?.step ?? 0, checkpoints: kept)
    }

    /// Records a warning event when this process's environment differs from the run's in a
    /// field that decides bit-identity (CPU, BLAS build or core, threads, build): the steps
    /// after the resume point then need not equal those of an uninterrupted run, and the
    /// run's events say so, field by field. The stored environment stays the one it started in.
    func noteEnvironmentChange(stored: JSONValue, planned: PlannedRun, recorder: any RunRecording, step: Int?) {
        let c = planned.config
        let here = RunEnvironment.current(threads: c.threads, datasetFingerprint: planned.data.fingerprint, seed: c.seed).json
        let changes = JSONDiff.changes(stored, here).filter { RunEnvironment.determinismFields.contains($0.path) }
        guard !changes.isEmpty else { return }
        let fields = changes.map { "\($0.path): \($0.a?.canonical ?? "—") → \($0.b?.canonical ?? "—")" }.joined(separator: "; ")
        recorder.event("environment", "resumed in another environment (\(fields)); the steps after \(step.map { "step \($0)" } ?? "step 0") are not guaranteed bit-identical to an uninterrupted run",
                       level: .warning, step: step)
    }

    /// The planned run a stored run describes (its stored config, data loaded again).
    public func plannedRun(from run: RunInfo) throws -> PlannedRun {
        let json = try JSONValue.parse(run.config)
        let (config, canonical, data) = try ExperimentPlan.resolve(json)
        return PlannedRun(name: run.name, config: config, json: canonical, data: data, overrides: [])
    }

    func drive(_ planned: PlannedRun, state: TrainingState, recorder: any RunRecording, resumedAt: Int?, checkpoints: [CheckpointInfo] = []) throws -> Outcome {
        let status: RunStatus
        do {
            let loop = try TrainingLoop(planned: planned, state: state, recorder: recorder, progress: progress, interrupt: interrupt, checkpoints: checkpoints)
            // Params are immutable: a run resumed from step 0 logs the same values again (a no-op).
            if state.trainer.step == 0 { try recorder.log(params: ExperimentRunner.derivedParams(loop: loop, planned: planned)) }
            progress.report(.started(runID: recorder.runID, name: planned.name, epochs: planned.config.epochs,
                                     stepsPerEpoch: loop.iterator.batchesPerEpoch, resumedAtStep: resumedAt))
            status = try loop.run()
            try recorder.finish(status)
        } catch let error as RunLeaseError {
            throw error  // the run is not ours (any more): record nothing
        } catch {
            recorder.event("failed", "\(error.localizedDescription)", level: .error)
            try? recorder.finish(.failed)
            throw error
        }
        if status == .finished, let spec = planned.config.landscape {
            // The training is complete and recorded: a landscape that cannot be computed is reported, not a failed run.
            do {
                let l = try landscape(run: recorder.runID, spec: spec)
                let share = l.curvature.map { Format.number($0.nonConvexShare) } ?? "-"
                progress.report(.event(runID: recorder.runID, Event(kind: "landscape", message: "recorded the \(l.title): non-convex share \(share), \(Format.number(l.pointsPerSecond)) points/s")))
            } catch {
                progress.report(.event(runID: recorder.runID, Event(kind: "landscape", level: .warning, message: "not recorded: \(error.localizedDescription); try: tracker landscape \(recorder.runID)")))
            }
        }
        let summary = try store.summary(of: recorder.run)
        progress.report(.finished(runID: recorder.runID, status: status, metrics: summary.metrics.mapValues(\.last)))
        return Outcome(run: recorder.run, name: planned.name, status: status)
    }

    static func derivedParams(loop: TrainingLoop, planned: PlannedRun) -> [String: ParamValue] {
        let params = loop.trainer.model.parameters
        return [
            "derived.parameter_count": .int(Int64(params.reduce(0) { $0 + $1.value.count })),
            "derived.layers": .int(Int64(loop.trainer.model.namedLayers.count)),
            "derived.train_samples": .int(Int64(planned.data.train.count)),
            "derived.validation_samples": .int(Int64(planned.data.validation?.count ?? 0)),
            "derived.test_samples": .int(Int64(planned.data.test?.count ?? 0)),
            "derived.steps_per_epoch": .int(Int64(loop.iterator.batchesPerEpoch)),
            "derived.dataset_fingerprint": .text(planned.data.fingerprint),
        ]
    }

    /// Metrics that measure time; never compared for identity.
    public static var timingMetrics: Set<String> { TrainingLoop.timingMetrics }
}
