import Testing
@testable import Trainer

@Suite("Finite-difference gradient checks")
struct GradientCheckTests {
    let training = PassContext(training: true, random: RandomStreams(seed: 3))
    let evaluation = PassContext.evaluation()

    func expectGradients(_ layer: any Layer, input: Tensor, context: PassContext? = nil,
                         check: GradientCheck = GradientCheck()) {
        let failures = check.check(layer, input: input, context: context ?? training)
        #expect(failures.isEmpty, "\(layer.kind): \(failures.prefix(5))")
    }

    @Test("Dense: input, weight and bias gradients")
    func dense() {
        var r = Fixture.initStream
        expectGradients(Dense(inputWidth: 5, outputWidth: 4, random: &r), input: Fixture.tensor(3, 5, seed: 1))
    }

    @Test("Dense without bias")
    func denseNoBias() {
        var r = Fixture.initStream
        expectGradients(Dense(inputWidth: 5, outputWidth: 3, bias: false, random: &r),
                        input: Fixture.tensor(3, 5, seed: 2))
    }

    @Test("Sigmoid, Tanh, ReLU and LeakyReLU")
    func activations() {
        expectGradients(Sigmoid(width: 6), input: Fixture.tensor(3, 6, seed: 3))
        expectGradients(Tanh(width: 6), input: Fixture.tensor(3, 6, seed: 4))
        expectGradients(ReLU(width: 6), input: Fixture.tensor(3, 6, seed: 5, awayFromZero: 0.05))
        expectGradients(LeakyReLU(width: 6, slope: 0.1), input: Fixture.tensor(3, 6, seed: 6, awayFromZero: 0.05))
    }

    @Test("PReLU: input and slope gradients, per unit and shared")
    func prelu() {
        expectGradients(PReLU(width: 6, shared: false, initialSlope: 0.2),
                        input: Fixture.tensor(4, 6, seed: 7, awayFromZero: 0.05))
        expectGradients(PReLU(width: 6, shared: true, initialSlope: 0.3),
                        input: Fixture.tensor(4, 6, seed: 8, awayFromZero: 0.05))
    }

    @Test("BatchNorm in training mode (batch statistics) and in evaluation mode")
    func batchNorm() {
        let bn = BatchNorm(width: 4)
        bn.scale.value.data[1] = 1.5
        bn.shift.value.data[2] = -0.5
        expectGradients(bn, input: Fixture.tensor(6, 4, seed: 9), context: training,
                        check: GradientCheck(h: 5e-3, relative: 3e-2, absolute: 3e-3))
        bn.runningMean.fill(0.1)
        bn.runningVariance.fill(0.7)
        expectGradients(bn, input: Fixture.tensor(6, 4, seed: 10), context: evaluation)
    }

    @Test("LayerNorm: input, γ and β gradients")
    func layerNorm() {
        let ln = LayerNorm(width: 5)
        ln.scale.value.data[0] = 0.5
        ln.shift.value.data[3] = 0.25
        expectGradients(ln, input: Fixture.tensor(3, 5, seed: 11),
                        check: GradientCheck(h: 5e-3, relative: 3e-2, absolute: 3e-3))
    }

    @Test("Dropout with its mask fixed")
    func dropout() {
        expectGradients(Dropout(width: 8, p: 0.4), input: Fixture.tensor(4, 8, seed: 12))
    }

    @Test("Residual with and without projection")
    func residual() throws {
        var r = Fixture.initStream
        let same = try Sequential(inputWidth: 5, layers: [Dense(inputWidth: 5, outputWidth: 5, random: &r), Tanh(width: 5)])
        expectGradients(Residual(block: same, random: &r), input: Fixture.tensor(3, 5, seed: 13))
        let wider = try Sequential(inputWidth: 5, layers: [Dense(inputWidth: 5, outputWidth: 7, random: &r), Tanh(width: 7)])
        let projected = Residual(block: wider, random: &r)
        #expect(projected.projection != nil)
        expectGradients(projected, input: Fixture.tensor(3, 5, seed: 14))
    }

    @Test("a Sequential of Dense, LayerNorm, Tanh and Dense")
    func sequential() throws {
        var r = Fixture.initStream
        let net = try Sequential(inputWidth: 4, layers: [
            Dense(inputWidth: 4, outputWidth: 6, random: &r), LayerNorm(width: 6), Tanh(width: 6),
            Dense(inputWidth: 6, outputWidth: 3, random: &r),
        ])
        expectGradients(net, input: Fixture.tensor(3, 4, seed: 15),
                        check: GradientCheck(h: 5e-3, relative: 3e-2, absolute: 3e-3))
    }

    @Test("softmax cross-entropy gradient against finite differences")
    func crossEntropy() throws {
        let logits = Fixture.tensor(4, 5, seed: 16)
        for i in 0..<logits.count { logits.data[i] *= 3 }
        let labels: [Int32] = [0, 3, 4, 1]
        let ce = SoftmaxCrossEntropy()
        let grad = try ce(logits: logits, labels: labels).gradient.copy()
        let h: Float = 1e-2
        for i in 0..<logits.count {
            let saved = logits.data[i]
            logits.data[i] = saved + h
            let plus = SoftmaxCrossEntropy.loss(logits: logits, labels: labels)
            logits.data[i] = saved - h
            let minus = SoftmaxCrossEntropy.loss(logits: logits, labels: labels)
            logits.data[i] = saved
            let numeric = (plus - minus) / Double(2 * h)
            #expect(abs(numeric - Double(grad.data[i])) < 1e-3 + 1e-2 * abs(numeric), "logit \(i)")
        }
    }

    @Test("cross-entropy is stable for huge logits")
    func crossEntropyStable() throws {
        let logits = try Tensor(shape: [1, 3], values: [1000, 0, -1000])
        let (loss, grad) = try SoftmaxCrossEntropy()(logits: logits, labels: [1])
        #expect(abs(loss - 1000) < 1e-3)
        #expect(grad.values.allSatisfy { $0.isFinite })
    }

    @Test("mean squared error gradient against finite differences")
    func mse() throws {
        let p = Fixture.tensor(3, 4, seed: 17), t = Fixture.tensor(3, 4, seed: 18)
        let grad = try MeanSquaredError()(predictions: p, targets: t).gradient.copy()
        let h: Float = 1e-2
        for i in 0..<p.count {
            let saved = p.data[i]
            p.data[i] = saved + h
            let plus = MeanSquaredError.loss(predictions: p, targets: t)!
            p.data[i] = saved - h
            let minus = MeanSquaredError.loss(predictions: p, targets: t)!
            p.data[i] = saved
            let numeric = (plus - minus) / Double(2 * h)
            #expect(abs(numeric - Double(grad.data[i])) < 1e-4 + 1e-3 * abs(numeric))
        }
    }

    @Test("L1 and L2 penalty gradients against finite differences; biases untouched by default")
    func penalties() {
        var r = Fixture.initStream
        let dense = Dense(inputWidth: 4, outputWidth: 3, initialization: .heUniform, random: &r)
        dense.bias!.value.fill(0.5)
        let params = dense.namedParameters(prefix: "layers.0.")
        let reg = Regularization(l1: .constant(0.03), l2: .constant(0.2))
        for p in params { p.gradient.fill(0) }
        let value = reg.apply(to: params, step: 0)
        #expect(abs(value.l1 + value.l2 - reg.penalty(of: params, step: 0)) < 1e-6)
        #expect(dense.bias!.gradient.values.allSatisfy { $0 == 0 })
        let w = dense.weight
        let h: Float = 1e-3
        for i in 0..<w.value.count where abs(w.value.data[i]) > 0.01 {
            let saved = w.value.data[i]
            w.value.data[i] = saved + h
            let plus = reg.penalty(of: params, step: 0)
            w.value.data[i] = saved - h
            let minus = reg.penalty(of: params, step: 0)
            w.value.data[i] = saved
            let numeric = (plus - minus) / Double(2 * h)
            #expect(abs(numeric - Double(w.gradient.data[i])) < 1e-3 + 1e-2 * abs(numeric), "weight \(i)")
        }
    }
}
