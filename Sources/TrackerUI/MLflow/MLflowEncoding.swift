import Foundation
import Tracker

/// MLflow's JSON shapes of experiments, runs and metrics (service.proto).
enum MLflowEncoding {
    static func pairs(_ p: [(key: String, value: String)]) -> JSONValue {
        .array(p.map { .object(["key": .string($0.key), "value": .string($0.value)]) })
    }

    static func experiment(_ e: MLflowExperiment) -> JSONValue {
        .object([
            "experiment_id": .string(e.id), "name": .string(e.name), "artifact_location": .string("mlflow-artifacts:/\(e.id)"),
            "lifecycle_stage": .string(e.lifecycleStage), "creation_time": .int(e.creationTime), "last_update_time": .int(e.lastUpdateTime),
            "tags": pairs(e.tags.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }),
        ])
    }

    static func metric(_ m: MLflowMetric) -> JSONValue {
        .object(["key": .string(m.key), "value": .double(m.value), "timestamp": .int(m.timestamp), "step": .int(m.step)])
    }

    static func runInfo(_ r: MLflowRun) -> JSONValue {
        var o: [String: JSONValue] = [
            "run_id": .string(r.runID), "run_uuid": .string(r.runID), "run_name": .string(r.name), "experiment_id": .string(r.experimentID),
            "user_id": .string(r.userID), "status": .string(r.status), "lifecycle_stage": .string(r.lifecycleStage),
            "artifact_uri": .string("mlflow-artifacts:/\(r.experimentID)/\(r.runID)/artifacts"),
        ]
        if let s = r.startTime { o["start_time"] = .int(s) }
        if let e = r.endTime { o["end_time"] = .int(e) }
        return .object(o)
    }

    static func run(_ r: MLflowRun) -> JSONValue {
        .object([
            "info": runInfo(r),
            "data": .object(["metrics": .array(r.metrics.map(metric)), "params": pairs(r.params), "tags": pairs(r.tags)]),
            "inputs": .object([:]),
        ])
    }

    static func error(_ e: MLflowError) -> UIResponse {
        .json(.object(["error_code": .string(e.code.rawValue), "message": .string(e.message)]), status: e.httpStatus)
    }
}
