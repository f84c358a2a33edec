/// What differs between two runs: params, config, architecture (the config's `model`
/// section), environment, final/best metrics, and where their metric series part ways.
public struct RunDiff: Sendable, Equatable {
    /// One param that differs (nil: the run does not have it).
    public struct ParamChange: Sendable, Equatable {
        public var key: String
        public var a: ParamValue?
        public var b: ParamValue?
    }

    /// A metric in both runs (or one), side by side.
    public struct MetricComparison: Sendable, Equatable {
        public var key: String
        public var goal: MetricGoal
        public var finalA: Double?
        public var finalB: Double?
        public var bestA: Double?
        public var bestStepA: Int?
        public var bestB: Double?
        public var bestStepB: Int?
        /// finalB − finalA, when both are present.
        public var finalDelta: Double? { finalA.flatMap { a in finalB.map { $0 - a } } }
        /// bestB − bestA, when both are present.
        public var bestDelta: Double? { bestA.flatMap { a in bestB.map { $0 - a } } }
    }

    /// The first step at which two series of one metric differ bit for bit.
    public struct Divergence: Sendable, Equatable {
        public var key: String
        /// nil when the two series are identical.
        public var step: Int?
        /// The values at that step (nil: the run has no point there).
        public var a: Double?
        public var b: Double?
        /// Points compared (the common steps before the divergence, or all).
        public var matchingPoints: Int
        public var identical: Bool { step == nil }
    }

    public var a: RunInfo
    public var b: RunInfo
    public var params: [ParamChange]
    public var config: [JSONChange]
    /// Config changes under `model.` (layers, activation, norm placement, residual), by key path.
    public var architecture: [JSONChange]
    public var environment: [JSONChange]
    public var metrics: [MetricComparison]
    public var divergences: [Divergence]

    /// Whether the two runs share the config (same hash).
    public var sameConfig: Bool { a.configHash == b.configHash }
}
