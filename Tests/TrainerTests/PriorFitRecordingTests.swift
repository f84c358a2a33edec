import Foundation
import Testing
import Tracker
@testable import Trainer

/// The training loop records the Laplace and Gaussian fits of every weight tensor beside
/// its histogram, each epoch; the stored fit is that of the weights the run ended with.
@Suite("Prior fits recorded by the training loop")
struct PriorFitRecordingTests {
    @Test("one fit a weight tensor an epoch, with histograms only; the last equals PriorFit.fit of the last checkpoint's weights")
    func recordedFitsMatchTheWeights() throws {
        let yaml = """
            experiment: fits
            seed: 4
            epochs: 3
            batch_size: 16
            data: {source: moons, size: 96, validation: 0.25}
            model: {depth: 2, width: 12, activation: relu}
            regularization: {l1: 0.001}
            logging: {layer_stats_every: 0, checkpoint_every: 0, keep_best: false, histograms: true}
            """
        let (store, runs) = try FindingsTests.train(yaml)
        let run = try #require(runs.values.first)
        let fits = try store.priorFits(run: run.run.id)
        let hists = try store.histograms(run: run.run.id)
        #expect(fits.count == 3 * 3 && hists.count == 3 * 3, "3 weight tensors × 3 epochs")
        #expect(Set(fits.map { "\($0.tensor)@\($0.step)" }) == Set(hists.map { "\($0.tensor)@\($0.step)" }))
        for (f, h) in zip(fits.sorted { ($0.tensor, $0.step) < ($1.tensor, $1.step) }, hists.sorted { ($0.tensor, $0.step) < ($1.tensor, $1.step) }) {
            #expect(f.fit.count == Int(h.counts.reduce(0, +)), "every weight is in the histogram and the fit")
        }
        let last = try #require(try store.checkpoints(run: run.run.id).last)
        let state = try StateDict(payload: try store.checkpointData(last))
        let lastStep = try #require(fits.map(\.step).max())
        for f in fits where f.step == lastStep {
            guard case .tensor(_, let values)? = state[f.tensor] else {
                Issue.record("no weights \(f.tensor) in the checkpoint"); continue
            }
            #expect(PriorFit.fit(values) == f.fit, "\(f.tensor)")
        }
        let without = try FindingsTests.train(yaml.replacingOccurrences(of: "histograms: true", with: "histograms: false"))
        #expect(try without.0.priorFits(run: try #require(without.1.values.first).run.id).isEmpty)
    }
}
