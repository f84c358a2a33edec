import Foundation
import Tracker

/// `tracker landscape`: the loss landscape around a stored checkpoint (Li et al., NeurIPS
/// 2018), computed from the store and recorded in it.
extension ExperimentRunner {
    /// A checkpoint loaded into a trainer of its run's model.
    struct LoadedCheckpoint {
        let ref: RunRef
        let run: RunInfo
        let planned: PlannedRun
        let info: CheckpointInfo
        let trainer: ModelTrainer

        /// Parameters then state, in model order, as plain arrays.
        var tensors: [[Float]] {
            trainer.model.parameters.map { Array($0.value.buffer) } + trainer.model.state.map { Array($0.tensor.buffer) }
        }
    }

    /// The plane around `spec.checkpoint` of `runID` spanned by two filter-normalised random
    /// directions, evaluated on `spec.samples` training samples, recorded in the store.
    /// - Parameter workers: threads over the grid (the grid is the same for any count).
    public func landscape(run runID: String, spec: LandscapeSpec, workers: Int = 2) throws -> LandscapeRecord {
        try spec.validate(line: false)
        let centre = try loadCheckpoint(runID, choice: spec.checkpoint)
        let parameters = centre.trainer.model.parameters
        var random = RandomStream(seed: spec.seed, name: "landscape.directions")
        let x = LandscapeDirections.filterNormalized(parameters, random: &random)
        let y = LandscapeDirections.filterNormalized(parameters, random: &random)
        let kept = [[Float]](repeating: [], count: centre.trainer.model.state.count)
        let coordinates = (0..<spec.grid).map { LandscapeRecord.coordinate($0, grid: spec.grid, span: spec.span, kind: .plane) }
        let geometry = LandscapeGeometry.plane(base: centre.tensors, x: x + kept, y: y + kept, coordinates: coordinates)
        let subset = try LandscapeSubset(data: centre.planned.data, samples: spec.samples, seed: spec.seed)
        let (values, rate) = try evaluate(geometry, model: centre, subset: subset, workers: workers)
        let projection = LandscapeProjection(base: parameters.map { Array($0.value.buffer) }, x: x, y: y)
        // The run's own path: its initial weights (drawn again from the seed's init stream), then its checkpoints.
        let initial = try ModelTrainer(spec: centre.planned.config.model, optimizer: centre.planned.config.optimizer, seed: centre.planned.config.seed)
        let start = projection.coordinates(of: initial.model.parameters.map { Array($0.value.buffer) })
            .map { [LandscapeRecord.TrajectoryPoint(step: 0, x: $0.0, y: $0.1)] } ?? []
        let trajectory = try start + projection.project(checkpoints: try store.checkpoints(run: centre.ref),
                                                        loading: { try self.parameterValues(of: $0, like: centre) })
        var record = LandscapeRecord(
            runID: centre.run.id, kind: .plane, checkpointStep: centre.info.step, checkpointKind: centre.info.kind.rawValue,
            checkpointSHA256: centre.info.sha256, normalization: LandscapeDirections.normalization, directionSeed: spec.seed,
            subsetSize: subset.count, subsetFingerprint: subset.fingerprint, grid: spec.grid, span: spec.span,
            loss: values.map(\.loss), accuracy: values.first?.accuracy == nil ? nil : values.map { $0.accuracy ?? .nan },
            trajectory: trajectory, pointsPerSecond: rate, createdAt: Date().timeIntervalSince1970)
        record.id = try store.recordLandscape(record)
        return record
    }

    /// The line θ(t) = (1 − t)·θ_A + t·θ_B, t ∈ [0, 1] at `spec.grid` points, between two
    /// checkpoints of one run or of two runs of the same model; recorded on A's run.
    /// `a` and `b` are `RUN` or `RUN:last|best|ID`.
    public func interpolation(from a: String, to b: String, spec: LandscapeSpec, workers: Int = 2) throws -> LandscapeRecord {
        try spec.validate(line: true)
        let (runA, choiceA) = try Self.endpoint(a, default: spec.checkpoint)
        let (runB, choiceB) = try Self.endpoint(b, default: spec.checkpoint)
        let start = try loadCheckpoint(runA, choice: choiceA)
        let end = try loadCheckpoint(runB, choice: choiceB)
        guard start.planned.config.model == end.planned.config.model else {
            throw TrackerError.invalidArgument("runs \(start.run.id) and \(end.run.id) have different models; an interpolation needs the same architecture at both ends")
        }
        let coordinates = (0..<spec.grid).map { LandscapeRecord.coordinate($0, grid: spec.grid, span: 1, kind: .line) }
        let geometry = LandscapeGeometry.line(start: start.tensors, end: end.tensors, coordinates: coordinates)
        let subset = try LandscapeSubset(data: start.planned.data, samples: spec.samples, seed: spec.seed)
        let (values, rate) = try evaluate(geometry, model: start, subset: subset, workers: workers)
        var record = LandscapeRecord(
            runID: start.run.id, kind: .line, checkpointStep: start.info.step, checkpointKind: start.info.kind.rawValue,
            checkpointSHA256: start.info.sha256, endRunID: end.run.id, endCheckpointStep: end.info.step,
            endCheckpointSHA256: end.info.sha256, normalization: "none", directionSeed: spec.seed, subsetSize: subset.count,
            subsetFingerprint: subset.fingerprint, grid: spec.grid, span: 1, loss: values.map(\.loss),
            accuracy: values.first?.accuracy == nil ? nil : values.map { $0.accuracy ?? .nan },
            pointsPerSecond: rate, createdAt: Date().timeIntervalSince1970)
        record.id = try store.recordLandscape(record)
        return record
    }

    /// `RUN` or `RUN:CHECKPOINT`.
    static func endpoint(_ text: String, default choice: LandscapeSpec.CheckpointChoice) throws -> (String, LandscapeSpec.CheckpointChoice) {
        guard let colon = text.lastIndex(of: ":") else { return (text, choice) }
        let run = String(text[..<colon])
        guard !run.isEmpty else { throw TrackerError.invalidArgument("'\(text)' names no run; write RUN or RUN:last|best|ID") }
        return (run, try LandscapeSpec.CheckpointChoice(parsing: String(text[text.index(after: colon)...])))
    }

    private func evaluate(_ geometry: LandscapeGeometry, model: LoadedCheckpoint, subset: LandscapeSubset, workers: Int) throws -> ([Evaluation], Double) {
        let evaluator = LandscapeEvaluator(spec: model.planned.config.model, optimizer: model.planned.config.optimizer,
                                           subset: subset.data, workers: workers)
        let started = DispatchTime.now().uptimeNanoseconds
        defer { BLAS.setThreads(model.planned.config.threads) }  // the evaluator ran BLAS single-threaded
        let values = try evaluator.evaluate(geometry)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return (values, seconds > 0 ? Double(values.count) / seconds : 0)
    }

    /// The chosen checkpoint of a run, verified and loaded (strictly) into its model.
    func loadCheckpoint(_ runID: String, choice: LandscapeSpec.CheckpointChoice) throws -> LoadedCheckpoint {
        let (ref, run) = try store.lookUpRun(runID, includeDeleted: false)
        let all = try store.checkpoints(run: ref)
        let info: CheckpointInfo?
        switch choice {
        case .last: info = all.max { ($0.step, $0.id) < ($1.step, $1.id) }
        case .best: info = all.filter { $0.kind == .best }.max { ($0.step, $0.id) < ($1.step, $1.id) }
        case .id(let id): info = all.first { $0.id == id }
        }
        guard let info else {
            let known = all.map { "\($0.id) (\($0.kind.rawValue), step \($0.step))" }.joined(separator: ", ")
            throw TrackerError.invalidArgument("run \(run.id) has no \(choice) checkpoint" + (known.isEmpty ? "; it has none (train with logging.checkpoint_every or let it finish)" : "; it has: \(known)"))
        }
        let planned = try plannedRun(from: run)
        let trainer = try ModelTrainer(spec: planned.config.model, optimizer: planned.config.optimizer, seed: planned.config.seed)
        try trainer.load(StateDict(payload: store.checkpointData(info)))
        return LoadedCheckpoint(ref: ref, run: run, planned: planned, info: info, trainer: trainer)
    }

    /// The parameter values of another checkpoint of `like`'s run.
    private func parameterValues(of info: CheckpointInfo, like model: LoadedCheckpoint) throws -> [[Float]] {
        let dict = try StateDict(payload: store.checkpointData(info))
        return try model.trainer.model.parameters.map { p in
            let scratch = Tensor(zeros: p.value.shape)
            try dict.load(p.name, into: scratch)
            return Array(scratch.buffer)
        }
    }
}
