import Foundation
import Trainer

/// The matrix-product bound of a model: `cblas_sgemm` timed alone on the exact products one
/// training step of the model makes (forward `x·W` per dense layer, `xᵀ·g` for each weight
/// gradient, `g·Wᵀ` for each input gradient but the first layer's, which the Trainer skips),
/// with the same library and threads as the training run. Nothing else is counted, so
/// `batch / seconds per step` is the samples/s a step made only of its products would reach.
struct GemmCeiling {
    struct Product: CustomStringConvertible {
        var m: Int, n: Int, k: Int
        var transposeA = false, transposeB = false
        var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
        var description: String { "\(m)×\(k)\(transposeA ? "ᵀ" : "")·\(k)×\(n)\(transposeB ? "ᵀ" : "")" }
    }

    let products: [Product]
    let batch: Int

    /// The products of one training step of `model` on batches of `batch` rows.
    init(model: Model, batch: Int) {
        var list: [Product] = []
        let dense = model.namedLayers.compactMap { $0.layer as? Dense }
        for d in dense { list.append(Product(m: batch, n: d.outputWidth, k: d.inputWidth)) }
        for (i, d) in dense.enumerated().reversed() {
            list.append(Product(m: d.inputWidth, n: d.outputWidth, k: batch, transposeA: true))
            if i > 0 { list.append(Product(m: batch, n: d.inputWidth, k: d.outputWidth, transposeB: true)) }
        }
        products = list
        self.batch = batch
    }

    /// Floating-point operations of one step's products.
    var flopsPerStep: Double { products.reduce(0) { $0 + $1.flops } }

    /// Median seconds of one step's products over `repeats` timed rounds (after a warm-up round).
    func secondsPerStep(repeats: Int = 41) -> Double {
        let operands: [(Tensor, Tensor, Tensor)] = products.map { p in
            let a = Tensor(zeros: p.transposeA ? [p.k, p.m] : [p.m, p.k])
            let b = Tensor(zeros: p.transposeB ? [p.n, p.k] : [p.k, p.n])
            var r = RandomStream(seed: 7, name: "gemm")
            for i in 0..<a.count { a.data[i] = r.nextFloat() - 0.5 }
            for i in 0..<b.count { b.data[i] = r.nextFloat() - 0.5 }
            return (a, b, Tensor(zeros: [p.m, p.n]))
        }
        var rounds: [Double] = []
        for round in 0...repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            for (p, (a, b, c)) in zip(products, operands) {
                BLAS.gemm(a, transposeA: p.transposeA, b, transposeB: p.transposeB, into: c)
            }
            if round > 0 { rounds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        return median(rounds)
    }
}
