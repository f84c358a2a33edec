/// The lifecycle state of a run.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case running, finished, failed, interrupted, crashed, diverged
    /// Recorded by `tracker sweep submit`, waiting for a `tracker agent` to claim it.
    case queued
}

/// How a run came to be.
public enum RunOrigin: String, Sendable, Codable, CaseIterable {
    case new, sweep, rerun, resume
    /// Logged by an MLflow client through `tracker server`, not trained by tracker.
    case mlflowClient = "mlflow-client"
}

/// A typed hyperparameter value. Params are immutable once logged.
public enum ParamValue: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    case int(Int64)
    case real(Double)
    case text(String)
    case bool(Bool)
    case null

    /// The param for a JSON leaf.
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .real(d)
        case .string(let s): self = .text(s)
        case .array, .object: self = .text(json.canonical)
        }
    }

    var typeName: String {
        switch self {
        case .int: "int"
        case .real: "real"
        case .text: "text"
        case .bool: "bool"
        case .null: "null"
        }
    }

    /// Canonical text form (what `tracker runs` prints and `=` compares for text).
    public var description: String {
        switch self {
        case .int(let i): String(i)
        case .real(let d): JSONValue.format(d).replacingOccurrences(of: "\"", with: "")
        case .text(let s): s
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }

    /// Numeric form for comparisons; booleans count as 0/1.
    public var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .real(let d): d
        case .bool(let b): b ? 1 : 0
        case .text, .null: nil
        }
    }

    public var json: JSONValue {
        switch self {
        case .int(let i): .int(i)
        case .real(let d): .double(d)
        case .text(let s): .string(s)
        case .bool(let b): .bool(b)
        case .null: .null
        }
    }

    static func decode(type: String, text: String, number: Double?) -> ParamValue {
        switch type {
        case "int": return Int64(text).map { .int($0) } ?? .text(text)
        case "real": return number.map { .real($0) } ?? (Double(text).map { .real($0) } ?? .real(.nan))
        case "bool": return .bool(text == "true")
        case "null": return .null
        default: return .text(text)
        }
    }
}

/// What is needed to start a run.
public struct RunStart: Sendable {
    public var experiment: String
    public var name: String
    /// The run's configuration; stored canonically with its SHA-256.
    public var config: JSONValue
    public var seed: UInt64
    /// Tool version, git commit, Swift version, OS, CPU, BLAS and threads, dataset fingerprint…
    public var environment: JSONValue
    /// The run this one derives from (a rerun's original): a resolved `RunRef`, or an id or prefix.
    public var parent: (any RunIdentifier)?
    public var origin: RunOrigin

    public init(experiment: String, name: String, config: JSONValue, seed: UInt64,
                environment: JSONValue = .object([:]), parent: (any RunIdentifier)? = nil, origin: RunOrigin = .new) {
        self.experiment = experiment
        self.name = name
        self.config = config
        self.seed = seed
        self.environment = environment
        self.parent = parent
        self.origin = origin
    }
}

/// A stored run, as read back.
public struct RunInfo: Sendable, Equatable, Codable {
    public var id: String
    public var uuid: String
    public var experiment: String
    public var name: String
    public var status: RunStatus
    public var createdAt: Double
    public var startedAt: Double?
    public var endedAt: Double?
    public var seed: UInt64
    public var config: String
    public var configHash: String
    public var environment: String
    public var parentID: String?
    public var origin: RunOrigin
    public var pid: Int?
    public var host: String?
    public var heartbeatAt: Double?
    public var deleted: Bool

    /// Seconds from start to end (or to the last heartbeat while running).
    public var duration: Double? {
        guard let s = startedAt else { return nil }
        if let e = endedAt { return e - s }
        return heartbeatAt.map { $0 - s }
    }
}

/// The summary of one metric series (from `latest_metrics`, no scan of the series).
public struct MetricSummary: Sendable, Equatable, Codable {
    public var last: Double
    public var lastStep: Int
    public var lastEpoch: Int?
    public var min: Double?
    public var minStep: Int?
    public var max: Double?
    public var maxStep: Int?
    public var count: Int
    public var nanCount: Int
}

/// A run with its params, tags and metric summaries: one line of `tracker runs`.
public struct RunSummary: Sendable, Equatable {
    public var run: RunInfo
    public var params: [String: ParamValue]
    public var tags: [String: String]
    public var metrics: [String: MetricSummary]
}

extension MetricSummary {
    /// Metrics that measure the machine rather than the model (throughput, epoch time):
    /// charted last and left out of comparisons of models.
    public static let timingKeys: Set<String> = ["samples_per_s", "epoch_seconds"]
}
