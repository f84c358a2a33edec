import ArgumentParser
import Foundation
import Tracker

/// `tracker hist RUN`: the recorded weight histograms of a run, per tensor, per epoch.
struct HistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hist", abstract: "Show a run's weight histograms per layer and epoch (recorded with logging.histograms: true).")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The run id (any unique prefix).") var runID: String
    @Option(help: "Only this tensor (e.g. layers.0.weight).") var tensor: String?
    @Option(help: "Only this epoch (default: first and last).") var epoch: Int?
    @Option var format: OutputFormat = .table

    func validate() throws { try OptionBounds.check(epoch, "epoch", OptionBounds.epoch) }

    func run() throws {
        let s = try store.openForReading()
        let run = try s.runRef(runID)
        let all = try s.histograms(run: run, tensor: tensor)
        guard !all.isEmpty else { throw TrackerError.invalidArgument("run \(run.id) has no histograms; train with logging.histograms: true") }
        let epochs = Set(all.compactMap(\.epoch))
        let chosen = epoch.map { [$0] } ?? [epochs.min(), epochs.max()].compactMap { $0 }
        let shown = all.filter { chosen.contains($0.epoch ?? -1) }
        if format == .json {
            let data = try JSONEncoder().encode(shown)
            Console.out(String(decoding: data, as: UTF8.self))
            return
        }
        let blocks = Array(" ▁▂▃▄▅▆▇█")
        for h in shown {
            let top = max(1, h.counts.max() ?? 1)
            // Log scale so the tails show beside a tall centre bin.
            let bars = String(h.counts.map { c in c == 0 ? " " : blocks[max(1, Int((log(Double(c) + 1) / log(Double(top) + 1) * 8).rounded()))] })
            let total = h.counts.reduce(0) { $0 + Int($1) }
            let centre = h.counts.count / 2
            let zeroShare = total > 0 ? Double(h.counts[centre]) / Double(total) : 0
            Console.out(String(format: "%@ epoch %3d [%+.3f %@ %+.3f]  centre bin %.1f%%", h.tensor, h.epoch ?? 0, h.lo, bars, h.hi, zeroShare * 100))
        }
    }
}
