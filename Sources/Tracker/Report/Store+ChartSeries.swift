/// What the x axis of a metric chart measures.
public enum ChartAxis: String, Sendable, CaseIterable {
    /// The training step.
    case step
    /// The epoch recorded with each point (points without one are skipped).
    case epoch
    /// Seconds since the run's first point of that metric.
    case time
}

extension Store {
    /// Chart series of stored metrics, one per run × metric, labelled `name (id)` (plus the
    /// metric when there are several): what `tracker plot` and the web UI draw.
    public func chartSeries(runs ids: [String], metrics: [String], x: ChartAxis = .step) throws -> [ChartSeries] {
        var out: [ChartSeries] = []
        for id in ids {
            let (ref, run) = try lookUpRun(id, includeDeleted: true)
            let available = try metricKeys(run: ref)
            for m in metrics {
                guard available.contains(m) else {
                    throw TrackerError.invalidArgument("run \(run.id) has no metric '\(m)'; it has: \(available.joined(separator: ", "))")
                }
                let points = try metricSeries(run: ref, key: m)
                let t0 = points.first?.wallTime ?? 0
                let xs: [Double] = points.map {
                    switch x {
                    case .step: Double($0.step)
                    case .epoch: $0.epoch.map(Double.init) ?? .nan
                    case .time: $0.wallTime - t0
                    }
                }
                let label = metrics.count > 1 ? "\(run.name) (\(run.id)) \(m)" : "\(run.name) (\(run.id))"
                out.append(ChartSeries(label: label, xs: xs, ys: points.map(\.value)))
            }
        }
        return out
    }
}
