import CKernels
import Testing
@testable import Trainer

@Suite("Optimizers and schedules")
struct OptimizerTests {
    /// One parameter [2] with value w and a fixed gradient g.
    func parameter(_ w: [Float], _ g: [Float]) -> Parameter {
        let p = Parameter(name: "p", role: .weight, value: try! Tensor(shape: [w.count], values: w))
        for i in 0..<g.count { p.gradient.data[i] = g[i] }
        return p
    }

    func close(_ a: [Float], _ b: [Double], _ tol: Double = 1e-6) -> Bool {
        zip(a, b).allSatisfy { abs(Double($0) - $1) <= tol * max(1, abs($1)) }
    }

    @Test("SGD: w ← w − lr·(g + wd·w)")
    func sgd() {
        let p = parameter([1, -2], [0.5, 0.25])
        let opt = SGD(weightDecay: 0.1)
        opt.step([p], learningRate: 0.1, trackUpdates: true)
        // 1 − 0.1·(0.5 + 0.1) = 0.94; −2 − 0.1·(0.25 − 0.2) = −2.005
        #expect(close(p.value.values, [0.94, -2.005]))
        #expect(abs((opt.lastStep(of: p)?.updateSquaredNorm ?? -1) - (0.06 * 0.06 + 0.005 * 0.005)) < 1e-8)
    }

    @Test("SGD momentum: the buffer starts at g, then μb + g")
    func momentum() {
        let p = parameter([1, 0], [1, -1])
        let opt = SGD(momentum: 0.9)
        opt.step([p], learningRate: 0.1, trackUpdates: false)
        #expect(close(p.value.values, [0.9, 0.1]))           // b = g
        opt.step([p], learningRate: 0.1, trackUpdates: false)
        #expect(close(p.value.values, [0.71, 0.29]))         // b = 1.9 g
    }

    @Test("SGD Nesterov: the step is g + μb")
    func nesterov() {
        let p = parameter([1], [1])
        let opt = SGD(momentum: 0.9, nesterov: true)
        opt.step([p], learningRate: 0.1, trackUpdates: false)
        #expect(close(p.value.values, [1 - 0.1 * 1.9]))      // b = 1, d = 1 + 0.9
        opt.step([p], learningRate: 0.1, trackUpdates: false)
        #expect(close(p.value.values, [0.81 - 0.1 * 2.71]))   // b = 1.9, d = 1 + 1.71
    }

    @Test("Adam: the first steps equal the bias-corrected formula")
    func adam() {
        let p = parameter([1, -1, 0.5], [0.1, -0.2, 0])
        let opt = Adam()
        opt.step([p], learningRate: 0.01, trackUpdates: false)
        // Step 1: m̂ = g, v̂ = g², update = lr·g/(|g| + ε) ≈ lr·sign(g).
        #expect(close(p.value.values, [0.99, -0.99, 0.5], 1e-6))
        p.gradient.data[0] = 0.3
        opt.step([p], learningRate: 0.01, trackUpdates: false)
        let m = 0.9 * 0.1 * 0.1 + 0.1 * 0.3, v = 0.999 * 0.001 * 0.01 + 0.001 * 0.09
        let expected = 0.99 - (0.01 / (1 - 0.81)) * m / ((v / (1 - 0.998001)).squareRoot() + 1e-8)
        #expect(close([p.value[0]], [expected], 1e-6))
        #expect(opt.stepCount == 2)
    }

    @Test("Adam with L2 decay couples it into the gradient; AdamW decouples it")
    func adamW() {
        let coupled = parameter([2], [0])
        Adam(weightDecay: 0.5).step([coupled], learningRate: 0.1, trackUpdates: false)
        // g' = 0 + 0.5·2 = 1 → step of lr·sign = 0.1
        #expect(close(coupled.value.values, [1.9]))
        let decoupled = parameter([2], [0])
        Adam.adamW(weightDecay: 0.5).step([decoupled], learningRate: 0.1, trackUpdates: false)
        // w·(1 − 0.1·0.5) = 1.9, then m = 0 → no Adam step
        #expect(close(decoupled.value.values, [1.9]))
        let both = parameter([2], [1])
        Adam.adamW(weightDecay: 0.5).step([both], learningRate: 0.1, trackUpdates: false)
        #expect(close(both.value.values, [1.9 - 0.1], 1e-6))
    }

    @Test("the eight-lane Adam loop matches on long tensors and tails")
    func adamLanes() {
        let n = 19
        let p = parameter((0..<n).map { Float($0) / 10 }, (0..<n).map { Float($0 % 3) - 1 })
        Adam().step([p], learningRate: 0.01, trackUpdates: true)
        for i in 0..<n {
            let g = Double(i % 3) - 1
            let expected = Double(i) / 10 - (g == 0 ? 0 : 0.01 * g / (abs(g) + 1e-8))
            #expect(abs(Double(p.value[i]) - expected) < 1e-6)
        }
    }

    @Test("the C Adam kernel: every element follows the scalar formula exactly, tracked or not, for Adam, Adam+L2 and AdamW")
    func adamKernelExact() throws {
        let n = 1_003  // vector blocks and a scalar tail
        let w0 = (0..<n).map { Float(sin(Double($0))) }, g0 = (0..<n).map { $0 % 11 == 0 ? 0 : Float(cos(Double($0) * 0.7)) * 0.1 }
        for make in [{ Adam() }, { Adam(weightDecay: 0.1) }, { Adam.adamW(weightDecay: 0.1) }] {
            let plain = parameter(w0, g0), tracked = parameter(w0, g0)
            let a = make(), b = make()
            // Reference: the formula in Float, element by element, no fused multiply-add.
            var w = w0, m = [Float](repeating: 0, count: n), v = [Float](repeating: 0, count: n)
            for step in 1...3 {
                a.step([plain], learningRate: 0.01, trackUpdates: false)
                b.step([tracked], learningRate: 0.01, trackUpdates: true)
                let c1 = 1 - pow(Double(a.beta1), Double(step)), c2 = 1 - pow(Double(a.beta2), Double(step))
                let lr: Float = 0.01
                let stepSize = Float(Double(lr) / c1), isc2 = Float(1 / c2.squareRoot())
                let coupled: Float = a.decoupled ? 0 : a.weightDecay, shrink: Float = a.decoupled ? 1 - lr * a.weightDecay : 1
                var squares = 0.0
                for i in 0..<n {
                    let grad = coupled == 0 ? g0[i] : g0[i] + coupled * w[i]
                    m[i] = a.beta1 * m[i] + (1 - a.beta1) * grad
                    v[i] = a.beta2 * v[i] + (1 - a.beta2) * (grad * grad)
                    let denom = v[i].squareRoot() * isc2 + a.epsilon
                    let old = w[i]
                    w[i] = shrink * w[i] - stepSize * (m[i] / denom)
                    squares += Double((w[i] - old) * (w[i] - old))
                }
                let plainSame = plain.value.values == w, trackedSame = tracked.value.values == w
                #expect(plainSame, "step \(step): \(zip(plain.value.values, w).filter { $0 != $1 }.count) elements differ")
                #expect(trackedSame, "tracking changes nothing, step \(step)")
                #expect(abs((b.lastStep(of: tracked)?.updateSquaredNorm ?? -1) - squares) <= 1e-5 * squares)
                let moments = try #require(b.lastStep(of: tracked)?.moments)
                let direct = Reductions.moments(tracked.gradient.data, count: n)
                #expect(abs(moments.gradient.sum - direct.sum) < 1e-5)
                #expect(abs(moments.gradient.sumOfSquares - direct.sumOfSquares) < 1e-5 * direct.sumOfSquares)
                #expect(moments.gradient.maxAbs == direct.maxAbs && moments.gradient.zeros == direct.zeros)
                let weights = Reductions.squaresAndSmall(tracked.value.data, count: n, threshold: Adam.nearZeroThreshold)
                #expect(abs(moments.weightSquares - weights.sumOfSquares) < 1e-5 * weights.sumOfSquares)
                #expect(moments.weightSmall == weights.small)
                #expect(a.lastStep(of: plain)?.moments == nil)
            }
        }
    }

    @Test("a large Adam update split over two threads gives the same weights as one thread, and the same moments")
    func adamTwoThreads() throws {
        let n = 150_001  // above the split threshold, odd
        let w0 = (0..<n).map { Float(sin(Double($0) * 0.01)) }, g0 = (0..<n).map { Float(cos(Double($0) * 0.3)) * 0.01 }
        let one = parameter(w0, g0), two = parameter(w0, g0)
        let a = Adam(), b = Adam()
        defer { tracker_kernels_set_threads(Int32(BLAS.threads)) }
        for _ in 0..<3 {
            tracker_kernels_set_threads(1)
            a.step([one], learningRate: 0.01, trackUpdates: true)
            tracker_kernels_set_threads(2)
            b.step([two], learningRate: 0.01, trackUpdates: true)
            let same = one.value.values == two.value.values
            #expect(same, "weights differ between one and two threads")
            let x = try #require(a.lastStep(of: one)?.moments), y = try #require(b.lastStep(of: two)?.moments)
            #expect(x.gradient.zeros == y.gradient.zeros && x.weightSmall == y.weightSmall && x.gradient.maxAbs == y.gradient.maxAbs)
            #expect(abs(x.gradient.sum - y.gradient.sum) <= 1e-6 * max(1, abs(x.gradient.sum)))
            #expect(abs(x.weightSquares - y.weightSquares) <= 1e-5 * x.weightSquares)
            // Float lanes summing ~20,000 terms each: agreement to about 1e-4, as with the true value.
            let u1 = try #require(a.lastStep(of: one)?.updateSquaredNorm), u2 = try #require(b.lastStep(of: two)?.updateSquaredNorm)
            #expect(abs(u1 - u2) <= 1e-3 * u1)
        }
    }

    @Test("every optimizer's state is keyed by OptimizerStateKey.slot, and a tracked step's measurement lives in the optimizer until forgotten")
    func slotKeysAndMeasurements() {
        for (opt, slots) in [(Adam() as any Optimizer, [Adam.Slot.expAvg, Adam.Slot.expAvgSq]),
                             (SGD(momentum: 0.9), [SGD.Slot.momentumBuffer]), (SGD(), [])] {
            let p = parameter([1, -2], [0.5, 0.25]), q = Parameter(name: "layers.3.bias", role: .bias, value: Tensor(zeros: [3]))
            #expect(opt.lastStep(of: p) == nil, "nothing measured before the first step")
            opt.step([p, q], learningRate: 0.1, trackUpdates: true)
            let names = opt.stateTensors(for: [p, q]).map(\.name)
            #expect(names == ["p", "layers.3.bias"].flatMap { n in slots.map { OptimizerStateKey.slot($0, of: n) } })
            #expect(names.allSatisfy(OptimizerStateKey.isOptimizerKey))
            #expect((opt.lastStep(of: p)?.updateSquaredNorm ?? 0) > 0)
            #expect(opt.lastStep(of: q)?.updateSquaredNorm == 0, "a zero gradient moves nothing")
            opt.forgetLastSteps()
            #expect(opt.lastStep(of: p) == nil && opt.lastStep(of: q) == nil)
        }
        #expect(OptimizerStateKey.slot("exp_avg", of: "layers.0.weight") == "optimizer.layers.0.weight.exp_avg")
        #expect(ModelTrainer.StateKey.optimizerStep == OptimizerStateKey.step)
    }

    @Test("schedules: constant, step, cosine, warm-up composed with cosine")
    func schedules() {
        #expect(Schedule.constant(0.1).value(at: 1000) == 0.1)
        let step = Schedule.step(value: 1, every: 10, gamma: 0.5)
        #expect(step.value(at: 9) == 1 && step.value(at: 10) == 0.5 && step.value(at: 25) == 0.25)
        let cosine = Schedule.cosine(value: 1, steps: 100, minimum: 0.1)
        #expect(cosine.value(at: 0) == 1)
        #expect(abs(cosine.value(at: 50) - 0.55) < 1e-12)
        #expect(cosine.value(at: 100) == 0.1 && cosine.value(at: 500) == 0.1)
        let warm = Schedule.warmup(steps: 4, then: cosine)
        #expect(warm.value(at: 0) == 0.25 && warm.value(at: 3) == 1)
        #expect(warm.value(at: 4) == 1 && abs(warm.value(at: 54) - 0.55) < 1e-12)
    }

    @Test("schedules and optimizer specs decode from JSON; bad values name their key")
    func specs() throws {
        let json = #"{"type": "sgd", "lr": {"type": "warmup", "steps": 5, "then": {"type": "cosine", "value": 0.1, "steps": 100}}, "momentum": 0.9, "nesterov": true}"#
        let spec = try JSONDecoder().decode(OptimizerSpec.self, from: Data(json.utf8))
        #expect(spec.learningRate == .warmup(steps: 5, then: .cosine(value: 0.1, steps: 100, minimum: 0)))
        let again = try JSONDecoder().decode(OptimizerSpec.self, from: JSONEncoder().encode(spec))
        #expect(again == spec)
        let plain = try JSONDecoder().decode(OptimizerSpec.self, from: Data(#"{"type": "adamw", "lr": 0.001}"#.utf8))
        #expect(plain.learningRate == .constant(0.001) && plain.weightDecay == 0.01)
        let bad = OptimizerSpec(type: .sgd, learningRate: .constant(0.1), momentum: 1.5)
        #expect(throws: TrainerError.invalidSpec(key: "optimizer.momentum", message: "must be in [0, 1), got 1.5")) {
            try bad.validate()
        }
    }
}

import Foundation
