import Foundation
import Testing
import Tracker
@testable import Trainer

/// `tracker landscape`: filter-normalised directions, determinism, the grid's centre, bounds.
@Suite("Loss landscapes", .serialized)
struct LandscapeTests {
    /// A finished run of a small BatchNorm net on moons, with periodic checkpoints.
    static func trainedRun(residual: Int = 0) throws -> (Store, ExperimentRunner, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("landscape-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try Store(path: dir.appendingPathComponent("t.db").path)
        let runner = ExperimentRunner(store: store)
        let planned = try ExperimentPlan.plan(ConfigDocument.parse("""
            experiment: landscape
            seed: 4
            data: {source: moons, size: 300, noise: 0.2, validation: 0.2}
            model: {depth: 2, width: 12, activation: relu, normalization: batch, residual_every: \(residual)}
            optimizer: {type: adam, lr: 0.01}
            epochs: 3
            batch_size: 32
            logging: {layer_stats_every: 0, checkpoint_every: 1, keep_checkpoints: 3}
            """))
        let outcome = try runner.train(try #require(planned.first))
        #expect(outcome.status == .finished)
        return (store, runner, outcome.runID)
    }

    static func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }

    @Test("the same command gives the same grid bit for bit, for one worker or two")
    func deterministic() throws {
        let (store, runner, run) = try Self.trainedRun()
        let spec = LandscapeSpec(grid: 5, span: 0.5, samples: 100, seed: 9)
        let a = try runner.landscape(run: run, spec: spec, workers: 2)
        let b = try runner.landscape(run: run, spec: spec, workers: 2)
        let c = try runner.landscape(run: run, spec: spec, workers: 1)
        #expect(Self.bits(a.loss) == Self.bits(b.loss))
        #expect(Self.bits(a.loss) == Self.bits(c.loss))
        #expect(Self.bits(a.accuracy ?? []) == Self.bits(c.accuracy ?? []))
        #expect(a.subsetFingerprint == c.subsetFingerprint)
        #expect(Set(a.loss.map(\.bitPattern)).count > 1, "the plane is not flat")
        // Another seed draws other directions (and another subset).
        let d = try runner.landscape(run: run, spec: LandscapeSpec(grid: 5, span: 0.5, samples: 100, seed: 10), workers: 2)
        #expect(Self.bits(a.loss) != Self.bits(d.loss))
        // Stored as computed, and read back whole.
        let stored = try store.landscapes(run: run)
        #expect(stored.count == 4)
        var first = try #require(stored.first)
        #expect(first.id == a.id)
        first.id = a.id
        #expect(first == a)
    }

    @Test("the centre of the grid is the checkpoint's own loss and accuracy on the subset")
    func centreIsTheCheckpoint() throws {
        let (store, runner, run) = try Self.trainedRun(residual: 1)
        let spec = LandscapeSpec(grid: 3, span: 1, samples: 120, seed: 2)
        let record = try runner.landscape(run: run, spec: spec)
        let loaded = try runner.loadCheckpoint(run, choice: .last)
        let subset = try LandscapeSubset(data: loaded.planned.data, samples: 120, seed: 2)
        BLAS.setThreads(1)
        let direct = try loaded.trainer.evaluate(inputs: try subset.inputs(), labels: subset.labels)
        #expect(record.centreLoss?.bitPattern == direct.loss.bitPattern)
        #expect(record.centreAccuracy == direct.accuracy)
        #expect(record.checkpointSHA256 == loaded.info.sha256)
        let latest = try #require(try store.latestCheckpoint(run: run))
        #expect(record.checkpointStep == latest.step && record.checkpointSHA256 == latest.sha256)
        // The projected trajectory starts at the initial weights and ends at the centre itself.
        #expect(record.trajectory.first?.step == 0 && record.trajectory.count >= 3)
        let end = try #require(record.trajectory.last)
        #expect(end.step == record.checkpointStep && abs(end.x) < 1e-9 && abs(end.y) < 1e-9)
    }

    @Test("filter normalisation: each neuron's column of the direction has that neuron's norm; biases and BatchNorm get none")
    func filterNormalisation() throws {
        var initStream = Fixture.initStream
        let model = try Model(spec: JSONValue.parse(#"{"input": 3, "depth": 2, "width": 5, "classes": 2, "normalization": "batch"}"#).decode(ModelSpec.self),
                              random: &initStream)
        var random = RandomStream(seed: 1, name: "landscape.directions")
        let directions = LandscapeDirections.filterNormalized(model.parameters, random: &random)
        // Direct computation: the same Gaussian draws, each column scaled by ‖w_j‖ / ‖d_j‖.
        var replay = RandomStream(seed: 1, name: "landscape.directions")
        var weights = 0
        for (p, d) in zip(model.parameters, directions) {
            #expect(d.count == p.value.count)
            guard p.role == .weight else {
                #expect(d.allSatisfy { $0 == 0 }, "\(p.name) has a direction")
                continue
            }
            weights += 1
            let rows = p.value.shape[0], columns = p.value.shape[1]
            let raw = (0..<(rows * columns)).map { _ in replay.nextGaussian() }
            for j in 0..<columns {
                let w = (0..<rows).map { Double(p.value.buffer[$0 * columns + j]) }
                let g = (0..<rows).map { raw[$0 * columns + j] }
                let wn = w.map { $0 * $0 }.reduce(0, +).squareRoot(), gn = g.map { $0 * $0 }.reduce(0, +).squareRoot()
                let dn = (0..<rows).map { Double(d[$0 * columns + j]) * Double(d[$0 * columns + j]) }.reduce(0, +).squareRoot()
                #expect(abs(dn - wn) <= 1e-5 * wn, "\(p.name) column \(j): ‖d‖ \(dn) vs ‖w‖ \(wn)")
                for i in 0..<rows {
                    let expected = g[i] * wn / gn
                    #expect(abs(Double(d[i * columns + j]) - expected) <= 1e-5 * max(1, abs(expected)))
                }
            }
        }
        #expect(weights == 3)
        #expect(model.parameters.contains { $0.role == .normScale } && model.state.count > 0)
        // Rescaling a neuron's weights by c rescales its direction by c (same seed): the step
        // is measured in each neuron's own scale.
        let scales: [Float] = [0.5, 3, 10, 0.01, 2]
        let first = model.parameters[0].value
        for i in 0..<first.shape[0] { for j in 0..<first.shape[1] { first.buffer[i * first.shape[1] + j] *= scales[j % scales.count] } }
        var again = RandomStream(seed: 1, name: "landscape.directions")
        let scaled = LandscapeDirections.filterNormalized(model.parameters, random: &again)
        for i in 0..<first.shape[0] {
            for j in 0..<first.shape[1] {
                let k = i * first.shape[1] + j, expected = directions[0][k] * scales[j % scales.count]
                #expect(abs(scaled[0][k] - expected) <= 1e-5 * max(1, abs(expected)))
            }
        }
        #expect(zip(scaled.dropFirst(), directions.dropFirst()).allSatisfy { $0 == $1 })
    }

    @Test("the line between two checkpoints starts and ends at their own losses")
    func interpolation() throws {
        let (store, runner, run) = try Self.trainedRun()
        let checkpoints = try store.checkpoints(run: run)
        let first = try #require(checkpoints.first), last = try #require(checkpoints.last)
        let spec = LandscapeSpec(grid: 5, samples: 80, seed: 3)
        let line = try runner.interpolation(from: "\(run):\(first.id)", to: run, spec: spec)
        #expect(line.kind == .line && line.loss.count == 5)
        #expect(line.checkpointStep == first.step && line.endCheckpointStep == last.step)
        let subset = try LandscapeSubset(data: try runner.loadCheckpoint(run, choice: .last).planned.data, samples: 80, seed: 3)
        BLAS.setThreads(1)
        for (choice, value) in [(LandscapeSpec.CheckpointChoice.id(first.id), line.loss.first), (.last, line.loss.last)] {
            let loaded = try runner.loadCheckpoint(run, choice: choice)
            let e = try loaded.trainer.evaluate(inputs: try subset.inputs(), labels: subset.labels)
            #expect(value?.bitPattern == e.loss.bitPattern, "\(choice)")
        }
        #expect(try store.landscapes(run: run).last?.kind == .line)
        #expect(throws: (any Error).self) { try runner.interpolation(from: "\(run):0x", to: run, spec: spec) }
        #expect(throws: (any Error).self) { try runner.landscape(run: run, spec: LandscapeSpec(grid: 3, samples: 10, checkpoint: .id(999_999))) }
    }

    @Test("the non-convexity measure: 0 on a bowl, 1 on a saddle, and |λmin/λmax| on a mixed quadratic")
    func curvatureMeasure() {
        let n = 9, span = 1.0, h = 2 * span / Double(n - 1)
        func grid(_ f: (Double, Double) -> Double) -> [Double] {
            (0..<n).flatMap { i in (0..<n).map { j in
                f(LandscapeRecord.coordinate(i, grid: n, span: span, kind: .plane), LandscapeRecord.coordinate(j, grid: n, span: span, kind: .plane))
            } }
        }
        let bowl = LandscapeCurvature(loss: grid { x, y in x * x + 2 * y * y }, grid: n, step: h)
        #expect(bowl.measured == 49 && bowl.nonConvexShare == 0)
        let saddle = LandscapeCurvature(loss: grid { x, y in x * x - y * y }, grid: n, step: h)
        #expect(saddle.nonConvexShare == 1)
        #expect(saddle.ratios.allSatisfy { abs($0 - 1) < 1e-9 })
        // λ = 2·2 and 2·(−0.05): ρ = 0.025, below the threshold.
        let mild = LandscapeCurvature(loss: grid { x, y in 2 * x * x - 0.05 * y * y }, grid: n, step: h)
        #expect(mild.ratios.allSatisfy { abs($0 - 0.025) < 1e-9 } && mild.nonConvexShare == 0)
        let plane = LandscapeCurvature(loss: grid { x, y in 3 + x - y }, grid: n, step: h)
        #expect(plane.flatShare == 1 && plane.nonConvexShare == 0)
        let (lo, hi) = LandscapeCurvature.eigenvalues(2, 1, 2)
        #expect(abs(lo - 1) < 1e-12 && abs(hi - 3) < 1e-12)
    }

    final class Events: ProgressReporter {
        var seen: [Event] = []
        func report(_ update: ProgressUpdate) { if case .event(_, let e) = update { seen.append(e) } }
    }

    @Test("a config's landscape block records the plane when the run finishes; one that cannot be computed is a warning, not a failed run")
    func configBlock() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("landscape-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try Store(path: dir.appendingPathComponent("t.db").path)
        let events = Events()
        let runner = ExperimentRunner(store: store, progress: events)
        let planned = try ExperimentPlan.plan(ConfigDocument.parse("""
            experiment: block
            seed: 5
            data: {source: moons, size: 200, noise: 0.2, validation: 0.2}
            model: {depth: 1, width: 8, activation: tanh}
            epochs: 1
            logging: {layer_stats_every: 0, checkpoint_every: 0, keep_best: false}
            landscape: {grid: 3, samples: 20, checkpoint: last}
            sweep:
              variants:
                - {name: last}
                - {name: best, set: {landscape.checkpoint: best}}
            """))
        let outcomes = try planned.map { try runner.train($0) }
        #expect(outcomes.allSatisfy { $0.status == .finished })
        #expect(try store.landscapes(run: outcomes[0].runID).count == 1)
        #expect(try store.landscapes(run: outcomes[1].runID).isEmpty)
        #expect(events.seen.contains { $0.kind == "landscape" && $0.level == .warning && $0.message.contains("no best checkpoint") })
    }
}
