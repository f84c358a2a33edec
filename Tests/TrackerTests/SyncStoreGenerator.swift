import Foundation
@testable import Tracker

/// Seeded stores for sync tests: runs of every kind with every record a run can hold —
/// params, tags, metrics with NaN, ±Inf, −0 and subnormals, gradient and layer statistics,
/// BatchNorm vectors, histograms, events, checkpoints (shared and own blobs), lineage, an
/// MLflow-client run with experiment tags and artifacts — drawn from one `SplitMix64`.
enum SyncStoreGenerator {
    struct Generated {
        /// Runs a sync copies as they are.
        var finished: [String]
        /// A run left `running` by a process that is gone (copied as crashed).
        var leftRunning: String
        /// A run a live process (this test) holds.
        var live: String
    }

    static let specials: [Double] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, Double(bitPattern: 0x0000_1234_5678_9ABC), 0.1 + 0.2]

    static func value(_ g: inout SplitMix64) -> Double {
        g.below(5) == 0 ? specials[g.below(specials.count)] : (g.unit() - 0.5) * pow(10, Double(g.below(12)) - 6)
    }

    static func generate(at path: String, seed: UInt64, runs: Int = 4) throws -> Generated {
        var g = SplitMix64(state: seed)
        let store = try Store(path: path)
        var ids: [String] = []
        let statuses: [RunStatus] = [.finished, .failed, .interrupted, .diverged]
        for i in 0..<runs {
            let parent = i > 0 && g.below(2) == 0 ? ids[g.below(ids.count)] : nil
            let config = JSONValue.object([
                "optimizer": .object(["lr": .double(g.unit()), "name": .string(["adam", "sgd"][g.below(2)])]),
                "epochs": .int(Int64(g.below(5) + 1)), "note": .string("run \(i) ✓ \"quoted\""), "flag": .bool(g.below(2) == 0),
            ])
            let rec = try store.startRun(RunStart(experiment: "exp-\(g.below(2))", name: "run-\(i)", config: config, seed: g.next(),
                                                  environment: .object(["os": .string("linux"), "i": .int(Int64(i))]),
                                                  parent: parent, origin: parent == nil ? .new : .rerun))
            let steps = 20 + g.below(40)
            for step in 0..<steps {
                rec.log("loss", value(&g), step: step, epoch: step / 10, wallTime: 1000 + Double(step))
                if g.below(3) == 0 { rec.log("acc", g.unit(), step: step, epoch: nil, wallTime: 1000.5 + Double(step)) }
                if step % 5 == 0 {
                    rec.log(gradStats: [GradStat(tensor: "layers.\(g.below(3)).weight", step: step, epoch: step / 10, l2: value(&g), mean: value(&g),
                                                 std: value(&g), maxAbs: value(&g), zeroFraction: g.unit(), updateRatio: g.below(2) == 0 ? nil : value(&g))])
                    rec.log(layerStats: [LayerStat(layer: "layers.\(g.below(3))", stat: ["dead_frac", "saturation"][g.below(2)], step: step, value: value(&g))])
                }
                if step % 10 == 9 {
                    rec.log(bnStats: [BNStat(layer: "layers.0.bn", step: step, epoch: step / 10,
                                             runningMean: (0..<4).map { _ in Float(value(&g)) }, runningVar: (0..<4).map { _ in Float(g.unit()) })])
                    rec.log(histograms: [HistogramRecord(tensor: "layers.0.weight", step: step, epoch: step / 10, lo: -1, hi: 1,
                                                         counts: (0..<8).map { _ in Int32(g.below(100)) })])
                    rec.event(["note", "overfitting", "nan_loss"][g.below(3)], "at step \(step) — ünïcode", level: [.info, .warning, .error][g.below(3)], step: step, epoch: step / 10)
                }
            }
            // A blob shared by every run (content-addressed once), and one of its own.
            try rec.saveCheckpoint(Array("shared checkpoint".utf8), step: steps / 2, epoch: nil, kind: .periodic)
            try rec.saveCheckpoint((0..<(64 + g.below(512))).map { _ in UInt8(truncatingIfNeeded: g.next()) }, step: steps - 1, epoch: steps / 10, kind: .last)
            try store.setTag(run: rec.run, key: "note", value: "tag \(g.below(1000))")
            try rec.finish(statuses[g.below(statuses.count)])
            ids.append(rec.runID)
        }
        ids.append(try mlflowRun(store, &g))
        return Generated(finished: ids, leftRunning: try runningRun(store, name: "gone", alive: false), live: try runningRun(store, name: "live", alive: true))
    }

    /// A run an MLflow client logged through `tracker server`: experiment tags, params,
    /// metrics, tags and an artifact, ended FINISHED.
    static func mlflowRun(_ store: Store, _ g: inout SplitMix64) throws -> String {
        let experiment = try store.mlflowCreateExperiment(name: "mlflow-exp", tags: [("team", "vision"), ("k\(g.below(9))", "v")])
        let run = try store.mlflowCreateRun(experimentID: experiment, name: "logged", startTime: 1_700_000_000_000, tags: [("source", "script")], userID: "ana")
        try store.mlflowLogBatch(run.runID, metrics: (0..<10).map { MLflowMetric(key: "m", value: value(&g), timestamp: 1_700_000_000_000 + Int64($0), step: Int64($0)) },
                                 params: [("lr", "0.01"), ("layers", "3")], tags: [("stage", "dev")])
        try store.mlflowPutArtifact(run.runID, path: "model/weights.bin", bytes: (0..<100).map { _ in UInt8(truncatingIfNeeded: g.next()) })
        _ = try store.mlflowUpdateRun(run.runID, status: "FINISHED", endTime: 1_700_000_100_000, name: nil)
        return run.trackerID
    }

    /// A run whose row says `running`: held by this process with a fresh heartbeat (`alive`),
    /// or by a pid that does not exist with a heartbeat an hour old.
    static func runningRun(_ store: Store, name: String, alive: Bool) throws -> String {
        let id: String
        do {
            let rec = try store.startRun(RunStart(experiment: "exp-0", name: name, config: .object(["x": .int(1)]), seed: 1))
            rec.log("loss", 1, step: 0, epoch: 0, wallTime: 1)
            try rec.flush()
            id = rec.runID
        }
        let heartbeat = Date().timeIntervalSince1970 - (alive ? 0 : 3600)
        try store.db.run("UPDATE runs SET status = 'running', ended_at = NULL, pid = ?, host = ?, heartbeat_at = ? WHERE id = ?",
                         [.int(alive ? Liveness.pid : 999_999_999), .text(Liveness.hostName), .real(heartbeat), .text(id)])
        return id
    }
}
