import Foundation
import Testing
@testable import Tracker

@Suite("Diffs, comparisons and gradient verdicts")
struct CompareTests {
    func points(_ values: [Double], steps: [Int]? = nil) -> [MetricPoint] {
        zip(steps ?? Array(values.indices), values).map { MetricPoint(key: "loss", step: $0, value: $1, wallTime: 0) }
    }

    @Test("first divergence: bitwise values, missing steps, NaN equals NaN, identical series")
    func divergence() {
        let d = RunDiff.firstDivergence(key: "loss", points([1, 2, 3, 4]), points([1, 2, 3.0000000000000004, 4]))
        #expect(d.step == 2 && d.a == 3 && d.b == 3.0000000000000004 && d.matchingPoints == 2)
        let same = RunDiff.firstDivergence(key: "loss", points([1, .nan, 3]), points([1, .nan, 3]))
        #expect(same.identical && same.matchingPoints == 3)
        let shorter = RunDiff.firstDivergence(key: "loss", points([1, 2, 3]), points([1, 2]))
        #expect(shorter.step == 2 && shorter.a == 3 && shorter.b == nil)
        let gap = RunDiff.firstDivergence(key: "loss", points([1, 2], steps: [0, 2]), points([1, 2], steps: [0, 1]))
        #expect(gap.step == 1 && gap.a == nil && gap.b == 2)
        // -0.0 and 0.0 differ bitwise (as far as the store keeps them apart).
        #expect(RunDiff.firstDivergence(key: "loss", points([0.0]), points([-0.0])).step == 0)
    }

    @Test("JSON diff by path: nested objects, arrays by index, int equals double")
    func jsonDiff() throws {
        let a = try JSONValue.parse(#"{"model":{"layers":[{"w":64},{"w":32}],"norm":"batch"},"lr":1,"seed":3}"#)
        let b = try JSONValue.parse(#"{"model":{"layers":[{"w":64},{"w":16},{"w":10}],"residual":true},"lr":1.0,"seed":3}"#)
        let changes = JSONDiff.changes(a, b)
        #expect(changes.map(\.path) == ["model.layers.1.w", "model.layers.2", "model.norm", "model.residual"])
        #expect(changes[1].a == nil && changes[1].b == .object(["w": .int(10)]))
        #expect(changes[2].b == nil)
    }

    @Test("diff and compare on stored runs: params, architecture, environment, gap, best epoch", arguments: TestBackend.all)
    func stored(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let store = try Store(path: tmp.store("c.db"))
        func run(_ name: String, dropout: Double, residual: Bool, threads: Int, val: [Double]) throws -> String {
            let rec = try store.startRun(RunStart(experiment: "e", name: name,
                config: .object(["dropout": .double(dropout), "model": .object(["residual": .bool(residual), "depth": .int(4)])]), seed: 1,
                environment: .object(["blas_threads": .int(Int64(threads))])))
            for (epoch, v) in val.enumerated() {
                rec.log([("train_acc", 0.9 + 0.01 * Double(epoch)), ("val_acc", v), ("val_loss", 1 - v)], step: epoch * 10 + 9, epoch: epoch)
            }
            try rec.finish(.finished)
            return rec.runID
        }
        let a = try run("plain", dropout: 0, residual: false, threads: 1, val: [0.7, 0.8, 0.75])
        let b = try run("dropout", dropout: 0.5, residual: true, threads: 2, val: [0.7, 0.78, 0.85])
        let diff = try store.diff(a, String(b.prefix(6)))
        #expect(diff.params.map(\.key) == ["dropout", "model.residual"])
        #expect(diff.architecture.map(\.path) == ["model.residual"])
        #expect(diff.environment.map(\.path) == ["blas_threads"])
        let val = try #require(diff.metrics.first { $0.key == "val_acc" })
        #expect(val.finalA == 0.75 && val.finalB == 0.85 && val.bestA == 0.8 && val.bestStepA == 19)
        #expect(abs((val.finalDelta ?? 0) - 0.1) < 1e-12)
        #expect(diff.divergences.first { $0.key == "val_acc" }?.step == 19)
        #expect(diff.divergences.first { $0.key == "train_acc" }?.identical == true)

        let c = try store.compare(runs: [a, b])
        #expect(c.metrics == ["train_acc", "val_acc", "val_loss"])
        #expect(c.paramKeys == ["dropout", "model.residual"])
        #expect(c.rows.map(\.bestEpoch) == [1, 2])
        #expect(abs((c.rows[0].gap ?? 0) - (0.92 - 0.75)) < 1e-12)
        let byFilter = try store.compare(where: "params.dropout = 0.5", metrics: ["val_loss"], valMetric: "val_loss")
        #expect(byFilter.rows.map(\.run.id) == [b])
        #expect(byFilter.rows.first?.bestEpoch == 2, "lowest val_loss")
    }

    func grads(_ norm: (Int, Int) -> Double, layers: Int = 4, steps: Int = 20) -> [GradStat] {
        (0..<steps).flatMap { s in
            (0..<layers).map { l in GradStat(tensor: "layers.\(l).weight", step: s, l2: norm(l, s), mean: 0, std: 0, maxAbs: 0, zeroFraction: 0) }
        }
    }

    @Test("gradient verdicts: vanishing, exploding (large or growing), healthy")
    func verdicts() {
        let vanishing = GradientReport(stats: grads { l, _ in pow(10, Double(l) * 2 - 8) })
        #expect(vanishing.verdict == .vanishing)
        #expect(vanishing.firstWeight == "layers.0.weight" && vanishing.lastWeight == "layers.3.weight")
        #expect(abs((vanishing.firstLastRatio ?? 0) - 1e-6) < 1e-9)
        #expect(GradientReport(stats: grads { _, s in s == 15 ? 5e3 : 1 }).verdict == .exploding)
        #expect(GradientReport(stats: grads { _, s in pow(2, Double(s)) }).verdict == .exploding)
        #expect(GradientReport(stats: grads { _, s in s == 3 ? .nan : 1 }).verdict == .exploding)
        let healthy = GradientReport(stats: grads { l, _ in 0.5 + 0.1 * Double(l) })
        #expect(healthy.verdict == .healthy)
        #expect(healthy.norms.count == 4 && healthy.norms[0].count == 20)
        #expect(GradientReport(stats: []).verdict == .unknown)
    }
}
