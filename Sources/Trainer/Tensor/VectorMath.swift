/// Eight-lane elementary functions for the activation loops.
///
/// `expf` from libm is a call per element; this exponential runs eight lanes at once
/// with the Cephes `expf` reduction and polynomial (relative error ≈ 2 ulp on the
/// clamped range [−87.3, 88.7]), and is deterministic across runs and machines.
public enum VectorMath {
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let hi = SIMD8<Float>(repeating: 88.37626), lo = SIMD8<Float>(repeating: -87.33654)
        var v = x.replacing(with: hi, where: x .> hi)
        v = v.replacing(with: lo, where: v .< lo)
        // n = round(v / ln 2) via the 1.5·2²³ trick (exact for |n| < 2²²).
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = v * 1.442_695_04 + magic
        let n = shifted - magic
        let r = v - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_1e-4)
        p = p * r + 1.398_199_9e-3
        p = p * r + 8.333_452e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_5e-1
        p = p * r + 5e-1
        let er = p * (r * r) + r + 1
        // 2ⁿ from the integer in the low mantissa bits of `shifted`.
        let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let twoN = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD8<Float>.self)
        return er * twoN
    }

    /// `y[i] = 1 / (1 + e^(−x[i]))` for `count` elements.
    static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let one = SIMD8<Float>(repeating: 1)
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let s = one / (one + exp(-v))
            UnsafeMutableRawPointer(y + i).storeBytes(of: s, as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            var tail = SIMD8<Float>()
            for j in i..<count { tail[j - i] = x[j] }
            let s = one / (one + exp(-tail))
            for j in i..<count { y[j] = s[j - i] }
        }
    }
}
