import ArgumentParser
import Foundation
import Tracker

/// `tracker-bench fashion`: `examples/fashion.yaml` as a whole `tracker train` process
/// against `benchmarks/fashion_torch.py` (the same model, optimizer, schedule, augmentation,
/// split, batches and threads), wall time, peak RSS and test accuracy of each.
///
/// Same work on both sides: tracker evaluates, every epoch, an evenly strided 10,000-sample
/// subset of the training set and the validation set (loss and accuracy), and the test set
/// at the end; the peer evaluates the validation set every epoch and the test set at the end,
/// and is run with `--evaluate-like-tracker`, which adds the same training subset every epoch.
struct FashionBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fashion",
        abstract: "examples/fashion.yaml whole process against its PyTorch peer: wall, peak RSS, test accuracy.")

    @OptionGroup var sides: WholeProcessOptions
    @Option(help: "The config.")
    var config = "examples/fashion.yaml"
    @Option(help: "The PyTorch peer script.")
    var peerScript = "benchmarks/fashion_torch.py"
    @Option(help: "Epochs (both sides; the config's own count when 0).")
    var epochs = 0
    @Option(help: "Alternating pairs measured; medians are quoted.")
    var repeats = 1

    func validate() throws {
        try sides.check(repeats: repeats)
        guard (0...1_000).contains(epochs) else { throw ValidationError("--epochs must be in 0…1000, got \(epochs)") }
    }

    func run() throws {
        // The same epoch count on both sides: `--set epochs=N` for tracker, `--epochs N` for the peer.
        let set = epochs > 0 ? ["--set", "epochs=\(epochs)"] : []
        let figures = try sides.measure(
            config: config, trainArguments: set, repeats: repeats,
            peer: [peerScript, "--evaluate-like-tracker"] + (epochs > 0 ? ["--epochs", "\(epochs)"] : []),
            extraOurs: { db in try Self.testAccuracy(db) },
            extraPeer: { p in peerResult(p.output)?["test_acc"] as? Double })
        figures.print(label: "tracker train \(config)", extraName: "test acc", bars: [
            ("wall ≥ 1.8× faster than PyTorch", { o, p in p.map { $0.wall / o.wall >= 1.8 } }),
            ("test accuracy within ±0.005 of PyTorch's", { o, p in
                guard let p, !p.extra.isEmpty, !o.extra.isEmpty else { return nil }
                return abs(median(o.extra) - median(p.extra)) <= 0.005
            }),
        ])
    }

    /// The final `test_acc` of the one run in the store at `db`.
    static func testAccuracy(_ db: String) throws -> Double {
        let store = try Store(path: db)
        guard let run = try store.runs().first else { throw BenchError("no run in \(db)") }
        guard let last = try store.metricSeries(run: run.id, key: "test_acc").last else {
            throw BenchError("run \(run.id) has no test_acc")
        }
        return last.value
    }
}
