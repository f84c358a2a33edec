/// One tensor's prior fits at one step, as a run stores them.
public struct PriorFitRecord: Sendable, Equatable {
    public var tensor: String
    public var step: Int
    public var epoch: Int?
    public var fit: PriorFit
}

extension PriorFit {
    /// The layer-stat names the fits are stored under (one series each per tensor).
    public enum Stat: String, CaseIterable, Sendable {
        case count = "prior_count"
        case laplaceLocation = "prior_laplace_loc", laplaceScale = "prior_laplace_scale", laplaceLogLikelihood = "prior_laplace_loglik"
        case gaussianMean = "prior_gaussian_mean", gaussianStd = "prior_gaussian_std", gaussianLogLikelihood = "prior_gaussian_loglik"
    }

    /// The fit as per-layer statistics of `layer` (what the training loop records).
    public func layerStats(layer: String, step: Int, epoch: Int?) -> [LayerStat] {
        let values: [(Stat, Double)] = [
            (.count, Double(count)), (.laplaceLocation, laplaceLocation), (.laplaceScale, laplaceScale),
            (.laplaceLogLikelihood, laplaceLogLikelihood), (.gaussianMean, gaussianMean), (.gaussianStd, gaussianStd),
            (.gaussianLogLikelihood, gaussianLogLikelihood),
        ]
        return values.map { LayerStat(layer: layer, stat: $0.0.rawValue, step: step, epoch: epoch, value: $0.1) }
    }

    /// The fit back from its stored statistics; nil when one is missing or not a usable number.
    init?(stats: [Stat: Double]) {
        guard let n = stats[.count], n.isFinite, n >= 2, n <= Double(Int32.max),
              let loc = stats[.laplaceLocation], let b = stats[.laplaceScale], let mean = stats[.gaussianMean], let sigma = stats[.gaussianStd],
              loc.isFinite, mean.isFinite, b.isFinite, b > 0, sigma.isFinite, sigma > 0 else { return nil }
        self.init(count: Int(n), laplaceLocation: loc, laplaceScale: b, gaussianMean: mean, gaussianStd: sigma)
        if let l = stats[.laplaceLogLikelihood] { laplaceLogLikelihood = l }
        if let g = stats[.gaussianLogLikelihood] { gaussianLogLikelihood = g }
    }
}

extension Store {
    /// The Laplace and Gaussian fits a run recorded with its histograms, by tensor then step.
    public func priorFits(run: some RunIdentifier) throws -> [PriorFitRecord] {
        var grouped: [String: [Int: (epoch: Int?, stats: [PriorFit.Stat: Double])]] = [:]
        for s in try layerStats(run: run) {
            guard let stat = PriorFit.Stat(rawValue: s.stat) else { continue }
            grouped[s.layer, default: [:]][s.step, default: (s.epoch, [:])].stats[stat] = s.value
        }
        var out: [PriorFitRecord] = []
        for (tensor, steps) in grouped.sorted(by: { $0.key < $1.key }) {
            for (step, entry) in steps.sorted(by: { $0.key < $1.key }) {
                if let fit = PriorFit(stats: entry.stats) { out.append(PriorFitRecord(tensor: tensor, step: step, epoch: entry.epoch, fit: fit)) }
            }
        }
        return out
    }
}
