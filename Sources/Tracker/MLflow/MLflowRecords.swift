import Foundation

/// What an MLflow tracking client sees of the store (`tracker server` maps these to
/// MLflow's JSON); times are milliseconds since 1970, as MLflow has them.
///
/// Ids: an MLflow run id is the run's full 32-hex uuid (the tracker id is its first 8 hex
/// digits, so both name the same run); an experiment id is the tracker experiment's integer
/// id as text, except that MLflow's default experiment `"0"` is the experiment `Default`.
public struct MLflowExperiment: Sendable, Equatable {
    public var id: String
    public var name: String
    /// `active` or `deleted`.
    public var lifecycleStage: String
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var tags: [String: String]
}

/// A metric point as MLflow has it: key, value, timestamp (ms) and step.
public struct MLflowMetric: Sendable, Equatable {
    public var key: String
    public var value: Double
    public var timestamp: Int64
    public var step: Int64

    public init(key: String, value: Double, timestamp: Int64, step: Int64) {
        self.key = key; self.value = value; self.timestamp = timestamp; self.step = step
    }
}

/// A run as MLflow has it (info and data).
public struct MLflowRun: Sendable {
    /// The full uuid (32 hex digits).
    public var runID: String
    /// The tracker id (8 hex digits), what `tracker runs` prints.
    public var trackerID: String
    public var experimentID: String
    public var name: String
    /// RUNNING, FINISHED, FAILED or KILLED.
    public var status: String
    public var startTime: Int64?
    public var endTime: Int64?
    /// `active` or `deleted`.
    public var lifecycleStage: String
    public var userID: String
    public var params: [(key: String, value: String)]
    public var tags: [(key: String, value: String)]
    /// The latest point of each metric.
    public var metrics: [MLflowMetric]
}

/// A file or folder under a run's artifact root.
public struct MLflowArtifact: Sendable, Equatable {
    public var path: String
    public var isDirectory: Bool
    public var size: Int64?
}

/// Which runs or experiments a search sees (MLflow's `ViewType`).
public enum MLflowViewType: String, Sendable {
    case activeOnly = "ACTIVE_ONLY", deletedOnly = "DELETED_ONLY", all = "ALL"
}

/// A refusal in MLflow's terms: its error code (which decides the HTTP status) and a message.
public struct MLflowError: Error, LocalizedError, Equatable {
    public enum Code: String, Sendable {
        case invalidParameterValue = "INVALID_PARAMETER_VALUE"
        case resourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST"
        case resourceAlreadyExists = "RESOURCE_ALREADY_EXISTS"
        case badRequest = "BAD_REQUEST"
        case endpointNotFound = "ENDPOINT_NOT_FOUND"
        case unauthenticated = "UNAUTHENTICATED"
        case permissionDenied = "PERMISSION_DENIED"
        case internalError = "INTERNAL_ERROR"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var errorDescription: String? { message }

    /// The HTTP status MLflow sends with the code.
    public var httpStatus: Int {
        switch code {
        case .invalidParameterValue, .badRequest: 400
        case .resourceDoesNotExist, .endpointNotFound: 404
        case .resourceAlreadyExists: 400
        case .unauthenticated: 401
        case .permissionDenied: 403
        case .internalError: 500
        }
    }

    static func invalid(_ m: String) -> MLflowError { MLflowError(.invalidParameterValue, m) }
    static func missing(_ m: String) -> MLflowError { MLflowError(.resourceDoesNotExist, m) }
}

/// MLflow's per-call limits and value sizes (its `validation.py`).
public enum MLflowLimits {
    public static let metricsPerBatch = 1000
    public static let paramsPerBatch = 100
    public static let tagsPerBatch = 100
    public static let keyLength = 250
    public static let paramValueLength = 6000
    public static let tagValueLength = 8000
    public static let maxResults = 50_000
    public static let artifactPathLength = 1000
}

/// Run statuses both ways.
enum MLflowStatus {
    static func mlflow(_ status: RunStatus) -> String {
        switch status {
        case .running: "RUNNING"
        case .queued: "SCHEDULED"
        case .finished: "FINISHED"
        case .interrupted: "KILLED"
        case .failed, .crashed, .diverged: "FAILED"
        }
    }

    /// SCHEDULED counts as running: tracker has no queued state for a client's run.
    static func tracker(_ mlflow: String) throws -> RunStatus {
        switch mlflow.uppercased() {
        case "RUNNING", "SCHEDULED": .running
        case "FINISHED": .finished
        case "FAILED": .failed
        case "KILLED": .interrupted
        default: throw MLflowError.invalid("status must be RUNNING, SCHEDULED, FINISHED, FAILED or KILLED, not '\(mlflow.prefix(40))'")
        }
    }
}

extension Double {
    /// Seconds as MLflow's milliseconds (nil when not representable).
    var mlflowMilliseconds: Int64? {
        let ms = (self * 1000).rounded()
        guard ms.isFinite, abs(ms) < 9e18 else { return nil }
        return Int64(ms)
    }
}

extension RunInfo {
    /// Why `tracker rerun` / `resume` (`verb`) cannot take this run, or nil when they can:
    /// a run logged by an MLflow client was trained by the client's own code, so tracker has
    /// no config to train again and no checkpoint to continue from.
    public func notTrainedByTracker(verb: String) -> String? {
        guard origin == .mlflowClient else { return nil }
        return "run \(id) was logged by an MLflow client through `tracker server`, not trained by tracker: "
            + "there is no tracker config or checkpoint to \(verb) it from. Run the client's script again to train it anew."
    }
}
