import Foundation
import Tracker

/// Generates the query benchmark's store through the public recording API: runs of a
/// hyperparameter grid (lr, dropout, activation, depth, width, batch size, optimizer) with
/// train/val loss and accuracy curves, written in large batches.
struct QueryBenchData {
    var runs: Int
    var pointsPerRun: Int

    /// Writes the store to a temporary file, then moves it to `path` (so a killed generation is never reused).
    func generate(at path: String) throws {
        let tmp = path + ".partial"
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: tmp + s) }
        do { try generate(into: try Store(path: tmp)) }
        try FileManager.default.moveItem(atPath: tmp, toPath: path)
    }

    /// Records the runs into `store` (a new SQLite file, or an empty PostgreSQL database).
    func generate(into store: Store) throws {
        var rng = SplitMix64(state: 42)
        let steps = max(1, pointsPerRun / 4)
        let t0 = Date()
        do {
            for i in 0..<runs {
                let lr = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2][rng.below(5)]
                let dropout = [0.0, 0.2, 0.5][rng.below(3)]
                let activation = ["relu", "sigmoid", "tanh", "prelu"][rng.below(4)]
                let config: JSONValue = .object([
                    "model": .object(["depth": .int(Int64(2 + rng.below(7))), "width": .int([64, 128, 256][rng.below(3)]),
                                      "activation": .string(activation), "norm": .string(["none", "batch", "layer"][rng.below(3)])]),
                    "optimizer": .object(["name": .string(["sgd", "adam"][rng.below(2)]), "lr": .double(lr)]),
                    "dropout": .double(dropout), "batch_size": .int([32, 64, 128][rng.below(3)]), "epochs": .int(10),
                ])
                let rec = try store.startRun(RunStart(experiment: "sweep-\(i % 10)", name: "run-\(i)", config: config, seed: UInt64(i),
                                                      environment: .object(["os": .string("linux")])), batchSize: 16_384)
                let finalAcc = 0.5 + 0.45 * rng.unit()
                let rate = 3.0 / Double(steps)
                var points: [MetricPoint] = []
                points.reserveCapacity(steps * 4)
                for step in 0..<steps {
                    let progress = 1 - exp(-rate * Double(step))
                    let noise = 0.01 * (rng.unit() - 0.5)
                    let epoch = step * 10 / steps, wall = 1.7e9 + Double(i * steps + step)
                    let valAcc = 0.1 + (finalAcc - 0.1) * progress + noise
                    points.append(MetricPoint(key: "train_loss", step: step, epoch: epoch, value: 2.3 * (1 - progress) + 0.05 + noise, wallTime: wall))
                    points.append(MetricPoint(key: "val_loss", step: step, epoch: epoch, value: 2.3 * (1 - progress) + 0.2 + noise, wallTime: wall))
                    points.append(MetricPoint(key: "train_acc", step: step, epoch: epoch, value: min(1, valAcc + dropout * 0.02 + 0.08 * progress), wallTime: wall))
                    points.append(MetricPoint(key: "val_acc", step: step, epoch: epoch, value: valAcc, wallTime: wall))
                }
                rec.log(points: points)
                try rec.finish(.finished)
                if (i + 1) % 1000 == 0 {
                    print(String(format: "generated %d runs in %.0f s", i + 1, Date().timeIntervalSince(t0)))
                }
            }
        }
    }
}
