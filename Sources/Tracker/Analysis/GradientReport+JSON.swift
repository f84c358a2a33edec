extension GradientReport {
    public var json: JSONValue {
        func num(_ d: Double?) -> JSONValue { d.map { .double($0) } ?? .null }
        return .object([
            "tensors": .array(tensors.map { .string($0) }),
            "steps": .array(steps.map { .int(Int64($0)) }),
            "l2": .array(norms.map { .array($0.map { .double($0) }) }),
            "first_weight": firstWeight.map { .string($0) } ?? .null,
            "last_weight": lastWeight.map { .string($0) } ?? .null,
            "first_last_ratio": num(firstLastRatio), "max_norm": num(maxNorm), "growth": num(growth),
            "verdict": .string(verdict.rawValue), "reason": .string(reason),
        ])
    }
}
