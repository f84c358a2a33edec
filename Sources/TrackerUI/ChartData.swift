import Foundation
import Tracker

/// Stored metric series turned into chart series (x = step) and SVG line charts, drawn by
/// the same `LineChart` as `tracker plot`.
enum ChartData {
    /// Metrics that measure the machine rather than the model, charted last.
    static let timingMetrics = MetricSummary.timingKeys

    /// One series per key of one run (x = step), min/max-downsampled through the cache.
    static func series(_ store: Store, cache: RunDataCache, run: RunRef, summary: RunSummary, keys: [String],
                       label: (String) -> String) throws -> [ChartSeries] {
        try keys.map { key in
            ChartSeries(label: label(key), points: try cache.series(store: store, run: run, summary: summary, key: key).points)
        }
    }

    /// An inline SVG chart (logarithmic y when every value is positive and they span
    /// more than three decades, as losses often do).
    static func chart(_ series: [ChartSeries], title: String, yLabel: String, width: Int = 620, height: Int = 320) -> String {
        let chart = LineChart(series: series, title: title, xLabel: "step", yLabel: yLabel, logY: wantsLog(series), width: width, height: height)
        return HTML.inline(svg: chart.svg())
    }

    static func wantsLog(_ series: [ChartSeries]) -> Bool {
        var lo = Double.infinity, hi = 0.0
        for s in series {
            for p in s.points where p.y.isFinite {
                if p.y <= 0 { return false }
                lo = min(lo, p.y); hi = max(hi, p.y)
            }
        }
        return lo.isFinite && hi / lo > 1e3
    }

    /// Groups metric keys into charts: losses together, accuracies together, then one chart
    /// for each other key (timing metrics last).
    static func groups(_ keys: [String]) -> [(title: String, keys: [String])] {
        let loss = keys.filter { $0.lowercased().contains("loss") }
        let acc = keys.filter { !loss.contains($0) && $0.lowercased().contains("acc") }
        let rest = keys.filter { !loss.contains($0) && !acc.contains($0) }
        var out: [(title: String, keys: [String])] = []
        if !loss.isEmpty { out.append(("loss", loss)) }
        if !acc.isEmpty { out.append(("accuracy", acc)) }
        for k in rest where !timingMetrics.contains(k) { out.append((k, [k])) }
        for k in rest where timingMetrics.contains(k) { out.append((k, [k])) }
        return out
    }

    /// The points of a downsampled series: at most `points` of them (4 at least: first,
    /// min, max and last of a bucket), so spikes survive; all of them when `points` is 0.
    static func downsampled(_ all: [ChartSeries.Point], points limit: Int) -> [ChartSeries.Point] {
        guard let first = all.first, let last = all.last, limit > 0 else { return all }
        return Downsample.minMax(all, buckets: max(1, limit / 4), xRange: (first.x, last.x))
    }
}
