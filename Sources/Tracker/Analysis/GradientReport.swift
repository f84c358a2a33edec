import Foundation

/// Gradient health of a run: per-tensor L2 norms over steps, the first/last weight-layer
/// ratio and a verdict (vanishing, exploding, healthy).
public struct GradientReport: Sendable, Equatable {
    public enum Verdict: String, Sendable, Equatable {
        case vanishing, exploding, healthy
        /// Not enough data (no weight tensors, or fewer than two).
        case unknown
    }

    /// Tensor names in recording order (first layer first).
    public var tensors: [String]
    /// All steps with a gradient statistic, ascending.
    public var steps: [Int]
    /// L2 norm per tensor per step (`norms[t][s]`, NaN where missing).
    public var norms: [[Double]]
    /// The first and last weight tensors (names ending in `weight`, `.w` or `kernel`).
    public var firstWeight: String?
    public var lastWeight: String?
    /// Median over steps of ‖∇ first‖ / ‖∇ last‖.
    public var firstLastRatio: Double?
    public var maxNorm: Double?
    /// Median of the total norm over the last tenth of steps ÷ over the first tenth.
    public var growth: Double?
    public var verdict: Verdict
    public var reason: String

    /// Thresholds: ratio below this is vanishing.
    public static let vanishingRatio = 1e-3
    /// A norm above this, or growth above `explodingGrowth`, is exploding.
    public static let explodingNorm = 1e3
    public static let explodingGrowth = 1e2

    public init(stats: [GradStat]) {
        var order: [String] = []
        var seen = Set<String>()
        for g in stats where seen.insert(g.tensor).inserted { order.append(g.tensor) }
        let index = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
        let steps = Array(Set(stats.map(\.step))).sorted()
        let column = Dictionary(uniqueKeysWithValues: steps.enumerated().map { ($0.element, $0.offset) })
        var norms = Array(repeating: Array(repeating: Double.nan, count: steps.count), count: order.count)
        for g in stats { if let t = index[g.tensor], let s = column[g.step] { norms[t][s] = g.l2 } }
        self.init(tensors: order, steps: steps, norms: norms, recordedNaN: stats.contains { $0.l2.isNaN })
    }

    /// From the norm matrix (`norms[t][s]`, NaN where missing); `recordedNaN` says a stored
    /// norm itself was NaN (which counts as exploding). Tensors are put in depth order.
    public init(tensors unordered: [String], steps: [Int], norms unorderedNorms: [[Double]], recordedNaN: Bool) {
        let perm = GradientReport.depthPermutation(unordered)
        let order = perm.map { unordered[$0] }, norms = perm.map { unorderedNorms[$0] }
        let index = Dictionary(order.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        tensors = order
        self.steps = steps
        self.norms = norms
        let weights = order.filter(GradientReport.isWeight)
        firstWeight = weights.first
        lastWeight = weights.count > 1 ? weights.last : nil
        var maxNorm: Double?
        for row in norms { for v in row where v.isFinite && v > (maxNorm ?? -.infinity) { maxNorm = v } }
        self.maxNorm = maxNorm
        if let f = firstWeight.flatMap({ index[$0] }), let l = lastWeight.flatMap({ index[$0] }) {
            let ratios = zip(norms[f], norms[l]).compactMap { a, b -> Double? in a.isFinite && b.isFinite && b > 0 ? a / b : nil }
            firstLastRatio = GradientReport.median(ratios)
        }
        var squares = [Double](repeating: 0, count: steps.count)
        for row in norms { for (s, v) in row.enumerated() where v.isFinite { squares[s] += v * v } }
        let totals = squares.map { $0.squareRoot() }
        if totals.count >= 4 {
            let tenth = max(1, totals.count / 10)
            if let head = GradientReport.median(Array(totals.prefix(tenth))), let tail = GradientReport.median(Array(totals.suffix(tenth))), head > 0 {
                growth = tail / head
            }
        }
        let hasNonFinite = norms.joined().contains { !$0.isFinite && !$0.isNaN } || recordedNaN
        if hasNonFinite || (maxNorm ?? 0) > GradientReport.explodingNorm {
            verdict = .exploding
            reason = hasNonFinite ? "non-finite gradient norms" : "a gradient norm reached \(GradientReport.short(maxNorm ?? 0)) (> 1e3)"
        } else if let g = growth, g > GradientReport.explodingGrowth {
            verdict = .exploding
            reason = "the total gradient norm grew \(GradientReport.short(g))× over training"
        } else if let r = firstLastRatio, r < GradientReport.vanishingRatio {
            verdict = .vanishing
            reason = "the first layer's gradient is \(GradientReport.short(r))× the last layer's (< 1e-3)"
        } else if let r = firstLastRatio {
            verdict = .healthy
            reason = "first/last layer gradient ratio \(GradientReport.short(r)), norms bounded"
        } else {
            verdict = .unknown
            reason = weights.isEmpty ? "no weight tensors among the gradient statistics" : "only one weight tensor"
        }
    }

    /// Compares names piecewise, numbers by value: `layers.2.weight` < `layers.10.weight`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func parts(_ s: String) -> [(String, Int?)] {
            var out: [(String, Int?)] = [], cur = "", digits = false
            for c in s {
                if c.isNumber != digits, !cur.isEmpty { out.append((cur, digits ? Int(cur) : nil)); cur = "" }
                digits = c.isNumber
                cur.append(c)
            }
            if !cur.isEmpty { out.append((cur, digits ? Int(cur) : nil)) }
            return out
        }
        for (x, y) in zip(parts(a), parts(b)) where x.0 != y.0 {
            if let i = x.1, let j = y.1 { return i < j }
            return x.0 < y.0
        }
        return a.count < b.count
    }

    /// The indices of `names` in depth order: indexed names (`layers.10.weight`) sort by
    /// their numbers, so depth reads top to bottom; other names keep the order given.
    static func depthPermutation(_ names: [String]) -> [Int] {
        guard names.allSatisfy({ $0.contains(where: \.isNumber) }) else { return Array(names.indices) }
        return names.indices.sorted { GradientReport.naturalOrder(names[$0], names[$1]) }
    }

    static func isWeight(_ name: String) -> Bool {
        let n = name.lowercased()
        return n.hasSuffix("weight") || n.hasSuffix(".w") || n.hasSuffix("kernel")
    }

    static func median(_ v: [Double]) -> Double? {
        let s = v.sorted()
        guard !s.isEmpty else { return nil }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func short(_ d: Double) -> String {
        let a = abs(d)
        if a != 0 && (a < 1e-3 || a >= 1e4) {
            let e = Int((log10(a)).rounded(.down))
            let m = d / pow(10, Double(e))
            return "\((m * 10).rounded() / 10)e\(e)"
        }
        return "\((d * 1000).rounded() / 1000)"
    }
}
