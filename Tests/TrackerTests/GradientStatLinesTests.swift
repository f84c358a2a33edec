import Foundation
import Testing
@testable import Tracker

/// The per-layer line view's read: one line per tensor in depth order, every stored value of
/// the chosen statistic (NaN and missing update ratios kept as NaN), and which statistics exist.
@Suite("Gradient statistic lines")
struct GradientStatLinesTests {
    static func value(_ g: GradStat, _ s: GradientStatistic) -> Double {
        switch s {
        case .l2: g.l2
        case .mean: g.mean
        case .std: g.std
        case .maxAbs: g.maxAbs
        case .zeroFraction: g.zeroFraction
        case .updateRatio: g.updateRatio ?? .nan
        }
    }

    @Test("seeded statistics of tensors logged out of depth order: the lines hold every stored value, in the heat map's order", arguments: [11, 12] as [UInt64])
    func linesEqualStored(seed: UInt64) throws {
        let tmp = TempDir()
        let store = try Store(path: tmp.path("g.db"))
        let rec = try store.startRun(sampleStart())
        var rng = SplitMix64(state: seed)
        func v() -> Double {
            switch rng.below(20) {
            case 0: return .nan
            case 1: return .infinity
            default: return (rng.unit() - 0.5) * pow(10, Double(rng.below(30)) - 15)
            }
        }
        // layers.10 first: recording order is not depth order.
        let tensors = ["layers.10.weight", "layers.2.weight", "layers.2.bias", "layers.0.weight"]
        var logged: [GradStat] = []
        for step in stride(from: 0, to: 400, by: 1 + rng.below(3)) {
            for t in tensors where rng.below(8) != 0 {  // some steps lack some tensors
                logged.append(GradStat(tensor: t, step: step, epoch: step / 100, l2: v(), mean: v(), std: v(), maxAbs: v(), zeroFraction: rng.unit(),
                                       updateRatio: nil))
            }
        }
        rec.log(gradStats: logged)
        try rec.finish(.finished)
        let order = try store.gradientReport(run: rec.runID).tensors
        #expect(order == ["layers.0.weight", "layers.2.bias", "layers.2.weight", "layers.10.weight"], "depth order")
        for statistic in GradientStatistic.allCases {
            let lines = try store.gradientStatLines(run: rec.runID, statistic: statistic)
            #expect(lines.statistic == statistic)
            #expect(lines.lines.map(\.tensor) == order, "the heat map's row order")
            #expect(lines.available == GradientStatistic.allCases.filter { $0 != .updateRatio }, "no update ratio was logged")
            for line in lines.lines {
                let want = logged.filter { $0.tensor == line.tensor }.sorted { $0.step < $1.step }
                #expect(line.points.map { Int($0.x) } == want.map(\.step))
                for (p, g) in zip(line.points, want) {
                    let w = Self.value(g, statistic)
                    #expect(p.y == w || (p.y.isNaN && w.isNaN), "\(statistic) \(line.tensor) step \(g.step): \(p.y) vs \(w)")
                }
            }
        }
        let empty = try store.startRun(sampleStart("empty"))
        try empty.finish(.finished)
        let none = try store.gradientStatLines(run: empty.runID, statistic: .l2)
        #expect(none.lines.isEmpty && none.available.isEmpty)
    }
}
