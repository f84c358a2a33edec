@testable import Trainer

/// Helpers shared by the Trainer tests.
enum Fixture {
    /// A [rows, columns] tensor of uniform values in [-1, 1), optionally kept at least
    /// `awayFromZero` from 0 (so ReLU kinks stay out of finite-difference reach).
    static func tensor(_ rows: Int, _ columns: Int, seed: UInt64, awayFromZero: Float = 0) -> Tensor {
        var r = RandomStream(seed: seed, name: "test")
        let t = Tensor(zeros: [rows, columns])
        for i in 0..<t.count {
            let v = r.nextFloat() * 2 - 1
            t.data[i] = v < 0 ? v - awayFromZero : v + awayFromZero
        }
        return t
    }

    static var initStream: RandomStream { RandomStream(seed: 7, name: "init") }
}

/// Finite-difference gradient checks of a layer against its `backward`.
///
/// The scalar checked is `L = Σ out ⊙ R` with a fixed random `R`, accumulated in
/// Double; every forward uses a copy of the same context (so dropout masks are fixed).
/// Central differences with step `h`; agreement within `absolute + relative · max(|a|, |n|)`.
struct GradientCheck {
    var h: Float = 1e-2
    var relative = 2e-2
    var absolute = 2e-3

    struct Failure: CustomStringConvertible {
        var what: String
        var analytic: Double
        var numeric: Double
        var description: String { "\(what): analytic \(analytic) numeric \(numeric)" }
    }

    /// Checks ∂L/∂input and ∂L/∂parameters of `layer`; returns the mismatches.
    func check(_ layer: any Layer, input: Tensor, context: PassContext) -> [Failure] {
        var ctx = context
        let out = layer.forward(input, context: &ctx)
        let weights = Fixture.tensor(out.rows, out.columns, seed: 99)
        let gx = layer.backward(weights).copy()
        let params = layer.namedParameters()
        let paramGrads = params.map { $0.gradient.copy() }

        func loss() -> Double {
            var c = context
            let y = layer.forward(input, context: &c)
            var total = 0.0
            for i in 0..<y.count { total += Double(y.data[i]) * Double(weights.data[i]) }
            return total
        }
        func numeric(_ p: UnsafeMutablePointer<Float>) -> Double {
            let saved = p.pointee
            p.pointee = saved + h
            let plus = loss()
            p.pointee = saved - h
            let minus = loss()
            p.pointee = saved
            return (plus - minus) / Double(2 * h)
        }
        var failures: [Failure] = []
        func compare(_ what: String, _ a: Double, _ n: Double) {
            if abs(a - n) > absolute + relative * max(abs(a), abs(n)) {
                failures.append(Failure(what: what, analytic: a, numeric: n))
            }
        }
        for i in 0..<input.count {
            compare("input[\(i)]", Double(gx.data[i]), numeric(input.data + i))
        }
        for (p, g) in zip(params, paramGrads) {
            let stride = max(1, p.value.count / 40)
            for i in Swift.stride(from: 0, to: p.value.count, by: stride) {
                compare("\(p.name)[\(i)]", Double(g.data[i]), numeric(p.value.data + i))
            }
        }
        return failures
    }
}
