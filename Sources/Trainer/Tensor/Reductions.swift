/// Vectorised reductions over float buffers.
///
/// Swift never reassociates floating-point additions, so a plain `for` loop summing
/// floats runs one add at a time. These kernels keep eight-lane SIMD accumulators
/// (a fixed order, hence deterministic results) and finish in `Double`.
public enum Reductions {
    /// Sum, sum of squares, largest magnitude and count of exact zeros, in one pass.
    public struct Moments: Sendable, Equatable {
        public var sum: Double
        public var sumOfSquares: Double
        public var maxAbs: Float
        public var zeros: Int
    }

    /// |v| by clearing the sign bits (the stdlib's generic `pointwiseMax` is not inlined).
    @inline(__always)
    static func magnitude(_ v: SIMD8<Float>) -> SIMD8<Float> {
        unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Moments of `count` floats at `p`.
    public static func moments(_ p: UnsafePointer<Float>, count: Int) -> Moments {
        var s = SIMD8<Float>(), q = SIMD8<Float>(), m = SIMD8<Float>(), z = SIMD8<Float>()
        let one = SIMD8<Float>(repeating: 1), zero = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            let v = load(p, i)
            s += v
            q += v * v
            let a = magnitude(v)
            m = m.replacing(with: a, where: a .> m)
            z += zero.replacing(with: one, where: v .== zero)
            i += 8
        }
        var sum = Double(s.sum()), squares = Double(q.sum()), maxAbs = m.max(), zeros = Int(z.sum())
        while i < count {
            let v = p[i]
            sum += Double(v); squares += Double(v * v)
            maxAbs = Swift.max(maxAbs, Swift.abs(v))
            if v == 0 { zeros += 1 }
            i += 1
        }
        return Moments(sum: sum, sumOfSquares: squares, maxAbs: maxAbs, zeros: zeros)
    }

    /// Sum of squares and count of elements with `|x| < threshold`.
    public static func squaresAndSmall(
        _ p: UnsafePointer<Float>, count: Int, threshold: Float
    ) -> (sumOfSquares: Double, small: Int) {
        var q = SIMD8<Float>(), c = SIMD8<Float>()
        let one = SIMD8<Float>(repeating: 1), zero = SIMD8<Float>(), t = SIMD8<Float>(repeating: threshold)
        var i = 0
        while i + 8 <= count {
            let v = load(p, i)
            q += v * v
            c += zero.replacing(with: one, where: magnitude(v) .< t)
            i += 8
        }
        var squares = Double(q.sum()), small = Int(c.sum())
        while i < count {
            let v = p[i]
            squares += Double(v * v)
            if Swift.abs(v) < threshold { small += 1 }
            i += 1
        }
        return (squares, small)
    }

    /// Sum of absolute values.
    public static func sumOfMagnitudes(_ p: UnsafePointer<Float>, count: Int) -> Double {
        var a = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            let v = load(p, i)
            a += magnitude(v)
            i += 8
        }
        var total = Double(a.sum())
        while i < count { total += Double(Swift.abs(p[i])); i += 1 }
        return total
    }

    /// Sum of squares.
    public static func sumOfSquares(_ p: UnsafePointer<Float>, count: Int) -> Double {
        var q = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            let v = load(p, i)
            q += v * v
            i += 8
        }
        var total = Double(q.sum())
        while i < count { total += Double(p[i] * p[i]); i += 1 }
        return total
    }

    /// Counts elements satisfying `low < x < high` is false, i.e. `x <= low || x >= high`.
    public static func countOutside(_ p: UnsafePointer<Float>, count: Int, low: Float, high: Float) -> Int {
        var c = SIMD8<Float>()
        let one = SIMD8<Float>(repeating: 1), zero = SIMD8<Float>()
        let lo = SIMD8<Float>(repeating: low), hi = SIMD8<Float>(repeating: high)
        var i = 0
        while i + 8 <= count {
            let v = load(p, i)
            c += zero.replacing(with: one, where: (v .<= lo) .| (v .>= hi))
            i += 8
        }
        var total = Int(c.sum())
        while i < count { if p[i] <= low || p[i] >= high { total += 1 }; i += 1 }
        return total
    }
}
