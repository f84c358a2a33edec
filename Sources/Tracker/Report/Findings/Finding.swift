/// One claim of a study checked against its runs: what was expected, whether the measured
/// values bear it out, and a sentence with those values. The same predicates write a
/// report's findings paragraph (`tracker report`) and hold the findings tests, so a report
/// can only say what its own numbers show.
public struct Finding: Sendable, Equatable {
    /// The expectation, as the notes state it ("BatchNorm rescues the deep sigmoid net").
    public var claim: String
    /// Whether the measured values satisfy the predicate.
    public var holds: Bool
    /// What was measured, with the numbers ("sigmoid val_acc 0.10 vs sigmoid+batchnorm 0.77").
    public var measured: String

    public init(claim: String, holds: Bool, measured: String) {
        self.claim = claim
        self.holds = holds
        self.measured = measured
    }

    /// The report's sentence: the claim, then whether the data shows it, then the numbers.
    public var sentence: String {
        "\(claim): \(holds ? "**shown**" : "**not shown** in these runs") (\(measured))."
    }
}

/// The findings of one experiment's runs, by study: the experiment name picks the predicates.
public enum Findings {
    /// The studies with predicates, by experiment name.
    public static let studies: [String: @Sendable (StudyRuns) throws -> [Finding]] = [
        "vanishing": vanishing,
        "normalization": normalization,
        "residual": residual,
        "overfitting": overfitting,
        "regularization": regularization,
        "width": width,
        "padded": padded,
    ]

    /// The findings of `experiment` (none for an experiment without predicates).
    public static func of(experiment: String, runs: StudyRuns) throws -> [Finding] {
        try studies[experiment].map { try $0(runs) } ?? []
    }
}

/// An experiment's runs as the predicates read them: params, final metrics and series.
public struct StudyRuns {
    public let store: Store
    public let runs: [RunSummary]

    public init(store: Store, runs: [RunSummary]) {
        self.store = store
        self.runs = runs
    }

    /// The runs whose params match every given value (compared as text, so `10` matches 10).
    public func matching(_ values: [String: String]) -> [RunSummary] {
        runs.filter { r in values.allSatisfy { r.params[$0.key]?.description == $0.value } }
    }

    /// A param as a number (nil when missing or not numeric).
    public static func number(_ run: RunSummary, _ key: String) -> Double? {
        switch run.params[key] {
        case .int(let i): Double(i)
        case .real(let d): d
        case .text(let s): Double(s)
        default: nil
        }
    }

    /// A metric's last value.
    public static func last(_ run: RunSummary, _ metric: String) -> Double? { run.metrics[metric]?.last }

    /// A metric's whole series, by step.
    public func series(_ run: RunSummary, _ metric: String) throws -> [MetricPoint] {
        try store.metricSeries(run: run.run.id, key: metric)
    }

    /// The value of a metric at its first recorded step.
    public func first(_ run: RunSummary, _ metric: String) throws -> Double? { try series(run, metric).first?.value }

    /// The mean over layers of a per-layer statistic at its last recorded step (nil when never recorded).
    public func lastLayerMean(_ run: RunSummary, stat: String) throws -> Double? {
        let stats = try store.layerStats(run: run.run.id, stat: stat)
        guard let step = stats.map(\.step).max() else { return nil }
        let values = stats.filter { $0.step == step && $0.value.isFinite }.map(\.value)
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The distinct values of a numeric param among the runs, ascending.
    public func values(of key: String) -> [Double] {
        Array(Set(runs.compactMap { Self.number($0, key) })).sorted()
    }
}

extension StudyRuns {
    /// The hidden widths of a run's MLP shorthand (`model.widths.0`, `.1`, …), in order.
    public static func widths(_ run: RunSummary) -> [Double] {
        var out: [Double] = []
        while let w = number(run, "model.widths.\(out.count)") { out.append(w) }
        return out
    }

    /// A number for a sentence: `Format.number`'s rule (4 significant digits, exponents for tiny ratios).
    static func show(_ v: Double?) -> String { Format.number(v) }
}
