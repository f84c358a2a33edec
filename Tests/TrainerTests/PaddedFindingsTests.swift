import Foundation
import Testing
import Tracker
@testable import Trainer

/// Raises the interrupt flag once training reaches `step`, as Ctrl-C would.
private final class StopAt: ProgressReporter {
    let step: Int
    let flag: InterruptFlag
    init(step: Int, flag: InterruptFlag) { self.step = step; self.flag = flag }
    func report(_ update: ProgressUpdate) {
        if case .step(_, _, let s, _, _) = update, s >= step { flag.raise(SIGINT) }
    }
}

/// LayerNorm vs BatchNorm on padded sequences, held on short real runs through the
/// predicates the padded study's report uses (`Findings.padded`), and the reproducibility
/// contract for sequence models.
@Suite("Findings: LayerNorm vs BatchNorm on padded sequences", .serialized)
struct PaddedFindingsTests {
    static let config = """
        experiment: padded
        seed: 8
        data:
          source: sequences
          size: 2000
          validation: 500
          test: 200
          classes: 4
          features: 8
          length: 24
          noise: 1.0
          lengths: {min: 16, max: 24}
          shifted: {lengths: {min: 3, max: 8}, size: 1000}
        model: {widths: [32, 32], activation: relu}
        optimizer: {type: adam, lr: 0.003}
        epochs: 4
        batch_size: 32
        logging: {layer_stats_every: 25, checkpoint_every: 0, keep_best: false}
        sweep:
          grid:
            data.offset: [0, 3]
          variants:
            - {name: none, set: {model.normalization: none}}
            - {name: batchnorm, set: {model.normalization: batch}}
            - {name: layernorm, set: {model.normalization: layer}}
        """

    @Test("trained on ≈ 17% pads, evaluated on ≈ 77%: LayerNorm and BatchNorm (running statistics) both hold up; BatchNorm with batch statistics breaks once the real tokens' mean differs from the pad vector")
    func paddedSequences() throws {
        let (store, byName) = try FindingsTests.train(Self.config)
        #expect(byName.count == 6)
        func m(_ name: String, _ metric: String) throws -> Double { try #require(byName[name]?.metrics[metric]?.last) }
        // Every run logs both evaluation sets each epoch; only BatchNorm runs log batch statistics.
        for name in byName.keys {
            #expect(try store.metricSeries(run: try #require(byName[name]).run.id, key: "shifted_acc").count == 4, "\(name)")
            #expect((byName[name]?.metrics["shifted_acc_batch_stats"] != nil) == name.hasPrefix("batchnorm"), "\(name)")
        }
        #expect(try !store.bnStats(run: try #require(byName["batchnorm offset=3"]).run.id).isEmpty)
        let findings = try FindingsTests.findings(Findings.padded, store, byName)
        #expect(findings.count == 6)
        func finding(_ offset: String, _ prefix: String) throws -> Finding {
            try #require(findings.first { $0.claim.contains(offset) && $0.claim.contains(prefix) })
        }
        // Measured (seed 8, 4 epochs), val_acc → shifted_acc —
        // offset 0: none 0.890 → 0.841, BatchNorm 0.896 → 0.863, LayerNorm 0.820 → 0.765;
        // offset 3: none 0.808 → 0.763, BatchNorm 0.866 → 0.806, LayerNorm 0.814 → 0.738.
        // BatchNorm with batch statistics on the shifted set: 0.856 (offset 0), 0.661 (offset 3).
        #expect(try finding("offset 0", "LayerNorm is robust").holds)
        for offset in ["offset 0", "offset by 3"] {
            // Against the expectation: in evaluation mode BatchNorm's running statistics are fixed,
            // so the pads of the shifted set never reach the real tokens; it drops no more than LayerNorm.
            #expect(try !finding(offset, "in evaluation mode").holds)
        }
        #expect(try !finding("offset 0", "own statistics").holds)
        #expect(try finding("offset by 3", "own statistics").holds)
        for offset in ["0", "3"] {
            let bn = try m("batchnorm offset=\(offset)", "val_acc") - m("batchnorm offset=\(offset)", "shifted_acc")
            let ln = try m("layernorm offset=\(offset)", "val_acc") - m("layernorm offset=\(offset)", "shifted_acc")
            #expect(bn <= ln + 0.01, "offset \(offset): BatchNorm drop \(bn), LayerNorm drop \(ln)")
        }
        // The mechanism: normalising by the shifted batch's statistics costs little when pads sit
        // at the tokens' mean, much when they do not.
        let centred = try m("batchnorm offset=0", "shifted_acc") - m("batchnorm offset=0", "shifted_acc_batch_stats")
        let offset = try m("batchnorm offset=3", "shifted_acc") - m("batchnorm offset=3", "shifted_acc_batch_stats")
        #expect(centred < 0.03, "offset 0: \(centred)")
        #expect(offset > 0.1, "offset 3: \(offset)")
        #expect(try abs(m("batchnorm offset=3", "val_acc") - m("batchnorm offset=3", "val_acc_batch_stats")) < 0.02)
    }

    @Test("a sequence run interrupted mid-epoch and resumed ends bit-identical to an uninterrupted one (BatchNorm running statistics, shifted metrics and all)")
    func resumeBitIdentical() throws {
        let yaml = Self.config.replacingOccurrences(of: "size: 2000", with: "size: 600")
            .replacingOccurrences(of: "validation: 500", with: "validation: 100")
            .replacingOccurrences(of: "epochs: 4", with: "epochs: 3")
            .replacingOccurrences(of: "checkpoint_every: 0", with: "checkpoint_every: 1")
            .replacingOccurrences(of: "layer_stats_every: 25", with: "layer_stats_every: 4")
        let planned = try #require(try ExperimentPlan.plan(ConfigDocument.parse(yaml)).first { $0.name == "batchnorm offset=3" })
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("padded-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(path: dir.appendingPathComponent("t.db").path)
        let straight = try ExperimentRunner(store: store).train(planned)
        #expect(straight.status == .finished)
        let flag = InterruptFlag()
        let stopped = try ExperimentRunner(store: store, progress: StopAt(step: 23, flag: flag), interrupt: flag).train(planned)
        #expect(stopped.status == .interrupted)
        let resumed = try ExperimentRunner(store: store).resume(stopped.runID)
        #expect(resumed.status == .finished)
        let comparison = try Reproduction.compare(store: store, original: straight.runID, rerun: stopped.runID)
        #expect(comparison.identical, "\(comparison.summary)")
        #expect(comparison.keys.contains("shifted_acc") && comparison.keys.contains("shifted_acc_batch_stats"))
        let a = try store.bnStats(run: straight.runID), b = try store.bnStats(run: stopped.runID)
        #expect(!a.isEmpty && a == b)
    }
}
