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
        var fits: [String: [Int: PriorFit]] = [:]
        for f in try s.priorFits(run: run) { fits[f.tensor, default: [:]][f.step] = f.fit }
        func fit(_ h: HistogramRecord) -> PriorFit? { fits[h.tensor]?[h.step] }
        if format == .json {
            let data = try JSONEncoder().encode(shown.map { FittedHistogram(histogram: $0, fit: fit($0)) })
            Console.out(String(decoding: data, as: UTF8.self))
            return
        }
        for h in shown {
            let top = Double(max(1, h.counts.max() ?? 1))
            let total = h.counts.reduce(0) { $0 + Int($1) }
            let centre = h.counts.count / 2
            let zeroShare = total > 0 ? Double(h.counts[centre]) / Double(total) : 0
            Console.out(String(format: "%@ epoch %3d [%+.3f %@ %+.3f]  centre bin %.1f%%", h.tensor, h.epoch ?? 0, h.lo, Self.bars(h.counts.map(Double.init), top: top), h.hi, zeroShare * 100))
            guard let f = fit(h) else { continue }
            // The fitted densities as expected counts per bin, on the same scale as the weights' bars.
            let pad = String(repeating: " ", count: h.tensor.count + 10)
            for prior in PriorFit.Prior.allCases {
                let expected = f.expectedCounts(prior, bins: h.counts.count, lo: h.lo, hi: h.hi)
                let (scale, ll) = prior == .laplace ? ("b", f.laplaceLogLikelihood) : ("σ", f.gaussianLogLikelihood)
                let label = (prior == .laplace ? "laplace " : "gaussian").padding(toLength: 8, withPad: " ", startingAt: 0)
                Console.out("\(pad)\(label) \(Self.bars(expected, top: top))  \(scale)=\(Format.number(prior == .laplace ? f.laplaceScale : f.gaussianStd)) log-lik/weight \(Format.number(ll))"
                            + (f.better == prior ? "  ← fits better" : ""))
            }
        }
    }

    /// Bars on a log scale so the tails show beside a tall centre bin (` ` for an empty bin).
    static func bars(_ counts: [Double], top: Double) -> String {
        let blocks = Array(" ▁▂▃▄▅▆▇█")
        return String(counts.map { c in
            guard c.isFinite, c >= 0.5 else { return " " }
            return blocks[min(8, max(1, Int((log(c + 1) / log(top + 1) * 8).rounded())))]
        })
    }
}

/// A histogram with the Laplace and Gaussian fits recorded beside it (`tracker hist --format json`).
struct FittedHistogram: Encodable {
    var histogram: HistogramRecord
    var fit: PriorFit?

    func encode(to encoder: any Encoder) throws {
        try histogram.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(fit, forKey: .fit)
    }

    enum CodingKeys: String, CodingKey { case fit }
}
