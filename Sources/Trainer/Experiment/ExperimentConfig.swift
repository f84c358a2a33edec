import Foundation
import Tracker

/// One run's configuration: what `tracker train CONFIG` reads (YAML or JSON) and what the
/// run stores, canonically, as its config. Keys are snake_case.
///
/// ```yaml
/// experiment: overfitting
/// seed: 1
/// threads: 1                      # BLAS threads (part of bit-identity)
/// data: {source: fashion-mnist, subset: {count: 1000, random: true}, validation: 5000}
/// model: {depth: 2, width: 512, activation: relu, dropout: 0.5, classes: 10}   # input is inferred
/// optimizer: {type: adam, lr: 0.001}
/// regularization: {l2: 0.0001}
/// epochs: 20
/// batch_size: 64
/// logging: {layer_stats_every: 20, checkpoint_every: 1, keep_checkpoints: 2, histograms: true}
/// early_stopping: {metric: val_loss, patience: 5}
/// landscape: {grid: 21, span: 1.0, samples: 1000}   # recorded when the run finishes (LandscapeSpec)
/// ```
public struct ExperimentConfig: Codable, Sendable, Equatable {
    public enum Loss: String, Codable, Sendable, CaseIterable { case crossEntropy = "cross_entropy", mse }

    public var experiment: String
    public var name: String?
    public var seed: UInt64
    public var threads: Int
    public var data: DatasetSpec
    public var model: ModelSpec
    public var loss: Loss
    public var optimizer: OptimizerSpec
    public var regularization: Regularization?
    public var epochs: Int
    public var batchSize: Int
    public var logging: LoggingSpec
    public var earlyStopping: EarlyStoppingSpec?
    public var diagnostics: DiagnosticsSpec
    /// A loss landscape to record around the final checkpoint once the run has finished.
    public var landscape: LandscapeSpec?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case experiment, name, seed, threads, data, model, loss, optimizer, regularization, epochs
        case batchSize = "batch_size", logging, earlyStopping = "early_stopping", diagnostics, landscape
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        experiment = try c.decode(String.self, forKey: .experiment)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        threads = try c.integer(.threads, in: 1...64) ?? 1
        data = try c.decode(DatasetSpec.self, forKey: .data)
        model = try c.decode(ModelSpec.self, forKey: .model)
        loss = try c.decodeIfPresent(Loss.self, forKey: .loss) ?? .crossEntropy
        optimizer = try c.decodeIfPresent(OptimizerSpec.self, forKey: .optimizer) ?? .adam()
        regularization = try c.decodeIfPresent(Regularization.self, forKey: .regularization)
        guard let epochs = try c.integer(.epochs, in: SpecBounds.epochs) else {
            throw TrainerError.invalidSpec(key: "epochs", message: "is required (the number of passes over the training data)")
        }
        self.epochs = epochs
        batchSize = try c.integer(.batchSize, in: SpecBounds.batchSize) ?? 64
        logging = try c.decodeIfPresent(LoggingSpec.self, forKey: .logging) ?? LoggingSpec()
        earlyStopping = try c.decodeIfPresent(EarlyStoppingSpec.self, forKey: .earlyStopping)
        diagnostics = try c.decodeIfPresent(DiagnosticsSpec.self, forKey: .diagnostics) ?? DiagnosticsSpec()
        landscape = try c.decodeIfPresent(LandscapeSpec.self, forKey: .landscape)
    }

    /// Checks every value; errors name the dotted key.
    public func validate() throws {
        func check(_ ok: Bool, _ key: String, _ message: String) throws {
            if !ok { throw TrainerError.invalidSpec(key: key, message: message) }
        }
        try check(!experiment.trimmingCharacters(in: .whitespaces).isEmpty, "experiment", "must not be empty")
        try check((1...64).contains(threads), "threads", "must be between 1 and 64, got \(threads)")
        try check(SpecBounds.epochs.contains(epochs), "epochs", "must be between 1 and \(SpecBounds.epochs.upperBound), got \(epochs)")
        try check(SpecBounds.batchSize.contains(batchSize), "batch_size", "must be between 1 and \(SpecBounds.batchSize.upperBound), got \(batchSize)")
        try data.validate()
        try model.validate()
        try model.checkBudget(batchSize: batchSize)
        try optimizer.validate()
        try regularization?.validate()
        try regularization?.schedule?.validate(epochs: epochs)
        try logging.validate()
        try earlyStopping?.validate()
        try diagnostics.validate()
        try landscape?.validate(line: false, prefix: "landscape.")
    }
}

/// What is logged how often.
public struct LoggingSpec: Codable, Sendable, Equatable {
    /// Gradient/activation statistics every N steps (0 = never).
    public var layerStatsEvery: Int = 10
    /// BatchNorm running statistics every epoch.
    public var bnStats: Bool = true
    /// Weight histograms per layer every epoch.
    public var histograms: Bool = false
    public var histogramBins: Int = 41
    /// A periodic checkpoint every N epochs (0 = none; `last` and `best` are still kept).
    public var checkpointEvery: Int = 1
    /// How many periodic checkpoints to keep (the newest).
    public var keepCheckpoints: Int = 3
    /// Keep a checkpoint of the best validation epoch.
    public var keepBest: Bool = true
    /// Weights with |w| below this count as near zero (sparsity).
    public var nearZero: Double = 1e-3

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case layerStatsEvery = "layer_stats_every", bnStats = "bn_stats", histograms, histogramBins = "histogram_bins"
        case checkpointEvery = "checkpoint_every", keepCheckpoints = "keep_checkpoints", keepBest = "keep_best", nearZero = "near_zero"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LoggingSpec()
        layerStatsEvery = try c.integer(.layerStatsEvery, in: SpecBounds.count) ?? d.layerStatsEvery
        bnStats = try c.decodeIfPresent(Bool.self, forKey: .bnStats) ?? d.bnStats
        histograms = try c.decodeIfPresent(Bool.self, forKey: .histograms) ?? d.histograms
        histogramBins = try c.integer(.histogramBins, in: 2...1000) ?? d.histogramBins
        checkpointEvery = try c.integer(.checkpointEvery, in: SpecBounds.count) ?? d.checkpointEvery
        keepCheckpoints = try c.integer(.keepCheckpoints, in: 1...1000) ?? d.keepCheckpoints
        keepBest = try c.decodeIfPresent(Bool.self, forKey: .keepBest) ?? d.keepBest
        nearZero = try c.decodeIfPresent(Double.self, forKey: .nearZero) ?? d.nearZero
    }

    func validate() throws {
        func check(_ ok: Bool, _ key: String, _ m: String) throws { if !ok { throw TrainerError.invalidSpec(key: "logging.\(key)", message: m) } }
        try check(layerStatsEvery >= 0, "layer_stats_every", "must be ≥ 0")
        try check(checkpointEvery >= 0, "checkpoint_every", "must be ≥ 0")
        try check(keepCheckpoints >= 1, "keep_checkpoints", "must be ≥ 1")
        try check((2...1000).contains(histogramBins), "histogram_bins", "must be between 2 and 1000")
        try check(nearZero > 0 && nearZero.isFinite, "near_zero", "must be > 0")
    }
}

/// Stop when a validation metric has not improved for `patience` epochs.
public struct EarlyStoppingSpec: Codable, Sendable, Equatable {
    public var metric: String = "val_loss"
    public var patience: Int = 5
    public var minDelta: Double = 0

    enum CodingKeys: String, CodingKey, CaseIterable { case metric, patience, minDelta = "min_delta" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metric = try c.decodeIfPresent(String.self, forKey: .metric) ?? "val_loss"
        patience = try c.integer(.patience, in: 1...SpecBounds.count.upperBound) ?? 5
        minDelta = try c.decodeIfPresent(Double.self, forKey: .minDelta) ?? 0
    }

    /// Whether larger is better for the metric.
    var maximize: Bool { metric.hasSuffix("acc") }

    func validate() throws {
        guard ["val_loss", "val_acc"].contains(metric) else {
            throw TrainerError.invalidSpec(key: "early_stopping.metric", message: "must be val_loss or val_acc, got '\(metric)'")
        }
        guard patience >= 1 else { throw TrainerError.invalidSpec(key: "early_stopping.patience", message: "must be ≥ 1") }
    }
}

/// Thresholds of the alerts computed from what is streamed (the rules and their defaults
/// are Tracker's `Alert` and `AlertThresholds`, shared with MLflow-client runs).
public struct DiagnosticsSpec: Codable, Sendable, Equatable {
    /// First-layer / last-layer gradient-norm ratio below this → vanishing gradients.
    public var vanishingRatio: Double = AlertThresholds().vanishingRatio
    /// Any parameter gradient norm above this → exploding gradients.
    public var explodingNorm: Double = AlertThresholds().explodingNorm
    /// A ReLU-family layer with more than this fraction of units dead in a batch → dead ReLUs.
    public var deadFraction: Double = AlertThresholds().deadFraction
    /// Validation loss rising this many epochs in a row while training loss falls → overfitting.
    public var overfitPatience: Int = AlertThresholds().overfitPatience

    /// The same thresholds, as the shared alert rules take them.
    public var thresholds: AlertThresholds {
        var t = AlertThresholds()
        t.vanishingRatio = vanishingRatio; t.explodingNorm = explodingNorm; t.deadFraction = deadFraction; t.overfitPatience = overfitPatience
        return t
    }

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vanishingRatio = "vanishing_ratio", explodingNorm = "exploding_norm", deadFraction = "dead_fraction", overfitPatience = "overfit_patience"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DiagnosticsSpec()
        vanishingRatio = try c.decodeIfPresent(Double.self, forKey: .vanishingRatio) ?? d.vanishingRatio
        explodingNorm = try c.decodeIfPresent(Double.self, forKey: .explodingNorm) ?? d.explodingNorm
        deadFraction = try c.decodeIfPresent(Double.self, forKey: .deadFraction) ?? d.deadFraction
        overfitPatience = try c.integer(.overfitPatience, in: 1...SpecBounds.count.upperBound) ?? d.overfitPatience
    }

    func validate() throws {
        func check(_ ok: Bool, _ key: String, _ m: String) throws { if !ok { throw TrainerError.invalidSpec(key: "diagnostics.\(key)", message: m) } }
        try check(vanishingRatio > 0, "vanishing_ratio", "must be > 0")
        try check(explodingNorm > 0, "exploding_norm", "must be > 0")
        try check(deadFraction > 0 && deadFraction <= 1, "dead_fraction", "must be in (0, 1]")
        try check(overfitPatience >= 1, "overfit_patience", "must be ≥ 1")
    }
}
