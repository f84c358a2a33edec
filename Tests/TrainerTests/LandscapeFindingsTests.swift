import Foundation
import Testing
import Tracker
@testable import Trainer

/// Li et al. (NeurIPS 2018, §6): without skip connections a deep net's loss landscape turns
/// chaotic, with them it stays nearly convex; at moderate depth both are smooth. Held by
/// short real runs on Fashion-MNIST (`examples/residual.yaml`, scaled down) with the
/// non-convexity share of `LandscapeCurvature` (|λmin/λmax| > 0.1 on a 15×15 plane).
@Suite("Findings: loss landscapes of plain and residual nets", .serialized, .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"), "Fashion-MNIST is missing: apt-get install dataset-fashion-mnist"))
struct LandscapeFindingsTests {
    @Test("a 40-layer plain net's landscape is markedly more non-convex than the residual net's; at depth 10 both are nearly convex")
    func plainVersusResidual() throws {
        let (store, runs) = try FindingsTests.train("""
            experiment: residual
            seed: 3
            data: {source: fashion-mnist, subset: {count: 2000, random: true, balanced: true}, validation: 500}
            model: {depth: 40, width: 32, activation: relu, normalization: batch}
            optimizer: {type: adam, lr: 0.0003}
            epochs: 2
            batch_size: 64
            logging: {layer_stats_every: 0, checkpoint_every: 0, keep_best: false}
            landscape: {grid: 15, span: 1.0, samples: 400}
            sweep:
              variants:
                - {name: plain, set: {model.residual_every: 0}}
                - {name: residual, set: {model.residual_every: 2}}
                - {name: plain-10, set: {model.depth: 10, model.residual_every: 0}}
                - {name: residual-10, set: {model.depth: 10, model.residual_every: 2}}
            """)
        func share(_ name: String) throws -> Double {
            let run = try #require(runs[name]).run.id
            let plane = try #require(try store.landscapes(run: run).last)
            #expect(plane.kind == .plane && plane.grid == 15 && plane.subsetSize == 400)
            // The centre is the minimum of the slice: the checkpoint sits in its basin.
            #expect(plane.centreLoss == plane.loss.filter(\.isFinite).min())
            return try #require(plane.curvature).nonConvexShare
        }
        // Measured (seeds 3 / 4): plain-40 0.79 / 0.72, residual-40 0.11 / 0.08,
        // plain-10 0.036 / 0.024, residual-10 0.018 / 0.006. The full study (31×31, 2,000
        // samples, 3 epochs): 0.18, 0.012, 0, 0. The share depends on the grid step and the training:
        // compare planes of one grid only.
        let plain = try share("plain"), residual = try share("residual")
        #expect(plain > 0.4, "plain-40 \(plain)")
        #expect(residual < 0.25, "residual-40 \(residual)")
        #expect(plain > residual + 0.3, "plain-40 \(plain) vs residual-40 \(residual)")
        let plain10 = try share("plain-10"), residual10 = try share("residual-10")
        #expect(plain10 < 0.15 && residual10 < 0.15, "depth 10: plain \(plain10), residual \(residual10)")
        #expect(plain > plain10 + 0.3, "depth makes the plain net's landscape chaotic: \(plain) vs \(plain10)")
        // The report states the same through Findings.residual's landscape predicates.
        let findings = try Findings.residual(StudyRuns(store: store, runs: Array(runs.values)))
        let landscapeFindings = findings.filter { $0.claim.contains("landscape") }
        #expect(landscapeFindings.count == 2 && landscapeFindings.allSatisfy(\.holds), "\(landscapeFindings)")
        // The chaotic one is the net that does not train: plain-40 stays near chance.
        #expect(try #require(runs["plain"]?.metrics["val_acc"]?.last) < 0.2)
        #expect(try #require(runs["residual"]?.metrics["val_acc"]?.last) > 0.25)
    }
}
