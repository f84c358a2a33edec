import Foundation
import Tracker

/// `/api/2.0/mlflow/runs/…` and `/metrics/get-history`.
extension MLflowService {
    static func runID(_ f: MLflowRequest) throws -> String {
        if let id = try f.string("run_id"), !id.isEmpty { return id }
        return try f.required("run_uuid")
    }

    static func now() -> Int64 { (Date().timeIntervalSince1970 * 1000).rounded().mlflowInt }

    static let runEndpoints: [String: Endpoint] = [
        "runs/create": Endpoint(methods: ["POST"]) { _, store, f in
            let run = try store.mlflowCreateRun(experimentID: try f.string("experiment_id") ?? "0", name: try f.string("run_name"),
                                                startTime: try f.int("start_time", in: 0...(1 << 53)), tags: try f.pairs("tags"), userID: try f.string("user_id"))
            return .object(["run": MLflowEncoding.run(run)])
        },
        "runs/get": Endpoint(methods: ["GET"]) { _, store, f in
            .object(["run": MLflowEncoding.run(try store.mlflowRun(try runID(f)))])
        },
        "runs/update": Endpoint(methods: ["POST"]) { _, store, f in
            let run = try store.mlflowUpdateRun(try runID(f), status: try f.string("status"), endTime: try f.int("end_time", in: 0...(1 << 53)),
                                                name: try f.string("run_name"))
            return .object(["run_info": MLflowEncoding.runInfo(run)])
        },
        "runs/delete": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowSetRunDeleted(try runID(f), true)
            return .object([:])
        },
        "runs/restore": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowSetRunDeleted(try runID(f), false)
            return .object([:])
        },
        "runs/search": Endpoint(methods: ["POST", "GET"]) { _, store, f in
            let page = try f.page(defaultLimit: 1000, maxLimit: MLflowLimits.maxResults)
            let (runs, next) = try store.mlflowSearchRuns(experimentIDs: try f.strings("experiment_ids"), filter: try f.string("filter"),
                                                          view: try f.viewType("run_view_type"), orderBy: try f.strings("order_by"),
                                                          limit: page.limit, offset: page.offset)
            var o: [String: JSONValue] = ["runs": .array(runs.map(MLflowEncoding.run))]
            if let next { o["next_page_token"] = .string(String(next)) }
            return .object(o)
        },
        "runs/log-metric": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowLogBatch(try runID(f), metrics: [try f.metric(defaultTimestamp: now())], params: [], tags: [])
            return .object([:])
        },
        "runs/log-parameter": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowLogBatch(try runID(f), metrics: [], params: [(try f.required("key"), try f.string("value") ?? "")], tags: [])
            return .object([:])
        },
        "runs/set-tag": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowLogBatch(try runID(f), metrics: [], params: [], tags: [(try f.required("key"), try f.string("value") ?? "")])
            return .object([:])
        },
        "runs/delete-tag": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowDeleteTag(try runID(f), key: try f.required("key"))
            return .object([:])
        },
        "runs/log-batch": Endpoint(methods: ["POST"]) { _, store, f in
            let stamp = now()
            let metrics = try f.objects("metrics")
            // Counted before they are read: a batch past the limit is refused cheaply.
            guard metrics.count <= MLflowLimits.metricsPerBatch else {
                throw MLflowError(.invalidParameterValue, "a batch may hold at most \(MLflowLimits.metricsPerBatch) metrics; this one has \(metrics.count)")
            }
            try store.mlflowLogBatch(try runID(f), metrics: try metrics.map { try $0.metric(defaultTimestamp: stamp) },
                                     params: try f.pairs("params"), tags: try f.pairs("tags"))
            return .object([:])
        },
        "metrics/get-history": Endpoint(methods: ["GET"]) { _, store, f in
            let page = try f.page(defaultLimit: 25_000, maxLimit: 25_000)
            let (points, next) = try store.mlflowMetricHistory(try runID(f), key: try f.required("metric_key"), limit: page.limit, offset: page.offset)
            var o: [String: JSONValue] = ["metrics": .array(points.map(MLflowEncoding.metric))]
            if let next { o["next_page_token"] = .string(String(next)) }
            return .object(o)
        },
        // The client asks for logged models before listing a run's artifacts; the store keeps
        // none (logging models is refused), so the answer is always an empty page.
        "logged-models/search": Endpoint(methods: ["POST"]) { _, _, _ in .object(["models": .array([])]) },
        "artifacts/list": Endpoint(methods: ["GET"]) { _, store, f in
            let run = try store.mlflowRun(try runID(f))
            let dir = try f.string("path") ?? ""
            let files = try store.mlflowListArtifacts(run.runID, directory: dir).map { a -> JSONValue in
                var o: [String: JSONValue] = ["path": .string(a.path), "is_dir": .bool(a.isDirectory)]
                if let size = a.size { o["file_size"] = .int(size) }
                return .object(o)
            }
            return .object(["root_uri": .string("mlflow-artifacts:/\(run.experimentID)/\(run.runID)/artifacts"), "files": .array(files)])
        },
    ]
}

extension Double {
    /// A finite double in Int64's range as Int64 (0 otherwise).
    var mlflowInt: Int64 { isFinite && abs(self) < 9e18 ? Int64(self) : 0 }
}
