import Foundation

/// Maximum-likelihood fits of a Laplace and a Gaussian density to a tensor's values: the
/// MAP reading of L1 and L2 (an L1 penalty is the negative log of a Laplace prior on the
/// weights, an L2 penalty that of a Gaussian one), so the better-fitting density says which
/// prior the trained weights look drawn from.
///
/// Closed forms: Laplace location = median, scale b = mean |w − median|; Gaussian mean and
/// (population) standard deviation σ. At the maximum the mean log-likelihood per value is
/// `−log(2b) − 1` (Laplace) and `−½ log(2πσ²) − ½` (Gaussian).
public struct PriorFit: Sendable, Equatable, Codable {
    public enum Prior: String, Sendable, Codable, CaseIterable { case laplace, gaussian }

    public var count: Int
    public var laplaceLocation: Double
    public var laplaceScale: Double
    /// Mean log-likelihood per value under the fitted Laplace density (nats).
    public var laplaceLogLikelihood: Double
    public var gaussianMean: Double
    public var gaussianStd: Double
    /// Mean log-likelihood per value under the fitted Gaussian density (nats).
    public var gaussianLogLikelihood: Double

    public init(count: Int, laplaceLocation: Double, laplaceScale: Double, gaussianMean: Double, gaussianStd: Double) {
        self.count = count
        self.laplaceLocation = laplaceLocation
        self.laplaceScale = laplaceScale
        self.gaussianMean = gaussianMean
        self.gaussianStd = gaussianStd
        laplaceLogLikelihood = -log(2 * laplaceScale) - 1
        gaussianLogLikelihood = -0.5 * log(2 * Double.pi * gaussianStd * gaussianStd) - 0.5
    }

    /// The fits of `values`; nil when fewer than two values are finite or they are all equal
    /// (a zero scale has no density). Non-finite values are left out.
    public static func fit(_ values: some Collection<Float>) -> PriorFit? {
        var xs = values.compactMap { $0.isFinite ? Double($0) : nil }
        guard xs.count >= 2 else { return nil }
        xs.sort()
        let n = xs.count, half = n / 2
        let median = n % 2 == 1 ? xs[half] : (xs[half - 1] + xs[half]) / 2
        var absSum = 0.0, sum = 0.0
        for x in xs { absSum += abs(x - median); sum += x }
        let mean = sum / Double(n)
        var squares = 0.0
        for x in xs { squares += (x - mean) * (x - mean) }
        let b = absSum / Double(n), sigma = (squares / Double(n)).squareRoot()
        guard b > 0, sigma > 0, b.isFinite, sigma.isFinite else { return nil }
        return PriorFit(count: n, laplaceLocation: median, laplaceScale: b, gaussianMean: mean, gaussianStd: sigma)
    }

    /// The density with the higher likelihood (Laplace on a tie).
    public var better: Prior { gaussianLogLikelihood > laplaceLogLikelihood ? .gaussian : .laplace }

    /// Mean log-likelihood per value of the Laplace fit minus the Gaussian fit's (> 0: Laplace fits better).
    public var laplaceAdvantage: Double { laplaceLogLikelihood - gaussianLogLikelihood }

    /// The fitted density of `prior` at `x`.
    public func density(_ prior: Prior, at x: Double) -> Double {
        switch prior {
        case .laplace: return exp(-abs(x - laplaceLocation) / laplaceScale) / (2 * laplaceScale)
        case .gaussian:
            let z = (x - gaussianMean) / gaussianStd
            return exp(-0.5 * z * z) / (gaussianStd * (2 * Double.pi).squareRoot())
        }
    }

    /// The fitted distribution function of `prior` at `x`.
    public func cumulative(_ prior: Prior, at x: Double) -> Double {
        switch prior {
        case .laplace:
            let z = (x - laplaceLocation) / laplaceScale
            return z < 0 ? 0.5 * exp(z) : 1 - 0.5 * exp(-z)
        case .gaussian:
            return 0.5 * (1 + erf((x - gaussianMean) / (gaussianStd * 2.0.squareRoot())))
        }
    }

    /// How many of `count` values the fitted `prior` expects in each of `bins` equal bins over [lo, hi].
    public func expectedCounts(_ prior: Prior, bins: Int, lo: Double, hi: Double) -> [Double] {
        guard bins > 0, hi > lo else { return [] }
        let w = (hi - lo) / Double(bins)
        return (0..<bins).map { i in
            Double(count) * (cumulative(prior, at: lo + Double(i + 1) * w) - cumulative(prior, at: lo + Double(i) * w))
        }
    }
}
