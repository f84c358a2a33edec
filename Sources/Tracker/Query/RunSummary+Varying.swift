extension RunSummary {
    /// Param keys whose value differs between the runs (a key missing from some runs counts
    /// as differing), sorted: the columns worth showing in a list of runs.
    public static func varyingParamKeys(_ runs: [RunSummary]) -> [String] {
        guard runs.count > 1 else { return [] }
        var keys = Set<String>()
        for r in runs { keys.formUnion(r.params.keys) }
        return keys.filter { key in
            let first = runs[0].params[key]
            return runs.dropFirst().contains { $0.params[key] != first }
        }.sorted()
    }

    /// Metric keys logged by any of the runs, sorted.
    public static func metricKeys(_ runs: [RunSummary]) -> [String] {
        var keys = Set<String>()
        for r in runs { keys.formUnion(r.metrics.keys) }
        return keys.sorted()
    }
}
