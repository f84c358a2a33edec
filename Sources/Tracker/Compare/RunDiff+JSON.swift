extension RunDiff {
    /// The diff as JSON (`tracker diff --format json`).
    public var json: JSONValue {
        func num(_ d: Double?) -> JSONValue { d.map { .double($0) } ?? .null }
        func int(_ i: Int?) -> JSONValue { i.map { .int(Int64($0)) } ?? .null }
        return .object([
            "a": .object(["id": .string(a.id), "name": .string(a.name)]),
            "b": .object(["id": .string(b.id), "name": .string(b.name)]),
            "same_config": .bool(sameConfig),
            "params": .array(params.map { .object(["key": .string($0.key), "a": $0.a?.json ?? .null, "b": $0.b?.json ?? .null]) }),
            "config": .array(config.map(\.json)),
            "architecture": .array(architecture.map(\.json)),
            "environment": .array(environment.map(\.json)),
            "metrics": .array(metrics.map { m in
                .object(["key": .string(m.key), "goal": .string(m.goal.rawValue),
                         "final_a": num(m.finalA), "final_b": num(m.finalB), "final_delta": num(m.finalDelta),
                         "best_a": num(m.bestA), "best_step_a": int(m.bestStepA), "best_b": num(m.bestB), "best_step_b": int(m.bestStepB),
                         "best_delta": num(m.bestDelta)])
            }),
            "divergence": .array(divergences.map { d in
                .object(["key": .string(d.key), "identical": .bool(d.identical), "step": int(d.step),
                         "a": num(d.a), "b": num(d.b), "matching_points": .int(Int64(d.matchingPoints))])
            }),
        ])
    }
}
