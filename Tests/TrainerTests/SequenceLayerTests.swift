import Testing
@testable import Trainer

/// The per-position block and the masked mean pool: finite-difference gradient checks in the
/// style of `GradientCheckTests`, and the properties the padded-sequence study rests on.
@Suite("Sequence layers: per-position block and masked mean pool")
struct SequenceLayerTests {
    let training = PassContext(training: true, random: RandomStreams(seed: 3))

    /// `rows` padded sequences of `length` positions with `token` features: uniform tokens,
    /// real lengths from the seed (at least one), zero pads, a 0/1 mask after the tokens.
    static func sequences(_ rows: Int, length: Int, token: Int, seed: UInt64) -> Tensor {
        var r = RandomStream(seed: seed, name: "sequences")
        let width = length * (token + 1)
        let t = Tensor(zeros: [rows, width])
        for i in 0..<rows {
            let n = 1 + r.nextInt(below: length)
            for p in 0..<n {
                for j in 0..<token { t.data[i * width + p * token + j] = r.nextFloat() * 2 - 1 }
                t.data[i * width + length * token + p] = 1
            }
        }
        return t
    }

    func expectGradients(_ layer: any Layer, input: Tensor, context: PassContext? = nil,
                         check: GradientCheck = GradientCheck()) {
        let failures = check.check(layer, input: input, context: context ?? training)
        #expect(failures.isEmpty, "\(layer.kind): \(failures.prefix(5))")
    }

    static func block(_ norm: String, token: Int, units: Int) throws -> Sequential {
        var r = Fixture.initStream
        let dense = Dense(inputWidth: token, outputWidth: units, random: &r)
        // A nonzero bias: a zero pad then maps to a non-constant vector, away from LayerNorm's
        // 1/√ε-steep point (a constant row), where finite differences cannot follow. (In a model
        // the pool gives pads no gradient at all.)
        if let bias = dense.bias { for u in 0..<units { bias.value.data[u] = 0.3 * Float(u) - 0.5 } }
        var layers: [any Layer] = [dense]
        if norm == "batch" { layers.append(BatchNorm(width: units)) }
        if norm == "layer" { layers.append(LayerNorm(width: units)) }
        layers.append(Tanh(width: units))
        return try Sequential(inputWidth: token, layers: layers)
    }

    @Test("MaskedMeanPool: input and mask gradients against finite differences")
    func poolGradients() {
        let pool = MaskedMeanPool(length: 4, features: 3)
        expectGradients(pool, input: Self.sequences(5, length: 4, token: 3, seed: 1))
    }

    @Test("PerPosition over Dense → Tanh, Dense → BatchNorm (statistics over every position, pads included) → Tanh, and Dense → LayerNorm → Tanh")
    func perPositionGradients() throws {
        let tolerant = GradientCheck(h: 5e-3, relative: 3e-2, absolute: 3e-3)
        for norm in ["none", "batch", "layer"] {
            let layer = PerPosition(length: 3, block: try Self.block(norm, token: 4, units: 5))
            expectGradients(layer, input: Self.sequences(4, length: 3, token: 4, seed: 2), check: tolerant)
        }
        let bn = PerPosition(length: 3, block: try Self.block("batch", token: 4, units: 5))
        expectGradients(bn, input: Self.sequences(4, length: 3, token: 4, seed: 3), context: .evaluation())
    }

    @Test("PerPosition → MaskedMeanPool → Dense, chained, against finite differences")
    func chained() throws {
        var r = Fixture.initStream
        let net = try Sequential(inputWidth: 3 * 5, layers: [
            PerPosition(length: 3, block: try Self.block("layer", token: 4, units: 6)),
            MaskedMeanPool(length: 3, features: 6),
            Dense(inputWidth: 6, outputWidth: 2, random: &r),
        ])
        expectGradients(net, input: Self.sequences(3, length: 3, token: 4, seed: 4),
                        check: GradientCheck(h: 5e-3, relative: 3e-2, absolute: 3e-3))
    }

    @Test("the pool ignores pads: changing pad values or appending pad positions leaves the output alone; a row without real positions pools to zeros")
    func poolIgnoresPads() {
        let length = 5, token = 3, width = length * (token + 1)
        let x = Self.sequences(6, length: length, token: token, seed: 5)
        var ctx = PassContext.evaluation()
        let pool = MaskedMeanPool(length: length, features: token)
        let before = pool.forward(x, context: &ctx).copy()
        var r = RandomStream(seed: 6, name: "pads")
        for i in 0..<6 { for p in 0..<length where x.data[i * width + length * token + p] == 0 {
            for j in 0..<token { x.data[i * width + p * token + j] = r.nextFloat() * 100 - 50 }
        } }
        #expect(pool.forward(x, context: &ctx).values == before.values)
        // By hand for the first row: the mean of its real tokens.
        let n = (0..<length).filter { x.data[length * token + $0] == 1 }.count
        for j in 0..<token {
            let mean = (0..<n).map { x.data[$0 * token + j] }.reduce(0, +) / Float(n)
            #expect(abs(before.data[j] - mean) < 1e-5)
        }
        let empty = Tensor(zeros: [1, width])
        #expect(pool.forward(empty, context: &ctx).values.allSatisfy { $0 == 0 })
        #expect(pool.backward(Tensor(shape: [1, token], repeating: 1)).values.allSatisfy { $0 == 0 })
    }

    @Test("PerPosition shares its weights: each position's output equals the block applied to that token alone, and the mask passes through")
    func sharedWeights() throws {
        let length = 4, token = 3, units = 5
        let block = try Self.block("layer", token: token, units: units)
        let layer = PerPosition(length: length, block: block)
        let x = Self.sequences(3, length: length, token: token, seed: 7)
        var ctx = PassContext.evaluation()
        let y = layer.forward(x, context: &ctx).copy()
        #expect(layer.namedParameters().count == 4)  // one Dense and one LayerNorm, whatever the length
        #expect(layer.namedParameters().first?.name == "block.layers.0.weight")
        let outWidth = length * (units + 1)
        for i in 0..<3 {
            for p in 0..<length {
                let single = try Tensor(shape: [1, token], values: (0..<token).map { x.data[i * x.columns + p * token + $0] })
                let alone = block.forward(single, context: &ctx)
                for u in 0..<units { #expect(abs(alone.data[u] - y.data[i * outWidth + p * units + u]) < 1e-6) }
                #expect(y.data[i * outWidth + length * units + p] == x.data[i * x.columns + length * token + p])
            }
        }
    }

    @Test("BatchNorm over positions depends on the batch's share of pads in training and with batch statistics, not with running statistics; LayerNorm never does; batch statistics leave the running ones untouched")
    func padsReachBatchNormOnly() throws {
        let length = 6, token = 3, units = 4, width = length * (token + 1)
        // Row 0 is the same sequence in both batches; the other rows differ only in how many pads they have.
        let few = Self.sequences(8, length: length, token: token, seed: 8)
        let many = few.copy()
        for i in 1..<8 { for p in 1..<length {
            for j in 0..<token { many.data[i * width + p * token + j] = 0 }
            many.data[i * width + length * token + p] = 0
        } }
        func firstRow(_ norm: String, _ ctx: PassContext, _ x: Tensor, _ layer: PerPosition) -> [Float] {
            var c = ctx
            let y = layer.forward(x, context: &c)
            return Array(y.values[0..<(length * units)])
        }
        let ln = PerPosition(length: length, block: try Self.block("layer", token: token, units: units))
        #expect(firstRow("layer", training, few, ln) == firstRow("layer", training, many, ln))
        let bnBlock = try Self.block("batch", token: token, units: units)
        let bn = PerPosition(length: length, block: bnBlock)
        let norm = try #require(bnBlock.layers[1] as? BatchNorm)
        norm.runningMean.fill(0.2)
        norm.runningVariance.fill(0.5)
        let batchStats = PassContext.evaluation(batchStatistics: true)
        #expect(firstRow("batch", batchStats, few, bn) != firstRow("batch", batchStats, many, bn))
        #expect(norm.runningMean.values.allSatisfy { $0 == 0.2 } && norm.runningVariance.values.allSatisfy { $0 == 0.5 })
        #expect(firstRow("batch", .evaluation(), few, bn) == firstRow("batch", .evaluation(), many, bn))
        var train = training
        _ = bn.forward(few, context: &train)
        #expect(norm.runningMean.values.contains { $0 != 0.2 })
    }

    @Test("a sequence model's parameters, BatchNorm running statistics and statistics carry nested names; a step after restore equals the step without the save")
    func stateAndStatistics() throws {
        let spec = ModelSpec.mlp(input: 6 * 4, hidden: [8], classes: 3, normalization: .batch, sequenceLength: 6)
        #expect(spec.expandedLayers().count == 3)
        func make(_ seed: UInt64) throws -> ModelTrainer { try ModelTrainer(spec: spec, optimizer: .adam(0.01), seed: seed) }
        let original = try make(11)
        let x = Self.sequences(5, length: 6, token: 3, seed: 9)
        let labels: [Int32] = [0, 1, 2, 0, 1]
        let first = try original.trainStep(inputs: x, labels: labels, statistics: .all)
        let stats = try #require(first.statistics)
        #expect(stats.parameters.map(\.name) == ["layers.0.block.layers.0.weight", "layers.0.block.layers.0.bias",
                                                 "layers.0.block.layers.1.weight", "layers.0.block.layers.1.bias",
                                                 "layers.2.weight", "layers.2.bias"])
        #expect(stats.batchNorms.map(\.layer) == ["layers.0.block.layers.1"])
        #expect(stats.activations.map(\.layer) == ["layers.0.block.layers.2"])
        #expect(original.state().names.contains("layers.0.block.layers.1.running_var"))
        let payload = original.serializedState()
        let next = Self.sequences(5, length: 6, token: 3, seed: 10)
        let expected = try original.trainStep(inputs: next, labels: labels)
        let restored = try make(999)
        try restored.restore(payload: payload)
        let got = try restored.trainStep(inputs: next, labels: labels)
        #expect(got.dataLoss.bitPattern == expected.dataLoss.bitPattern)
        #expect(restored.state().isBitIdentical(to: original.state()))
    }
}
