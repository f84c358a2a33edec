import Testing
@testable import Trainer

@Suite("Tensor")
struct TensorTests {
    @Test("building from values checks the element count")
    func valuesCount() throws {
        #expect(throws: TrainerError.self) { try Tensor(shape: [2, 3], values: [1, 2, 3]) }
        let t = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(t[1, 2] == 6)
        #expect(t.rows == 2 && t.columns == 3)
    }

    @Test("gemm matches a hand-computed product, with transposes")
    func gemm() throws {
        let a = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3, 2], values: [7, 8, 9, 10, 11, 12])
        let c = Tensor(zeros: [2, 2])
        BLAS.gemm(a, b, into: c)
        #expect(c.values == [58, 64, 139, 154])
        let d = Tensor(zeros: [3, 3])
        BLAS.gemm(a, transposeA: true, a, into: d)
        #expect(d.values == [17, 22, 27, 22, 29, 36, 27, 36, 45])
    }

    @Test("reductions agree with plain loops on odd lengths")
    func reductions() {
        let values: [Float] = (0..<37).map { Float($0 % 5) - 2 }
        let t = try! Tensor(shape: [37], values: values)
        let m = Reductions.moments(t.data, count: 37)
        #expect(m.sum == Double(values.reduce(0, +)))
        #expect(m.sumOfSquares == Double(values.map { $0 * $0 }.reduce(0, +)))
        #expect(m.maxAbs == 2)
        #expect(m.zeros == values.filter { $0 == 0 }.count)
    }
}

@Suite("Vector math")
struct VectorMathTests {
    @Test("the eight-lane exponential agrees with libm within a few ulp, and saturates")
    func exp() {
        var worst: Float = 0
        for k in -870...880 {
            let x = Float(k) / 10 + 0.0123
            let got = VectorMath.exp(SIMD8<Float>(repeating: x))[0]
            let want = Float(Foundation.exp(Double(x)))
            if want.isNormal { worst = max(worst, abs(got - want) / want) }
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
        #expect(VectorMath.exp(SIMD8<Float>(repeating: 1000))[0].isFinite)
        #expect(VectorMath.exp(SIMD8<Float>(repeating: -1000))[0] >= 0)
    }

    @Test("sigmoid of odd lengths matches the scalar formula")
    func sigmoid() {
        let x = Fixture.tensor(1, 13, seed: 3)
        for i in 0..<13 { x.data[i] *= 20 }
        let y = Tensor(zeros: [1, 13])
        VectorMath.sigmoid(x.data, y.data, count: 13)
        for i in 0..<13 {
            let want = 1 / (1 + Foundation.exp(-Double(x.data[i])))
            #expect(abs(Double(y.data[i]) - want) < 1e-6)
        }
    }
}

import Foundation
