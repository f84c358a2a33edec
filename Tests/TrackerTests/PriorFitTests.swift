import Foundation
import Testing
@testable import Tracker

/// The Laplace and Gaussian maximum-likelihood fits behind the MAP reading of L1/L2,
/// checked against direct computation on seeded generated samples.
@Suite("Prior fits of weights")
struct PriorFitTests {
    /// `n` draws of a Laplace (inverse CDF) or Gaussian (Box–Muller) variable from the seeded stream.
    static func sample(_ prior: PriorFit.Prior, n: Int, location: Double, scale: Double, seed: UInt64) -> [Float] {
        var g = SplitMix64(state: seed)
        return (0..<n).map { _ in
            let u = max(1e-12, min(1 - 1e-12, g.unit()))
            switch prior {
            case .laplace: return Float(u < 0.5 ? location + scale * log(2 * u) : location - scale * log(2 * (1 - u)))
            case .gaussian: return Float(location + scale * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * g.unit()))
            }
        }
    }

    /// The mean log-density of the values under a fit, summed one value at a time.
    static func directLogLikelihood(_ fit: PriorFit, _ prior: PriorFit.Prior, _ xs: [Float]) -> Double {
        xs.reduce(0) { $0 + log(fit.density(prior, at: Double($1))) } / Double(xs.count)
    }

    @Test("location, scale and log-likelihood equal their direct computation (median, mean |w − median|, mean, σ, Σ log p / n) on seeded samples")
    func closedFormsMatchDirectComputation() throws {
        var g = SplitMix64(state: 2026)
        for trial in 0..<12 {
            let prior: PriorFit.Prior = trial % 2 == 0 ? .laplace : .gaussian
            let n = 3 + g.below(3000), loc = g.unit() * 0.2 - 0.1, scale = 0.001 + g.unit() * 0.1
            let xs = Self.sample(prior, n: n, location: loc, scale: scale, seed: g.next())
            let fit = try #require(PriorFit.fit(xs))
            let sorted = xs.map(Double.init).sorted()
            let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            let b = sorted.reduce(0) { $0 + abs($1 - median) } / Double(n)
            let mean = sorted.reduce(0, +) / Double(n)
            let sigma = (sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
            #expect(fit.count == n)
            #expect(fit.laplaceLocation == median)
            #expect(abs(fit.laplaceScale - b) <= 1e-12 * b)
            #expect(abs(fit.gaussianMean - mean) <= 1e-12 + 1e-9 * abs(mean))
            #expect(abs(fit.gaussianStd - sigma) <= 1e-9 * sigma)
            #expect(abs(fit.laplaceLogLikelihood - Self.directLogLikelihood(fit, .laplace, xs)) < 1e-9, "trial \(trial)")
            #expect(abs(fit.gaussianLogLikelihood - Self.directLogLikelihood(fit, .gaussian, xs)) < 1e-9, "trial \(trial)")
        }
    }

    @Test("the fits are maxima: moving the location or scale lowers the directly computed likelihood")
    func fitsAreMaxima() throws {
        let xs = Self.sample(.laplace, n: 2001, location: 0.02, scale: 0.05, seed: 9)
        let fit = try #require(PriorFit.fit(xs))
        for factor in [0.8, 0.95, 1.05, 1.25] {
            let scaled = PriorFit(count: fit.count, laplaceLocation: fit.laplaceLocation, laplaceScale: fit.laplaceScale * factor,
                                  gaussianMean: fit.gaussianMean, gaussianStd: fit.gaussianStd * factor)
            #expect(Self.directLogLikelihood(scaled, .laplace, xs) < fit.laplaceLogLikelihood)
            #expect(Self.directLogLikelihood(scaled, .gaussian, xs) < fit.gaussianLogLikelihood)
        }
        for shift in [-0.01, 0.01] {
            let moved = PriorFit(count: fit.count, laplaceLocation: fit.laplaceLocation + shift, laplaceScale: fit.laplaceScale,
                                 gaussianMean: fit.gaussianMean + shift, gaussianStd: fit.gaussianStd)
            #expect(Self.directLogLikelihood(moved, .laplace, xs) < fit.laplaceLogLikelihood)
            #expect(Self.directLogLikelihood(moved, .gaussian, xs) < fit.gaussianLogLikelihood)
        }
    }

    @Test("samples drawn from a Laplace are fitted better by the Laplace density, Gaussian samples by the Gaussian (20 seeds each)")
    func betterPriorNamesTheGenerator() throws {
        for seed in UInt64(1)...20 {
            for prior in PriorFit.Prior.allCases {
                let fit = try #require(PriorFit.fit(Self.sample(prior, n: 4000, location: 0, scale: 0.03, seed: seed)))
                #expect(fit.better == prior, "seed \(seed), \(prior): Laplace \(fit.laplaceLogLikelihood), Gaussian \(fit.gaussianLogLikelihood)")
            }
        }
    }

    @Test("expected counts per bin add up to the fitted mass inside the range; densities integrate to the CDF")
    func expectedCounts() throws {
        let xs = Self.sample(.gaussian, n: 1000, location: 0.1, scale: 0.2, seed: 4)
        let fit = try #require(PriorFit.fit(xs))
        for prior in PriorFit.Prior.allCases {
            let counts = fit.expectedCounts(prior, bins: 41, lo: -0.5, hi: 0.7)
            let mass = fit.cumulative(prior, at: 0.7) - fit.cumulative(prior, at: -0.5)
            #expect(counts.count == 41)
            #expect(abs(counts.reduce(0, +) - 1000 * mass) < 1e-6)
            // Midpoint rule over a fine grid ≈ the CDF difference.
            let steps = 20000, h = 1.2 / Double(steps)
            let integral = (0..<steps).reduce(0.0) { $0 + fit.density(prior, at: -0.5 + (Double($1) + 0.5) * h) * h }
            #expect(abs(integral - mass) < 1e-6, "\(prior)")
        }
        #expect(fit.expectedCounts(.laplace, bins: 0, lo: 0, hi: 1).isEmpty)
        #expect(fit.expectedCounts(.laplace, bins: 3, lo: 1, hi: 1).isEmpty)
    }

    @Test("no fit for fewer than two finite values or for equal values; non-finite values are left out")
    func degenerate() {
        #expect(PriorFit.fit([Float]()) == nil)
        #expect(PriorFit.fit([Float(0.5)]) == nil)
        #expect(PriorFit.fit([Float](repeating: 0.25, count: 10)) == nil)
        #expect(PriorFit.fit([Float.nan, .infinity, 1]) == nil)
        #expect(PriorFit.fit([Float.nan, 1, 2])?.count == 2)
    }

    @Test("fits recorded as layer stats read back by tensor and step; a half-written fit is skipped")
    func storedFitsRoundTrip() throws {
        let tmp = TempDir()
        let store = try Store(path: tmp.path("t.db"))
        let rec = try store.startRun(sampleStart())
        let a = try #require(PriorFit.fit(Self.sample(.laplace, n: 500, location: 0, scale: 0.1, seed: 1)))
        let b = try #require(PriorFit.fit(Self.sample(.gaussian, n: 300, location: 0, scale: 0.1, seed: 2)))
        rec.log(layerStats: a.layerStats(layer: "layers.0.weight", step: 10, epoch: 1) + b.layerStats(layer: "layers.2.weight", step: 10, epoch: 1))
        rec.log(layerStats: [LayerStat(layer: "layers.4.weight", stat: PriorFit.Stat.laplaceScale.rawValue, step: 10, epoch: 1, value: 0.1)])
        try rec.finish(.finished)
        let back = try store.priorFits(run: rec.runID)
        #expect(back.map(\.tensor) == ["layers.0.weight", "layers.2.weight"])
        #expect(back.map(\.fit) == [a, b])
        #expect(back.allSatisfy { $0.step == 10 && $0.epoch == 1 })
    }

    @Test("the histogram SVG draws both fitted densities when a fit is given, and none without")
    func histogramOverlay() throws {
        let xs = Self.sample(.laplace, n: 800, location: 0, scale: 0.05, seed: 3)
        let fit = try #require(PriorFit.fit(xs))
        let h = HistogramRecord(tensor: "layers.0.weight", step: 5, epoch: 1, lo: -0.4, hi: 0.4, counts: (0..<21).map { Int32(abs(10 - $0)) })
        let with = HistogramSVG(histogram: h, fit: fit).svg(), without = HistogramSVG(histogram: h).svg()
        #expect(with.contains("class=\"fit-laplace\"") && with.contains("class=\"fit-gaussian\""))
        #expect(!without.contains("polyline"))
        #expect(!with.contains("nan") && !with.contains("inf"))
    }
}
