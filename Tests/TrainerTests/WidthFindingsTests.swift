import Foundation
import Testing
import Tracker
@testable import Trainer

/// "ReLU beats sigmoid only when there are many nodes", held on short real runs on a small
/// synthetic set (3-class spirals, 10 hidden layers) through the predicates the width
/// study's report uses (`Findings.width`).
@Suite("Findings: width vs activation at fixed depth", .serialized)
struct WidthFindingsTests {
    @Test("at depth 10 ReLU does not beat sigmoid at width 2, its advantage grows with width, narrow ReLU nets lose more units, and sigmoid starves at every width")
    func widthVersusActivation() throws {
        let (store, byName) = try FindingsTests.train("""
            experiment: width
            seed: 6
            data: {source: spirals, size: 1500, classes: 3, noise: 0.2, validation: 0.2}
            model: {depth: 10, width: 64, activation: relu}
            optimizer: {type: adam, lr: 0.003}
            epochs: 8
            batch_size: 32
            logging: {layer_stats_every: 10, checkpoint_every: 0, keep_best: false}
            sweep:
              grid:
                model.width: [2, 4, 16, 64]
              variants:
                - {name: sigmoid, set: {model.activation: sigmoid}}
                - {name: relu, set: {model.activation: relu}}
            """)
        #expect(byName.count == 8)
        let findings = try Findings.width(StudyRuns(store: store, runs: Array(byName.values)))
        // Measured (seed 6, 8 epochs): val_acc ReLU vs sigmoid — width 2: 0.30 vs 0.30, 4: 0.67 vs 0.30,
        // 16: 0.75 vs 0.35, 64: 0.78 vs 0.35; ReLU dead units 0.85 at width 2, 0.20 at 64; sigmoid ratio ≈ 1e-7 to 1e-8.
        #expect(findings.count == 4)
        for f in findings { #expect(f.holds, "\(f.claim): \(f.measured)") }
        func acc(_ name: String) throws -> Double { try #require(byName[name]?.metrics["val_acc"]?.last) }
        #expect(try acc("relu width=64") - acc("sigmoid width=64") > 0.3)
        #expect(try abs(acc("relu width=2") - acc("sigmoid width=2")) < 0.05)
    }
}
