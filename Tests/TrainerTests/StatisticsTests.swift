import Testing
@testable import Trainer

@Suite("Training statistics")
struct StatisticsTests {
    @Test("per-parameter statistics match direct computation")
    func parameterStatistics() throws {
        let trainer = try ModelTrainer(
            spec: .mlp(input: 4, hidden: [16], classes: 3, activation: .relu, normalization: .batch),
            optimizer: .adam(0.01), seed: 1)
        let x = Fixture.tensor(8, 4, seed: 1)
        let before = trainer.model.parameters.map(\.value.values)
        let result = try trainer.trainStep(inputs: x, labels: [0, 1, 2, 0, 1, 2, 0, 1], statistics: .all)
        let stats = try #require(result.statistics)
        #expect(stats.parameters.map(\.name) == trainer.model.parameters.map(\.name))
        for (s, p) in zip(stats.parameters, trainer.model.parameters) {
            let g = p.gradient.values.map(Double.init)
            let norm = g.map { $0 * $0 }.reduce(0, +).squareRoot()
            let mean = g.reduce(0, +) / Double(g.count)
            #expect(abs(s.gradientNorm - norm) < 1e-6 * max(1, norm))
            #expect(abs(s.gradientMean - mean) < 1e-6)
            #expect(s.gradientMaxAbs == g.map(abs).max()!)
            let w = p.value.values.map(Double.init)
            #expect(abs(s.weightNorm - w.map { $0 * $0 }.reduce(0, +).squareRoot()) < 1e-5)
            #expect(s.nearZeroFraction == Double(w.filter { abs($0) < 1e-3 }.count) / Double(w.count))
            // Adam's first step moves each weight with a nonzero gradient by about lr.
            #expect(s.updateRatio > 0)
            let old = before[trainer.model.parameters.firstIndex { $0 === p }!]
            let update = zip(p.value.values, old).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +).squareRoot()
            let weightNorm = w.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(abs(s.updateRatio - update / weightNorm) < 1e-5 * s.updateRatio)
        }
        #expect(stats.activations.count == 1 && stats.activations[0].layer == "layers.2")
        #expect(stats.activations[0].statistics.inactiveFraction != nil)
        #expect(stats.batchNorms.count == 1 && stats.batchNorms[0].runningMean.count == 16)
    }

    @Test("sigmoid saturation and dead ReLU units are counted")
    func activationStatistics() throws {
        let sigmoid = Sigmoid(width: 4)
        var ctx = PassContext.evaluation()
        _ = sigmoid.forward(try Tensor(shape: [1, 4], values: [-10, 0, 0.5, 10]), context: &ctx)
        #expect(sigmoid.activationStatistics()?.saturationFraction == 0.5)
        let relu = ReLU(width: 3)
        _ = relu.forward(try Tensor(shape: [2, 3], values: [-1, 2, -3, -1, -2, 3]), context: &ctx)
        let s = try #require(relu.activationStatistics())
        #expect(s.deadUnitFraction == 1.0 / 3)
        #expect(s.inactiveFraction == 4.0 / 6)
    }

    @Test("weight histograms count every element in fixed bins")
    func histogram() throws {
        let t = try Tensor(shape: [6], values: [-2, -0.5, 0, 0.25, 0.99, .nan])
        let h = try TensorHistogram.of(t, bins: 4, range: -1...1)
        #expect(h.counts == [0, 1, 2, 1])  // −0.5 opens bin 1
        #expect(h.underflow == 1 && h.overflow == 0 && h.nan == 1)
        #expect(h.edges == [-1, -0.5, 0, 0.5, 1])
        #expect(throws: TrainerError.self) { try TensorHistogram.of(t, bins: 0, range: -1...1) }
    }

    @Test("L1 drives weights to near zero and is reported apart from the data loss")
    func l1Sparsity() throws {
        let trainer = try ModelTrainer(spec: .mlp(input: 4, hidden: [32], classes: 2, activation: .relu),
                                  optimizer: OptimizerSpec(type: .sgd, learningRate: .constant(0.05)),
                                  regularization: Regularization(l1: .constant(0.01)), seed: 2)
        let x = Fixture.tensor(16, 4, seed: 3)
        let y = (0..<16).map { Int32($0 % 2) }
        var last: StepResult?
        for _ in 0..<400 { last = try trainer.trainStep(inputs: x, labels: y, statistics: .all) }
        let result = try #require(last)
        #expect(result.l1Penalty > 0 && result.l2Penalty == 0)
        #expect(result.totalLoss == result.dataLoss + result.l1Penalty)
        let first = try #require(result.statistics?.parameters.first)
        #expect(first.nearZeroFraction > 0.2, "near-zero fraction \(first.nearZeroFraction)")
    }
}
