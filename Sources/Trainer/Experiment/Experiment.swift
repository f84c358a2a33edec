import Foundation
import Tracker

/// Runs experiments into a store: train planned runs, resume a stopped run from its
/// latest checkpoint, and re-run a stored run to check that it reproduces.
public final class Experiment {
    let store: Store
    let progress: ProgressReporter
    let interrupt: InterruptFlag

    public init(store: Store, progress: ProgressReporter = SilentProgress(), interrupt: InterruptFlag = InterruptFlag()) {
        self.store = store
        self.progress = progress
        self.interrupt = interrupt
    }

    /// The outcome of one run.
    public struct Outcome: Sendable {
        public var runID: String
        public var name: String
        public var status: RunStatus
    }

    /// Trains one planned run as a new run of the store.
    public func train(_ planned: PlannedRun, origin: RunOrigin = .new, parentID: String? = nil) throws -> Outcome {
        let c = planned.config
        let env = RunEnvironment.current(threads: c.threads, datasetFingerprint: planned.data.fingerprint, seed: c.seed)
        let recorder = try store.startRun(RunStart(experiment: c.experiment, name: planned.name, config: planned.json, seed: c.seed,
                                                   environment: env.json, parentID: parentID, origin: origin))
        return try drive(planned, recorder: recorder, resumeFrom: nil)
    }

    /// Continues a run from its latest checkpoint under the same id; the points logged after
    /// that checkpoint are dropped and written again.
    public func resume(_ runID: String) throws -> Outcome {
        let run = try store.resolveRun(runID)
        guard run.status != .finished && run.status != .running else {
            throw TrackerError.invalidArgument("run \(run.id) is \(run.status.rawValue); only a stopped run (interrupted, crashed, failed, diverged) can be resumed")
        }
        guard let checkpoint = try store.latestCheckpoint(run: run.id) else {
            throw TrackerError.checkpointNotFound(run: run.id, detail: "to resume from (it stopped before its first checkpoint); re-run it instead: tracker rerun \(run.id)")
        }
        let payload = try store.checkpointData(checkpoint)
        let planned = try plannedRun(from: run)
        let stored = try JSONValue.parse(run.environment)
        if let fp = stored[path: "dataset_fingerprint"]?.stringValue, fp != planned.data.fingerprint {
            throw TrackerError.invalidArgument("the data of run \(run.id) changed since it was recorded (fingerprint \(fp.prefix(12))… now \(planned.data.fingerprint.prefix(12))…); it cannot be resumed bit-for-bit")
        }
        let kept = try store.checkpoints(run: run.id).filter { $0.step <= checkpoint.step }
        let recorder = try store.resumeRun(run.id, afterStep: checkpoint.step)
        return try drive(planned, recorder: recorder, resumeFrom: (payload, checkpoint.step), checkpoints: kept)
    }

    /// The planned run a stored run describes (its stored config, data loaded again).
    public func plannedRun(from run: RunInfo) throws -> PlannedRun {
        let json = try JSONValue.parse(run.config)
        let (config, canonical, data) = try ExperimentPlan.resolve(json)
        return PlannedRun(name: run.name, config: config, json: canonical, data: data, overrides: [])
    }

    private func drive(_ planned: PlannedRun, recorder: RunRecorder, resumeFrom: ([UInt8], Int)?, checkpoints: [CheckpointInfo] = []) throws -> Outcome {
        let status: RunStatus
        do {
            let loop = try TrainingLoop(planned: planned, recorder: recorder, progress: progress, interrupt: interrupt, checkpoints: checkpoints)
            if let (payload, _) = resumeFrom { try loop.restore(payload) }
            if resumeFrom == nil { try recorder.log(params: Experiment.derivedParams(loop: loop, planned: planned)) }
            progress.report(.started(runID: recorder.runID, name: planned.name, epochs: planned.config.epochs,
                                     stepsPerEpoch: loop.iterator.batchesPerEpoch, resumedAtStep: resumeFrom?.1))
            status = try loop.run()
            try recorder.finish(status)
        } catch {
            recorder.event("failed", "\(error.localizedDescription)", level: .error)
            try? recorder.finish(.failed)
            throw error
        }
        let summary = try store.summary(of: recorder.runID)
        progress.report(.finished(runID: recorder.runID, status: status, metrics: summary.metrics.mapValues(\.last)))
        return Outcome(runID: recorder.runID, name: planned.name, status: status)
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
