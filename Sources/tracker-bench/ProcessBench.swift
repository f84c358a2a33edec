import ArgumentParser
import Foundation

/// `tracker-bench process`: the whole `tracker train` process (start, data load, training,
/// evaluation, recording everything, exit) against the PyTorch peer's whole process, wall
/// time and peak RSS, alternating the two `repeats` times.
struct ProcessBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Whole-process wall time and peak memory of `tracker train` (2 epochs of model A) against PyTorch.")

    @OptionGroup var sides: WholeProcessOptions
    @Option(help: "The config trained (model A, 2 epochs, everything recorded).")
    var config = "benchmarks/model-a.yaml"
    @Option(help: "The PyTorch peer script.")
    var peerScript = "../shared/peers/train_torch.py"
    @Option(help: "Alternating pairs measured; medians are quoted.")
    var repeats = 3

    func validate() throws { try sides.check(repeats: repeats) }

    func run() throws {
        let figures = try sides.measure(config: config, repeats: repeats, peer: [peerScript, "--model", "A", "--epochs", "2"])
        figures.print(label: "tracker train \(config)", bars: [
            ("wall ≤ 2.0 s", { o, _ in o.wall <= 2.0 }),
            ("wall ≤ 0.3× PyTorch", { o, p in p.map { o.wall <= 0.3 * $0.wall } }),
            ("peak RSS ≤ 150 MB", { o, _ in o.rss <= 150 }),
        ])
    }
}
