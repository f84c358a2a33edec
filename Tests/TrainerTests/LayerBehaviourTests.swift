import Testing
@testable import Trainer

@Suite("Layer behaviour: BatchNorm, LayerNorm, Dropout")
struct LayerBehaviourTests {
    @Test("BatchNorm updates running statistics only in training and uses them in evaluation")
    func batchNormModes() {
        let bn = BatchNorm(width: 3, momentum: 0.1)
        let x = Fixture.tensor(8, 3, seed: 1)
        for i in 0..<x.count { x.data[i] = x.data[i] * 2 + 3 }
        var eval = PassContext.evaluation()
        _ = bn.forward(x, context: &eval)
        #expect(bn.runningMean.values == [0, 0, 0])
        #expect(bn.runningVariance.values == [1, 1, 1])

        var train = PassContext(training: true, random: RandomStreams(seed: 1))
        let y = bn.forward(x, context: &train)
        // Training output is normalised by the batch: per-feature mean 0, variance ≈ 1.
        for c in 0..<3 {
            let column = (0..<8).map { Double(y[$0, c]) }
            let mean = column.reduce(0, +) / 8
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)
        }
        for c in 0..<3 {
            let column = (0..<8).map { Double(x[$0, c]) }
            let mean = column.reduce(0, +) / 8
            let unbiased = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 7
            #expect(abs(Double(bn.runningMean[c]) - 0.1 * mean) < 1e-5)
            #expect(abs(Double(bn.runningVariance[c]) - (0.9 + 0.1 * unbiased)) < 1e-5)
        }
        let mean = bn.runningMean.values, variance = bn.runningVariance.values
        let z = bn.forward(x, context: &eval)
        #expect(bn.runningMean.values == mean && bn.runningVariance.values == variance)
        for r in 0..<8 {
            for c in 0..<3 {
                let expected = (x[r, c] - mean[c]) / (variance[c] + bn.epsilon).squareRoot()
                #expect(abs(z[r, c] - expected) < 1e-5)
            }
        }
    }

    @Test("LayerNorm gives a sample the same output whatever else is in the batch")
    func layerNormIndependent() {
        let ln = LayerNorm(width: 6)
        ln.scale.value.data[2] = 2
        let a = Fixture.tensor(4, 6, seed: 2)
        let b = Fixture.tensor(4, 6, seed: 3)
        for c in 0..<6 { b[0, c] = a[0, c] }
        var ctx = PassContext(training: true, random: RandomStreams(seed: 1))
        let first = (0..<6).map { ln.forward(a, context: &ctx)[0, $0] }
        let second = (0..<6).map { ln.forward(b, context: &ctx)[0, $0] }
        var eval = PassContext.evaluation()
        let alone = ln.forward(a.rows(0..<1), context: &eval).values
        #expect(first == second)
        #expect(first == alone)
    }

    @Test("Dropout keeps about (1 − p) of the units and preserves the expectation")
    func dropoutRate() {
        let p: Float = 0.3
        let dropout = Dropout(width: 500, p: p)
        let x = Tensor(shape: [200, 500], repeating: 1)
        var ctx = PassContext(training: true, random: RandomStreams(seed: 5))
        let y = dropout.forward(x, context: &ctx)
        let kept = y.values.filter { $0 != 0 }
        let keptFraction = Double(kept.count) / Double(y.count)
        #expect(abs(keptFraction - 0.7) < 0.01)
        #expect(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        let mean = y.values.reduce(0.0) { $0 + Double($1) } / Double(y.count)
        #expect(abs(mean - 1) < 0.015)
    }

    @Test("Dropout draws a fresh mask each pass and is the identity in evaluation")
    func dropoutPasses() {
        let dropout = Dropout(width: 16, p: 0.5)
        let x = Fixture.tensor(4, 16, seed: 4)
        var ctx = PassContext(training: true, random: RandomStreams(seed: 5))
        let first = dropout.forward(x, context: &ctx).values
        let second = dropout.forward(x, context: &ctx).values
        #expect(first != second)
        var eval = PassContext.evaluation()
        let identity = dropout.forward(x, context: &eval)
        #expect(identity.values == x.values)
        let g = Fixture.tensor(4, 16, seed: 6)
        #expect(dropout.backward(g).values == g.values)
    }

    @Test("Dropout draws only from the dropout stream")
    func dropoutStream() {
        let dropout = Dropout(width: 8, p: 0.5)
        let streams = RandomStreams(seed: 9)
        var ctx = PassContext(training: true, random: streams)
        _ = dropout.forward(Fixture.tensor(2, 8, seed: 1), context: &ctx)
        #expect(ctx.random.initialization == streams.initialization)
        #expect(ctx.random.shuffle == streams.shuffle)
        #expect(ctx.random.dropout != streams.dropout)
    }
}
