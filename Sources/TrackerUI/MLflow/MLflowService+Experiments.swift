import Foundation
import Tracker

/// `/api/2.0/mlflow/experiments/…`
extension MLflowService {
    static let experimentEndpoints: [String: Endpoint] = [
        "experiments/create": Endpoint(methods: ["POST"]) { _, store, f in
            let id = try store.mlflowCreateExperiment(name: try f.required("name"), tags: try f.pairs("tags"))
            return .object(["experiment_id": .string(id)])
        },
        "experiments/get": Endpoint(methods: ["GET"]) { _, store, f in
            .object(["experiment": MLflowEncoding.experiment(try store.mlflowExperiment(id: try f.required("experiment_id")))])
        },
        "experiments/get-by-name": Endpoint(methods: ["GET"]) { _, store, f in
            .object(["experiment": MLflowEncoding.experiment(try store.mlflowExperiment(named: try f.required("experiment_name")))])
        },
        "experiments/search": Endpoint(methods: ["GET", "POST"]) { _, store, f in
            let page = try f.page(defaultLimit: 1000, maxLimit: MLflowLimits.maxResults)
            let order = try f.strings("order_by")
            let byName = order.first.map { $0.lowercased().hasPrefix("name") } ?? false
            let (found, next) = try store.mlflowSearchExperiments(view: try f.viewType("view_type"), filter: try MLflowExperimentFilter(try f.string("filter")),
                                                                  orderByNameFirst: byName, limit: page.limit, offset: page.offset)
            var o: [String: JSONValue] = ["experiments": .array(found.map(MLflowEncoding.experiment))]
            if let next { o["next_page_token"] = .string(String(next)) }
            return .object(o)
        },
        "experiments/update": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowRenameExperiment(id: try f.required("experiment_id"), to: try f.required("new_name"))
            return .object([:])
        },
        "experiments/delete": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowSetExperimentDeleted(id: try f.required("experiment_id"), true)
            return .object([:])
        },
        "experiments/restore": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowSetExperimentDeleted(id: try f.required("experiment_id"), false)
            return .object([:])
        },
        "experiments/set-experiment-tag": Endpoint(methods: ["POST"]) { _, store, f in
            try store.mlflowSetExperimentTag(id: try f.required("experiment_id"), key: try f.required("key"), value: try f.string("value") ?? "")
            return .object([:])
        },
    ]
}
