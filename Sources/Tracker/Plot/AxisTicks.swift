import Foundation

/// Tick positions and labels for chart axes.
public enum AxisTicks {
    /// About `count` "nice" ticks (1, 2 or 5 × 10ᵏ apart) covering [lo, hi], and the widened range.
    public static func linear(lo: Double, hi: Double, count: Int = 5) -> (ticks: [Double], lo: Double, hi: Double) {
        var lo = lo, hi = hi
        if !(lo.isFinite && hi.isFinite) { return ([0, 1], 0, 1) }
        if lo == hi { lo -= lo == 0 ? 1 : abs(lo) * 0.1; hi += hi == 0 ? 1 : abs(hi) * 0.1 }
        let raw = (hi - lo) / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let start = floor(lo / step) * step, end = ceil(hi / step) * step
        var ticks: [Double] = []
        var t = start
        while t <= end + step * 0.5, ticks.count < 50 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return (ticks, start, end)
    }

    /// Decade ticks (with 2 and 5 in between when the range spans under two decades)
    /// for a log axis over positive [lo, hi]; returns log10 positions.
    public static func log(lo: Double, hi: Double) -> (ticks: [Double], lo: Double, hi: Double) {
        guard lo > 0, hi > 0, lo.isFinite, hi.isFinite else { return ([0, 1], 0, 1) }
        var a = floor(log10(lo)), b = ceil(log10(hi))
        if a == b { a -= 1; b += 1 }
        var ticks: [Double] = []
        for e in Int(a)...Int(b) {
            ticks.append(Double(e))
            if b - a < 2 && e < Int(b) { ticks += [log10(2) + Double(e), log10(5) + Double(e)] }
        }
        return (ticks, a, b)
    }

    /// Short label: integers plainly, small/large values in exponent form, else up to 4 significant digits.
    public static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return CFormat.string("%.3g", v) }
        if v == v.rounded() { return String(Int64(v)) }
        return CFormat.string("%.4g", v)
    }
}
