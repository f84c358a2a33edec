import ArgumentParser
import Foundation
import Tracker

/// `tracker-bench process`: the whole `tracker train` process (start, data load, training,
/// evaluation, recording everything, exit) against the PyTorch peer's whole process, wall
/// time and peak RSS, alternating the two `repeats` times.
struct ProcessBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Whole-process wall time and peak memory of `tracker train` (2 epochs of model A) against PyTorch.")

    @Option(help: "The tracker executable (a release build).")
    var tracker = ".build/release/tracker"
    @Option(help: "The config trained (model A, 2 epochs, everything recorded).")
    var config = "benchmarks/model-a.yaml"
    @Option(help: "Python with torch installed.")
    var python = "/tmp/peers-venv/bin/python"
    @Option(help: "The PyTorch peer script.")
    var peerScript = "../shared/peers/train_torch.py"
    @Option(help: "Alternating pairs measured; medians are quoted.")
    var repeats = 3
    @Flag(help: "Skip the PyTorch peer.")
    var skipPeer = false

    func run() throws {
        let ours = try measureTracker(tracker: tracker, config: config, repeats: repeats) { [self] in
            skipPeer ? nil : try peer()
        }
        ours.print(label: "tracker train \(config)", bars: [
            ("wall ≤ 2.0 s", { o, _ in o.wall <= 2.0 }),
            ("wall ≤ 0.3× PyTorch", { o, p in p.map { o.wall <= 0.3 * $0.wall } }),
            ("peak RSS ≤ 150 MB", { o, _ in o.rss <= 150 }),
        ])
    }

    private func peer() throws -> MeasuredProcess {
        let p = try MeasuredProcess.run(python, [peerScript, "--model", "A", "--epochs", "2"])
        guard p.status == 0 else { throw BenchError("PyTorch peer failed (\(p.status)):\n\(p.output)") }
        return p
    }
}

/// Medians of alternating whole-process measurements of tracker and its peer.
struct WholeProcessFigures {
    struct Side { var wall: Double; var rss: Double; var walls: [Double]; var rsses: [Double]; var extra: [Double] }
    var ours: Side
    var peer: Side?

    func print(label: String, extraName: String? = nil,
               bars: [(String, (Side, Side?) -> Bool?)]) {
        func describe(_ s: Side) -> String {
            var line = String(format: "wall %.2f s (%.2f–%.2f), peak RSS %.0f MB (%.0f–%.0f)", s.wall, s.walls.min() ?? 0, s.walls.max() ?? 0,
                              s.rss, s.rsses.min() ?? 0, s.rsses.max() ?? 0)
            if let extraName, !s.extra.isEmpty { line += String(format: ", %@ %.4f (%@)", extraName, Trainer_median(s.extra), s.extra.map { String(format: "%.4f", $0) }.joined(separator: ", ")) }
            return line
        }
        Swift.print("\nsummary (median of \(ours.walls.count); range in brackets)")
        Swift.print("  \(label): \(describe(ours))")
        if let p = peer {
            Swift.print("  PyTorch: \(describe(p))")
            Swift.print(String(format: "  ratio: %.2f× faster (tracker wall %.2f of PyTorch's), memory %.2f× of PyTorch's",
                               p.wall / ours.wall, ours.wall / p.wall, ours.rss / p.rss))
        }
        for (name, test) in bars {
            guard let ok = test(ours, peer) else { continue }
            Swift.print("  bar \(name): \(ok ? "met" : "NOT met")")
        }
    }
}

func Trainer_median(_ v: [Double]) -> Double { median(v) }

/// Runs `tracker train config` into a fresh store and the peer, alternating, `repeats` times.
/// `extra` reads a figure (test accuracy) from each side after its run.
func measureTracker(tracker: String, config: String, repeats: Int, extraOurs: ((String) throws -> Double)? = nil,
                    extraPeer: ((MeasuredProcess) -> Double?)? = nil,
                    peer: () throws -> MeasuredProcess?) throws -> WholeProcessFigures {
    guard FileManager.default.isExecutableFile(atPath: tracker) else {
        throw BenchError("\(tracker) is not an executable; build it: swift build -c release --product tracker")
    }
    var ours = WholeProcessFigures.Side(wall: 0, rss: 0, walls: [], rsses: [], extra: [])
    var theirs = WholeProcessFigures.Side(wall: 0, rss: 0, walls: [], rsses: [], extra: [])
    for i in 1...max(1, repeats) {
        let dir = NSTemporaryDirectory() + "tracker-bench-process-\(getpid())-\(i)"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/bench.db"
        let t = try MeasuredProcess.run(tracker, ["train", config, "--db", db])
        guard t.status == 0 else { throw BenchError("tracker train failed (\(t.status)):\n\(t.output)") }
        ours.walls.append(t.wallSeconds); ours.rsses.append(t.peakRSSMegabytes)
        if let extraOurs { ours.extra.append(try extraOurs(db)) }
        Swift.print(String(format: "tracker %d: wall %.2f s, peak RSS %.0f MB", i, t.wallSeconds, t.peakRSSMegabytes))
        if let p = try peer() {
            theirs.walls.append(p.wallSeconds); theirs.rsses.append(p.peakRSSMegabytes)
            if let e = extraPeer?(p) { theirs.extra.append(e) }
            Swift.print(String(format: "PyTorch %d: wall %.2f s, peak RSS %.0f MB", i, p.wallSeconds, p.peakRSSMegabytes))
        }
    }
    ours.wall = median(ours.walls); ours.rss = median(ours.rsses)
    theirs.wall = median(theirs.walls); theirs.rss = median(theirs.rsses)
    return WholeProcessFigures(ours: ours, peer: theirs.walls.isEmpty ? nil : theirs)
}
