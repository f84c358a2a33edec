import Foundation
import Tracker

/// `GET /api/series` — the series the interactive charts draw, several runs and keys at once:
///
/// - `run=ID` (repeated, 1…50) and `key=NAME` (repeated, 1…64; runs × keys ≤ 600)
/// - `points=N` (16…10000, default 1000): each series is min/max-downsampled to about N
///   points (first, min, max and last of each of N/4 buckets), so spikes survive
/// - `from=S&to=S` (steps, 0…10^15−1, from ≤ to): only that step range, read afresh from the
///   store so a zoomed chart shows the detail the full view averaged away (from the fine
///   min/max tiles inside it when they alone hold at least N/2 tiles, else point by point)
/// - `after=S` (a cursor, not with from/to): the raw points with a step after S, at most N per
///   series; `more` says whether more are waiting, `cursor` where to continue
/// - `clock=1`: each run's clock too (step, epoch, seconds since its first point; at most
///   400 points evenly spaced in steps), for epoch and wall-time x axes
///
/// A key a run lacks comes back with no points. Bad input is a 400 that says what to change.
struct SeriesRoute {
    let store: Store
    let request: UIRequest
    let cache: RunDataCache

    static let maxRuns = 50
    static let maxKeys = 64
    static let maxSeries = 600
    static let pointsRange = 16...10_000
    static let defaultPoints = 1000
    static let stepRange = 0...999_999_999_999_999
    /// Most points read raw from the store for one series of a zoomed range; a wider range
    /// is drawn from the cached extremes of the whole series (it has enough of them).
    static let maxRangeRead = 200_000
    /// Clock points per run.
    static let clockPoints = 400

    func respond() throws -> UIResponse {
        let query = try SeriesQuery(request)
        var series: [JSONValue] = []
        var runs: [String: JSONValue] = [:]
        for id in query.runs {
            let ref = try store.runRef(id, includeDeleted: true)
            let summary = try store.summary(of: ref)
            for key in query.keys { series.append(try one(ref, summary: summary, key: key, query: query)) }
            var info: [String: JSONValue] = [
                "name": .string(summary.run.name), "status": .string(summary.run.status.rawValue),
                "start": summary.run.startedAt.map { .double($0) } ?? .null,
            ]
            if query.clock {
                // Seconds since the first point of the clock (TensorBoard's relative time).
                let clock = try cache.clock(store: store, run: ref, summary: summary), start = clock.first?.wallTime ?? 0
                info["clock"] = .array(clock.map { p in
                    .array([.int(Int64(p.step)), p.epoch.map { .int(Int64($0)) } ?? .null, .double(p.wallTime - start)])
                })
            }
            runs[ref.id] = .object(info)
        }
        return .json(.object(["series": .array(series), "runs": .object(runs)]))
    }

    private func one(_ run: RunRef, summary: RunSummary, key: String, query: SeriesQuery) throws -> JSONValue {
        var out: [String: JSONValue] = ["run": .string(run.id), "key": .string(key)]
        guard let metric = summary.metrics[key] else {
            out["total"] = .int(0); out["points"] = .array([])
            return .object(out)
        }
        out["total"] = .int(Int64(metric.count))
        let points: [ChartSeries.Point]
        if let after = query.after {
            let next = after >= SeriesRoute.stepRange.upperBound ? [] : try store.metricPoints(
                run: run, key: key, steps: (after + 1)...SeriesRoute.stepRange.upperBound, limit: query.points + 1)
            points = Array(next.prefix(query.points))
            out["more"] = .bool(next.count > query.points)
            out["cursor"] = .int(Int64(points.last.map { Int($0.x) } ?? after))
        } else if let range = query.range {
            let inRange = try store.metricPointCount(run: run, key: key, steps: range)
            out["in_range"] = .int(Int64(inRange))
            if inRange > 4 * query.points,
               let tiled = try store.tiledMetricPoints(run: run, key: key, steps: range, minTiles: query.points / 2) {
                // A wide zoom of a long series: the fine tiles inside it hold as much detail as asked for.
                points = ChartData.downsampled(tiled, points: query.points)
            } else if inRange <= SeriesRoute.maxRangeRead {
                let raw = try store.metricPoints(run: run, key: key, steps: range, limit: SeriesRoute.maxRangeRead)
                points = ChartData.downsampled(raw, points: query.points)
            } else {
                let cached = try cache.series(store: store, run: run, summary: summary, key: key).points
                let lo = Double(range.lowerBound), hi = Double(range.upperBound)
                points = ChartData.downsampled(cached.filter { $0.x >= lo && $0.x <= hi }, points: query.points)
            }
        } else {
            points = ChartData.downsampled(try cache.series(store: store, run: run, summary: summary, key: key).points, points: query.points)
        }
        out["returned"] = .int(Int64(points.count))
        out["points"] = .array(points.map { .array([.int(Int64($0.x)), .double($0.y)]) })
        return .object(out)
    }
}

/// The checked parameters of a `/api/series` request.
struct SeriesQuery {
    var runs: [String]
    var keys: [String]
    var points: Int
    var range: ClosedRange<Int>?
    var after: Int?
    var clock: Bool

    init(_ request: UIRequest) throws {
        func list(_ name: String, max: Int, what: String) throws -> [String] {
            var seen = Set<String>(), out: [String] = []
            for v in request.query[name] ?? [] where !v.isEmpty && seen.insert(v).inserted { out.append(v) }
            guard !out.isEmpty else { throw UIError.badRequest("name at least one \(what) with \(name)=… (as in /api/series?run=ID&key=val_loss)") }
            guard out.count <= max else { throw UIError.badRequest("at most \(max) \(what)s may be asked for at once (got \(out.count))") }
            return out
        }
        runs = try list("run", max: SeriesRoute.maxRuns, what: "run")
        keys = try list("key", max: SeriesRoute.maxKeys, what: "metric key")
        guard runs.count * keys.count <= SeriesRoute.maxSeries else {
            throw UIError.badRequest("\(runs.count) runs × \(keys.count) keys is \(runs.count * keys.count) series; at most \(SeriesRoute.maxSeries) at once")
        }
        points = try request.integer("points", default: SeriesRoute.defaultPoints, in: SeriesRoute.pointsRange)
        let steps = SeriesRoute.stepRange
        let from = request.value("from") == nil ? nil : try request.integer("from", default: 0, in: steps, meaning: " (a step)")
        let to = request.value("to") == nil ? nil : try request.integer("to", default: 0, in: steps, meaning: " (a step)")
        after = request.value("after") == nil ? nil : try request.integer("after", default: 0, in: steps, meaning: " (the cursor of the last answer)")
        if after != nil && (from != nil || to != nil) {
            throw UIError.badRequest("after (a cursor) cannot be combined with from/to (a range): ask for one or the other")
        }
        if from != nil || to != nil {
            let lo = from ?? steps.lowerBound, hi = to ?? steps.upperBound
            guard lo <= hi else { throw UIError.badRequest("from (\(lo)) must not be after to (\(hi))") }
            range = lo...hi
        }
        let clockText = request.value("clock") ?? "0"
        guard clockText == "0" || clockText == "1" else { throw UIError.badRequest("clock must be 0 or 1 (got '\(clockText.prefix(40))')") }
        clock = clockText == "1"
    }
}
