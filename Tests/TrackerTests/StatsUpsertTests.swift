import Foundation
import Testing
@testable import Tracker

/// Gradient and layer statistics are written by multi-row upserts on PostgreSQL and one row at
/// a time on SQLite: both stores must hold the same rows, the last value logged at a
/// (tensor, step) winning, over more rows than one multi-row statement carries.
@Suite("Statistics upserts: multi-row on PostgreSQL, the same rows as one by one")
struct StatsUpsertTests {
    @Test("seeded grad and layer statistics with repeated keys, across chunks, read back as the last logged", arguments: TestBackend.all)
    func lastWins(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("s.db"))
        let rec = try store.startRun(sampleStart("stats"), batchSize: 5_000)
        var r = SplitMix64(state: 41)
        var grads: [String: GradStat] = [:], layers: [String: LayerStat] = [:]
        var gradBatch: [GradStat] = [], layerBatch: [LayerStat] = []
        for _ in 0..<3_000 {
            let tensor = "layers.\(r.next() % 7).weight", step = Int(r.next() % 300)
            let v = Double(Int64(bitPattern: r.next() % 2_000_000) - 1_000_000) / 1000
            let g = GradStat(tensor: tensor, step: step, epoch: step / 100, l2: abs(v), mean: v, std: 1, maxAbs: abs(v), zeroFraction: 0.5, updateRatio: r.next() % 5 == 0 ? nil : v)
            gradBatch.append(g); grads["\(tensor)@\(step)"] = g
            let l = LayerStat(layer: "layers.\(r.next() % 5)", stat: r.next() % 2 == 0 ? "dead_fraction" : "mean", step: step, epoch: step / 100, value: v)
            layerBatch.append(l); layers["\(l.layer)/\(l.stat)@\(step)"] = l
        }
        rec.log(gradStats: gradBatch)
        rec.log(layerStats: layerBatch)
        try rec.finish(.finished)
        let run = try store.resolveRun(rec.runID)
        let storedGrads = try store.gradStats(run: run.id)
        #expect(storedGrads.count == grads.count)
        for g in storedGrads {
            let want = grads["\(g.tensor)@\(g.step)"]
            #expect(want?.mean == g.mean && want?.epoch == g.epoch && want?.updateRatio == g.updateRatio, "\(g.tensor)@\(g.step)")
        }
        let storedLayers = try store.layerStats(run: run.id)
        #expect(storedLayers.count == layers.count)
        for l in storedLayers { #expect(layers["\(l.layer)/\(l.stat)@\(l.step)"] == l) }
    }
}
