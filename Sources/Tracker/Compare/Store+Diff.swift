extension Store {
    /// Compares two runs (ids or unique prefixes).
    public func diff(_ idA: String, _ idB: String) throws -> RunDiff {
        let a = try summary(of: idA), b = try summary(of: idB)
        let params = Set(a.params.keys).union(b.params.keys).sorted().compactMap { key -> RunDiff.ParamChange? in
            let x = a.params[key], y = b.params[key]
            return x == y ? nil : RunDiff.ParamChange(key: key, a: x, b: y)
        }
        let config = JSONDiff.changes(a.run.configJSON, b.run.configJSON)
        let architecture = config.filter { $0.path == "model" || $0.path.hasPrefix("model.") }
        let environment = JSONDiff.changes(a.run.environmentJSON, b.run.environmentJSON)
        let metrics = Set(a.metrics.keys).union(b.metrics.keys).sorted().map { key in
            let goal = MetricGoal(metric: key)
            let sa = a.metrics[key], sb = b.metrics[key]
            let ba = sa.flatMap(goal.best), bb = sb.flatMap(goal.best)
            return RunDiff.MetricComparison(key: key, goal: goal, finalA: sa?.last, finalB: sb?.last,
                                            bestA: ba?.value, bestStepA: ba?.step, bestB: bb?.value, bestStepB: bb?.step)
        }
        let common = Set(a.metrics.keys).intersection(b.metrics.keys).sorted()
        let divergences = try common.map { key in
            RunDiff.firstDivergence(key: key, try metricSeries(run: a.run.id, key: key), try metricSeries(run: b.run.id, key: key))
        }
        return RunDiff(a: a.run, b: b.run, params: params, config: config, architecture: architecture,
                       environment: environment, metrics: metrics, divergences: divergences)
    }
}

extension RunDiff {
    /// Walks two step-ordered series together; the first step where only one has a point
    /// or the values differ bit for bit (NaN equals NaN) is the divergence. With a relative
    /// `tolerance`, values closer than that count as equal (for runs whose environments differ).
    public static func firstDivergence(key: String, _ x: [MetricPoint], _ y: [MetricPoint], tolerance: Double? = nil) -> Divergence {
        var i = 0, j = 0, matching = 0
        func differs(_ u: Double, _ v: Double) -> Bool {
            if u.bitPattern == v.bitPattern || (u.isNaN && v.isNaN) { return false }
            guard let tolerance else { return true }
            return !(abs(u - v) <= tolerance * max(abs(u), abs(v), 1e-12))
        }
        while i < x.count || j < y.count {
            let p = i < x.count ? x[i] : nil, q = j < y.count ? y[j] : nil
            switch (p, q) {
            case let (p?, q?) where p.step == q.step:
                if differs(p.value, q.value) { return Divergence(key: key, step: p.step, a: p.value, b: q.value, matchingPoints: matching) }
                matching += 1; i += 1; j += 1
            case let (p?, q?):
                // A step one series has and the other lacks.
                return p.step < q.step ? Divergence(key: key, step: p.step, a: p.value, b: nil, matchingPoints: matching)
                    : Divergence(key: key, step: q.step, a: nil, b: q.value, matchingPoints: matching)
            case let (p?, nil): return Divergence(key: key, step: p.step, a: p.value, b: nil, matchingPoints: matching)
            case let (nil, q?): return Divergence(key: key, step: q.step, a: nil, b: q.value, matchingPoints: matching)
            case (nil, nil): break
            }
        }
        return Divergence(key: key, step: nil, a: nil, b: nil, matchingPoints: matching)
    }
}
