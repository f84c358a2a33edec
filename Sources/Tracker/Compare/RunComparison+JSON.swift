extension RunComparison {
    /// The comparison as JSON (`tracker compare --format json`).
    public var json: JSONValue {
        .object([
            "metrics": .array(metrics.map { .string($0) }),
            "params": .array(paramKeys.map { .string($0) }),
            "train_metric": .string(trainMetric), "val_metric": .string(valMetric), "best_metric": .string(bestMetric),
            "runs": .array(rows.map { r in
                .object([
                    "id": .string(r.run.id), "name": .string(r.run.name), "experiment": .string(r.run.experiment),
                    "status": .string(r.run.status.rawValue),
                    "params": .object(r.params.mapValues(\.json)),
                    "final": .object(r.final.mapValues { .double($0) }),
                    "gap": r.gap.map { .double($0) } ?? .null,
                    "best": r.bestValue.map { .double($0) } ?? .null,
                    "best_step": r.bestStep.map { .int(Int64($0)) } ?? .null,
                    "best_epoch": r.bestEpoch.map { .int(Int64($0)) } ?? .null,
                ])
            }),
        ])
    }
}
