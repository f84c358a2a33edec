/// One point of a metric series. `value` may be NaN or ±Inf; both round-trip.
public struct MetricPoint: Sendable, Equatable, Codable {
    public var key: String
    public var step: Int
    public var epoch: Int?
    public var value: Double
    public var wallTime: Double

    public init(key: String, step: Int, epoch: Int? = nil, value: Double, wallTime: Double) {
        self.key = key; self.step = step; self.epoch = epoch; self.value = value; self.wallTime = wallTime
    }

    /// Equality that treats NaN as equal to NaN (bit patterns aside), for comparing series.
    public func sameValue(as other: MetricPoint) -> Bool {
        key == other.key && step == other.step && epoch == other.epoch
            && (value.bitPattern == other.value.bitPattern || (value.isNaN && other.value.isNaN))
    }
}

/// Gradient statistics of one parameter tensor (`layers.3.weight`) at one step.
public struct GradStat: Sendable, Equatable, Codable {
    public var tensor: String
    public var step: Int
    public var epoch: Int?
    public var l2: Double
    public var mean: Double
    public var std: Double
    public var maxAbs: Double
    public var zeroFraction: Double
    /// ‖update‖ / ‖weight‖ of the optimizer step, when known.
    public var updateRatio: Double?

    public init(tensor: String, step: Int, epoch: Int? = nil, l2: Double, mean: Double, std: Double,
                maxAbs: Double, zeroFraction: Double, updateRatio: Double? = nil) {
        self.tensor = tensor; self.step = step; self.epoch = epoch; self.l2 = l2; self.mean = mean
        self.std = std; self.maxAbs = maxAbs; self.zeroFraction = zeroFraction; self.updateRatio = updateRatio
    }
}

/// A named statistic of a layer at one step (dead-ReLU fraction, weight norm, sparsity…).
public struct LayerStat: Sendable, Equatable, Codable {
    public var layer: String
    public var stat: String
    public var step: Int
    public var epoch: Int?
    public var value: Double

    public init(layer: String, stat: String, step: Int, epoch: Int? = nil, value: Double) {
        self.layer = layer; self.stat = stat; self.step = step; self.epoch = epoch; self.value = value
    }
}

/// BatchNorm running statistics of one layer at one step.
public struct BNStat: Sendable, Equatable, Codable {
    public var layer: String
    public var step: Int
    public var epoch: Int?
    public var runningMean: [Float]
    public var runningVar: [Float]

    public init(layer: String, step: Int, epoch: Int? = nil, runningMean: [Float], runningVar: [Float]) {
        self.layer = layer; self.step = step; self.epoch = epoch
        self.runningMean = runningMean; self.runningVar = runningVar
    }

    public var meanAverage: Double { runningMean.isEmpty ? 0 : runningMean.reduce(0.0) { $0 + Double($1) } / Double(runningMean.count) }
    public var meanAbsMax: Double { runningMean.reduce(0.0) { Swift.max($0, abs(Double($1))) } }
    public var varAverage: Double { runningVar.isEmpty ? 0 : runningVar.reduce(0.0) { $0 + Double($1) } / Double(runningVar.count) }
    public var varMin: Double { runningVar.map(Double.init).min() ?? 0 }
    public var varMax: Double { runningVar.map(Double.init).max() ?? 0 }
}

/// An equal-width histogram of a tensor's values over [lo, hi] at one step.
public struct HistogramRecord: Sendable, Equatable, Codable {
    public var tensor: String
    public var step: Int
    public var epoch: Int?
    public var lo: Double
    public var hi: Double
    public var counts: [Int32]

    public init(tensor: String, step: Int, epoch: Int? = nil, lo: Double, hi: Double, counts: [Int32]) {
        self.tensor = tensor; self.step = step; self.epoch = epoch; self.lo = lo; self.hi = hi; self.counts = counts
    }
}

public enum EventLevel: String, Sendable, Codable, CaseIterable { case info, warning, error }

/// Something worth knowing about a run: an alert (NaN loss, vanishing gradients…) or a lifecycle note.
public struct Event: Sendable, Equatable, Codable {
    public var kind: String
    public var level: EventLevel
    public var message: String
    public var step: Int?
    public var epoch: Int?
    public var createdAt: Double

    public init(kind: String, level: EventLevel = .info, message: String, step: Int? = nil, epoch: Int? = nil, createdAt: Double = 0) {
        self.kind = kind; self.level = level; self.message = message; self.step = step; self.epoch = epoch; self.createdAt = createdAt
    }
}

/// The one primitive of recording: everything a training step may log, written together.
public struct RecordBatch: Sendable {
    public var metrics: [MetricPoint] = []
    public var gradStats: [GradStat] = []
    public var layerStats: [LayerStat] = []
    public var bnStats: [BNStat] = []
    public var histograms: [HistogramRecord] = []
    public var events: [Event] = []

    public init() {}

    public var count: Int {
        metrics.count + gradStats.count + layerStats.count + bnStats.count + histograms.count + events.count
    }

    public var isEmpty: Bool { count == 0 }

    mutating func append(_ other: RecordBatch) {
        metrics += other.metrics; gradStats += other.gradStats; layerStats += other.layerStats
        bnStats += other.bnStats; histograms += other.histograms; events += other.events
    }
}

public enum CheckpointKind: String, Sendable, Codable, CaseIterable { case periodic, best, last, interrupt }

/// A stored checkpoint (its bytes are read separately and verified against `sha256`).
public struct CheckpointInfo: Sendable, Equatable, Codable {
    public var id: Int64
    public var runID: String
    public var step: Int
    public var epoch: Int?
    public var kind: CheckpointKind
    public var sha256: String
    public var size: Int
    public var createdAt: Double
}
