import Foundation
import Tracker

/// Downsampled metric series and gradient reports of runs, kept between requests.
///
/// A finished run's series never change, so the server reads a million-point series once
/// and answers later page loads from a few thousand min/max points. Entries are keyed by a
/// version that changes whenever the run may have new data (status, end, heartbeat, point
/// count), so a running run is always read fresh. The cache is bounded and thread-safe.
final class RunDataCache: @unchecked Sendable {
    /// Points kept per series: min/max of this many buckets (4 points each at most), far
    /// more than any chart's pixel columns.
    static let buckets = 2_000
    /// Entries kept before the cache starts over.
    static let capacity = 512

    private let lock = NSLock()
    private var series: [String: (version: String, total: Int, points: [ChartSeries.Point])] = [:]
    private var grads: [String: (version: String, report: GradientReport)] = [:]
    private var clocks: [String: (version: String, clock: [MetricPoint])] = [:]

    /// What identifies a run's data: it changes whenever new points may have been written.
    static func version(_ summary: RunSummary) -> String {
        let r = summary.run
        return "\(r.status.rawValue)|\(r.endedAt ?? 0)|\(r.heartbeatAt ?? 0)|\(summary.metrics.values.reduce(0) { $0 + $1.count })"
    }

    /// The series of `key` reduced to at most `4 × buckets` points keeping every bucket's
    /// extremes, and the number of stored points.
    func series(store: Store, run: RunRef, summary: RunSummary, key: String) throws -> (total: Int, points: [ChartSeries.Point]) {
        let id = "\(store.path)|\(summary.run.id)|\(key)", version = RunDataCache.version(summary)
        if let hit = lock.withLock({ series[id] }), hit.version == version { return (hit.total, hit.points) }
        let total: Int, points: [ChartSeries.Point]
        if let tiled = try store.tiledMetricPoints(run: run, key: key) {
            // A long series: its stored min/max tiles, not every point.
            (total, points) = (tiled.total, ChartData.downsampled(tiled.points, points: RunDataCache.buckets * 4))
        } else {
            let all = try store.metricPoints(run: run, key: key)
            (total, points) = (all.count, ChartData.downsampled(all, points: RunDataCache.buckets * 4))
        }
        lock.withLock {
            if series.count >= RunDataCache.capacity { series.removeAll() }
            series[id] = (version, total, points)
        }
        return (total, points)
    }

    /// The gradient report of a run (norms per tensor and step, verdict).
    func gradients(store: Store, run: RunRef, summary: RunSummary) throws -> GradientReport {
        let id = "\(store.path)|\(summary.run.id)", version = RunDataCache.version(summary)
        if let hit = lock.withLock({ grads[id] }), hit.version == version { return hit.report }
        let report = try store.gradientReport(run: run)
        lock.withLock {
            if grads.count >= RunDataCache.capacity { grads.removeAll() }
            grads[id] = (version, report)
        }
        return report
    }

    /// A run's clock (steps, epochs and wall times of its sparsest series), for other x axes.
    func clock(store: Store, run: RunRef, summary: RunSummary) throws -> [MetricPoint] {
        let id = "\(store.path)|\(summary.run.id)", version = RunDataCache.version(summary)
        if let hit = lock.withLock({ clocks[id] }), hit.version == version { return hit.clock }
        let clock = try store.stepClock(run: run, limit: SeriesRoute.clockPoints)
        lock.withLock {
            if clocks.count >= RunDataCache.capacity { clocks.removeAll() }
            clocks[id] = (version, clock)
        }
        return clock
    }
}
