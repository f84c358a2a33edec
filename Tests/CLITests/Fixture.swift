import Foundation
import Tracker

/// A small, realistic study recorded through the public recording API: an MLP trained with
/// and without dropout (the classic overfitting pair), a deep sigmoid net whose gradients
/// vanish, and a rerun of the dropout run. All values are synthetic but deterministic.
enum Fixture {
    struct Runs {
        var noDropout: String
        var dropout: String
        var sigmoid: String
        var rerun: String
        /// Run id → a stable placeholder for golden outputs.
        var placeholders: [String: String] {
            [noDropout: "<run:no-dropout>", dropout: "<run:dropout-0.5>", sigmoid: "<run:deep-sigmoid>", rerun: "<run:rerun>"]
        }
    }

    static let epochs = 6
    static let stepsPerEpoch = 10

    /// A run's config as `tracker train` reads it: it loads through `ExperimentPlan` (a test
    /// checks that), so the params the goldens show are those of a real run (`model.dropout`).
    static func config(dropout: Double, activation: String = "relu", depth: Int = 3, norm: String = "batch", seed: Int64 = 1) -> JSONValue {
        .object([
            "experiment": .string("overfitting"), "seed": .int(seed),
            "data": .object(["source": .string("fashion-mnist"), "subset": .object(["count": .int(1000)])]),
            "model": .object([
                "widths": .array(Array(repeating: .int(64), count: depth - 1)), "activation": .string(activation),
                "normalization": .string(norm), "norm_placement": .string("before"), "dropout": .double(dropout), "classes": .int(10),
            ]),
            "optimizer": .object(["type": .string("adam"), "lr": .double(0.001)]),
            "epochs": .int(Int64(epochs)), "batch_size": .int(64),
        ])
    }

    static func environment(threads: Int = 1) -> JSONValue {
        .object(["tool": .string("tracker 0.1.0"), "swift": .string("6.3.1"), "os": .string("Debian 12"),
                 "cpu": .string("AMD EPYC"), "blas": .string("OpenBLAS 0.3.21"), "blas_threads": .int(Int64(threads)),
                 "dataset": .string("fmnist:3f2a9c")])
    }

    /// Builds the study in a new database at `path`.
    @discardableResult
    static func build(at path: String) throws -> Runs {
        let store = try Store(path: path)
        let a = try record(store, name: "no-dropout", config: config(dropout: 0), overfit: 0.12)
        let b = try record(store, name: "dropout-0.5", config: config(dropout: 0.5), overfit: 0.03)
        let c = try record(store, name: "deep-sigmoid", config: config(dropout: 0, activation: "sigmoid", depth: 8, norm: "none", seed: 2),
                           overfit: 0.0, vanishing: true)
        let d = try record(store, name: "dropout-0.5-rerun", config: config(dropout: 0.5), overfit: 0.03,
                           parent: b, origin: .rerun, threads: 2)
        try store.setTag(run: b, key: "note", value: "baseline with dropout")
        return Runs(noDropout: a, dropout: b, sigmoid: c, rerun: d)
    }

    private static func record(_ store: Store, name: String, config: JSONValue, overfit: Double, vanishing: Bool = false,
                               parent: String? = nil, origin: RunOrigin = .new, threads: Int = 1) throws -> String {
        let seed = UInt64(config[path: "seed"]?.numberValue ?? 0)
        let rec = try store.startRun(RunStart(experiment: "overfitting", name: name, config: config, seed: seed,
                                              environment: environment(threads: threads), parent: parent, origin: origin))
        let dropout = config[path: "model.dropout"]?.numberValue ?? 0
        let depth = 3 + (vanishing ? 5 : 0)
        for epoch in 0..<epochs {
            for s in 0..<stepsPerEpoch {
                let step = epoch * stepsPerEpoch + s
                // Identical for the first steps, then dropout changes the curve (a divergence to find).
                let loss = 2.3 / (1 + Double(step) * 0.1) + (step >= 3 ? dropout * 0.01 * Double(step % 3) : 0)
                rec.log("train_loss", vanishing ? 2.3 - 0.001 * Double(step) : loss, step: step, epoch: epoch, wallTime: 1000 + Double(step))
                rec.log(gradStats: (0..<depth).map { layer in
                    let scale = vanishing ? pow(0.1, Double(depth - 1 - layer) * 0.6) : 0.5 + 0.1 * Double(layer)
                    return GradStat(tensor: "layers.\(layer).weight", step: step, epoch: epoch, l2: scale / (1 + 0.01 * Double(step)),
                                    mean: 0, std: scale / 10, maxAbs: scale / 2, zeroFraction: 0.01, updateRatio: 1e-3)
                } + [GradStat(tensor: "layers.0.bias", step: step, epoch: epoch, l2: 0.05, mean: 0, std: 0.01, maxAbs: 0.02, zeroFraction: 0)])
            }
            let step = (epoch + 1) * stepsPerEpoch - 1
            let progress = Double(epoch + 1) / Double(epochs)
            // Without dropout the validation accuracy peaks at epoch 3 and falls while training accuracy climbs.
            let trainAcc = vanishing ? 0.10 + 0.001 * Double(epoch) : 0.65 + 0.20 * progress + overfit * progress
            let valAcc = vanishing ? 0.10 : 0.70 + 0.20 * progress - (epoch >= 4 ? overfit * 0.5 * Double(epoch - 3) : 0)
            rec.log([("train_acc", trainAcc), ("val_acc", valAcc), ("val_loss", 1.2 - 0.6 * valAcc)], step: step, epoch: epoch, wallTime: 1000 + Double(step))
            if !vanishing {
                rec.log(bnStats: [BNStat(layer: "layers.0.bn", step: step, epoch: epoch, runningMean: [0.1 * Float(epoch), -0.2, 0.05],
                                         runningVar: [1 + 0.1 * Float(epoch), 0.9, 1.1])])
            }
            if epoch == 4 && overfit > 0.1 {
                rec.event("overfitting", "val_acc fell while train_acc rose (gap \(String(format: "%.3f", trainAcc - valAcc)))", level: .warning, step: step, epoch: epoch)
            }
        }
        if vanishing { rec.event("vanishing_gradients", "layers.0.weight gradient is 1e-4 of the last layer's", level: .warning, step: 0, epoch: 0) }
        try rec.saveCheckpoint(Array("checkpoint of \(name) at the end".utf8), step: epochs * stepsPerEpoch - 1, epoch: epochs - 1, kind: .last)
        try rec.finish(.finished)
        return rec.runID
    }
}
