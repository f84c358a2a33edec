#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019), as PyTorch computes them.
///
/// Per element, at step t (1-based): with coupled decay (Adam) `g ← g + wd · w`; with
/// decoupled decay (AdamW) `w ← w · (1 − lr · wd)` first. Then
/// `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`,
/// `w ← w − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)`.
/// Slots: `exp_avg` (m) and `exp_avg_sq` (v). The loop runs eight lanes at a time.
public final class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// `true` for AdamW's decoupled weight decay.
    public let decoupled: Bool
    public var stepCount = 0
    private let store = SlotStore()

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    /// AdamW with PyTorch's default decay 0.01.
    public static func adamW(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                             weightDecay: Float = 0.01) -> Adam {
        Adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
    }

    public var slotNames: [String] { ["exp_avg", "exp_avg_sq"] }

    public func slot(_ slot: String, for parameter: Parameter) -> Tensor {
        store.tensor(slot, for: parameter)
    }

    public func step(_ parameters: [Parameter], learningRate: Float, trackUpdates: Bool) {
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = 1 - pow(Double(beta1), t), correction2 = 1 - pow(Double(beta2), t)
        let k = Kernel(
            b1: beta1, c1: 1 - beta1, b2: beta2, c2: 1 - beta2,
            stepSize: Float(Double(learningRate) / correction1),
            inverseSqrtCorrection2: Float(1 / correction2.squareRoot()), epsilon: epsilon,
            coupledDecay: decoupled ? 0 : weightDecay,
            shrink: decoupled ? 1 - learningRate * weightDecay : 1)
        for p in parameters {
            let m = slot("exp_avg", for: p).data, v = slot("exp_avg_sq", for: p).data
            p.lastUpdateSquaredNorm = k.run(
                w: p.value.data, g: p.gradient.data, m: m, v: v, count: p.value.count, track: trackUpdates)
        }
    }

    private struct Kernel {
        let b1, c1, b2, c2, stepSize, inverseSqrtCorrection2, epsilon, coupledDecay, shrink: Float

        @inline(__always)
        func lanes<V: SIMD>(_ w: inout V, _ g: V, _ m: inout V, _ v: inout V) -> V where V.Scalar == Float {
            let grad = coupledDecay == 0 ? g : g + coupledDecay * w
            m = b1 * m + c1 * grad
            v = b2 * v + c2 * (grad * grad)
            let denom = v.squareRoot() * inverseSqrtCorrection2 + epsilon
            let old = w
            w = shrink * w - stepSize * (m / denom)
            return w - old
        }

        func run(w: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>,
                 m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                 count n: Int, track: Bool) -> Double {
            var acc = SIMD8<Float>()
            var i = 0
            while i + 8 <= n {
                var wv = UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self)
                var mv = UnsafeRawPointer(m + i).loadUnaligned(as: SIMD8<Float>.self)
                var vv = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self)
                let gv = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                let d = lanes(&wv, gv, &mv, &vv)
                if track { acc += d * d }
                UnsafeMutableRawPointer(w + i).storeBytes(of: wv, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(m + i).storeBytes(of: mv, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(v + i).storeBytes(of: vv, as: SIMD8<Float>.self)
                i += 8
            }
            var squared = Double(acc.sum())
            while i < n {
                var wv = SIMD2<Float>(w[i], 0), mv = SIMD2<Float>(m[i], 0), vv = SIMD2<Float>(v[i], 0)
                let d = lanes(&wv, SIMD2<Float>(g[i], 0), &mv, &vv)
                if track { squared += Double(d[0] * d[0]) }
                w[i] = wv[0]; m[i] = mv[0]; v[i] = vv[0]
                i += 1
            }
            return track ? squared : 0
        }
    }
}
