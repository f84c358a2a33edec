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

    @Option(help: "The tracker executable (a release build).")
    var tracker = ".build/release/tracker"
    @Option(help: "The config.")
    var config = "examples/fashion.yaml"
    @Option(help: "Python with torch installed.")
    var python = "/tmp/peers-venv/bin/python"
    @Option(help: "The PyTorch peer script.")
    var peerScript = "benchmarks/fashion_torch.py"
    @Option(help: "Epochs (both sides; the config's own count when 0).")
    var epochs = 0
    @Option(help: "Alternating pairs measured; medians are quoted.")
    var repeats = 1
    @Flag(help: "Skip the PyTorch peer.")
    var skipPeer = false

    func run() throws {
        var trainConfig = config
        var tmpConfig: String?
        if epochs > 0 {
            // `tracker train` takes --set; the config file itself stays untouched.
            let text = try String(contentsOfFile: config, encoding: .utf8)
            let path = NSTemporaryDirectory() + "fashion-bench-\(getpid()).yaml"
            try (text + "\nepochs: \(epochs)\n").replacingOccurrences(of: "\nepochs: 20\n", with: "\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
            trainConfig = path
            tmpConfig = path
        }
        defer { if let tmpConfig { unlink(tmpConfig) } }
        let figures = try measureTracker(
            tracker: tracker, config: trainConfig, repeats: repeats,
            extraOurs: { db in try Self.testAccuracy(db) },
            extraPeer: { p in Self.peerAccuracy(p.output) }) { [self] in
            guard !skipPeer else { return nil }
            var args = [peerScript, "--evaluate-like-tracker"]
            if epochs > 0 { args += ["--epochs", "\(epochs)"] }
            let p = try MeasuredProcess.run(python, args)
            guard p.status == 0 else { throw BenchError("PyTorch peer failed (\(p.status)):\n\(p.output)") }
            return p
        }
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

    /// `test_acc` from the peer's RESULT line.
    static func peerAccuracy(_ output: String) -> Double? {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }),
              let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8)) as? [String: Any]
        else { return nil }
        return json["test_acc"] as? Double
    }
}
