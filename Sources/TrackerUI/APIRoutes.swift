import Foundation
import Tracker

/// The JSON API under `/api/` (what the pages show, for scripts):
///
/// - `GET /api/experiments` — experiments with run counts
/// - `GET /api/runs?where=…&experiment=…&sort=…&limit=…` — runs with params, tags, metric summaries
///   (`limit` 0…100000, 0 or absent: all)
/// - `GET /api/runs/ID` — one run: config, environment, lineage, metrics, events, checkpoints
/// - `GET /api/runs/ID/metrics` — the metric keys of a run
/// - `GET /api/runs/ID/metrics/KEY?points=N` — a series, min/max-downsampled to about N points
///   (N 0…1000000, 0: all)
/// - `GET /api/runs/ID/grads` — gradient norms per tensor and step, with the verdict
/// - `GET /api/runs/ID/grads/STAT?points=N` — one line per tensor of a gradient statistic
///   (l2, mean, std, max_abs, zero_frac, update_ratio) over steps, each min/max-downsampled
///   to about N points (N 0…10000, default 1000, 0: every value)
/// - `GET /api/runs/ID/bn` — BatchNorm running statistics per layer and step
/// - `GET /api/series?run=…&key=…&points=…&from=…&to=…&after=…` — many series at once, for the
///   interactive charts: downsampled to a step range, or the points after a cursor (see `SeriesRoute`)
/// - `GET /api/runs/ID/checkpoints` — checkpoints (bytes at `/checkpoints/CHECKPOINT_ID`)
///
/// Errors are plain text: 404 for unknown runs, keys and routes, 400 for a bad filter.
struct APIRoutes {
    let store: Store
    let request: UIRequest
    let cache: RunDataCache

    /// Default number of points of a downsampled series.
    static let defaultPoints = 1000
    /// The largest `points` accepted (400 beyond).
    static let maxPoints = 1_000_000

    func respond(_ path: [String]) throws -> UIResponse {
        switch (path.first, path.count) {
        case ("experiments", 1):
            return .json(.array(try store.experimentSummaries().map(\.json)))
        case ("runs", 1):
            let limit = try request.integer("limit", default: 0, in: 0...RunsPage.maxLimit, meaning: " (0: all)")
            let runs = try store.runs(where: request.value("where"), experiment: request.value("experiment"),
                                      sort: request.value("sort"), limit: limit > 0 ? limit : nil)
            return .json(.array(runs.map(\.json)))
        case ("runs", 2):
            return .json(try store.report(run: path[1]).json)
        case ("series", 1):
            return try SeriesRoute(store: store, request: request, cache: cache).respond()
        case ("runs", 3...):
            return try runResource(path[1], Array(path.dropFirst(2)))
        default:
            throw UIError.notFound("no API route /api/\(path.joined(separator: "/"))")
        }
    }

    private func runResource(_ id: String, _ rest: [String]) throws -> UIResponse {
        let run = try store.runRef(id, includeDeleted: true)
        switch (rest[0], rest.count) {
        case ("metrics", 1):
            return .json(.array(try store.metricKeys(run: run).map { .string($0) }))
        case ("metrics", 2):
            return try series(run, key: rest[1])
        case ("grads", 1):
            return .json(try cache.gradients(store: store, run: run, summary: try store.summary(of: run)).json)
        case ("grads", 2):
            return try gradientLines(run, statistic: rest[1])
        case ("bn", 1):
            return .json(BNReport(stats: try store.bnStats(run: run)).json)
        case ("checkpoints", 1):
            return .json(.array(try store.checkpoints(run: run).map(\.json)))
        default:
            throw UIError.notFound("no API route /api/runs/\(id)/\(rest.joined(separator: "/"))")
        }
    }

    /// The most points a line of the per-layer gradient view is downsampled to.
    static let maxGradientLinePoints = 10_000

    private func gradientLines(_ run: RunRef, statistic name: String) throws -> UIResponse {
        guard let statistic = GradientStatistic(rawValue: name) else {
            throw UIError.notFound("no gradient statistic '\(name.prefix(40))' (there are: \(GradientStatistic.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let limit = try request.integer("points", default: APIRoutes.defaultPoints, in: 0...APIRoutes.maxGradientLinePoints, meaning: " (0: every value)")
        let lines = try store.gradientStatLines(run: run, statistic: statistic)
        return .json(.object([
            "run": .string(run.id), "stat": .string(statistic.rawValue), "title": .string(statistic.title),
            "stats": .array(lines.available.map { .string($0.rawValue) }),
            "tensors": .array(lines.lines.map { line in
                .object([
                    "name": .string(line.tensor), "total": .int(Int64(line.points.count)),
                    "points": .array(ChartData.downsampled(line.points, points: limit).map { .array([.int(Int64($0.x)), .double($0.y)]) }),
                ])
            }),
        ]))
    }

    private func series(_ run: RunRef, key: String) throws -> UIResponse {
        guard try store.metricKeys(run: run).contains(key) else {
            throw UIError.notFound("run \(run.id) has no metric '\(key)'")
        }
        let limit = try request.integer("points", default: APIRoutes.defaultPoints, in: 0...APIRoutes.maxPoints, meaning: " (0: every point)")
        let total: Int, points: [ChartSeries.Point]
        if limit > 0 && limit <= RunDataCache.buckets * 4 {
            // The cached extremes of fine buckets hold the extremes of any coarser bucketing.
            let cached = try cache.series(store: store, run: run, summary: try store.summary(of: run), key: key)
            (total, points) = (cached.total, ChartData.downsampled(cached.points, points: limit))
        } else {
            let all = try store.metricPoints(run: run, key: key)
            (total, points) = (all.count, ChartData.downsampled(all, points: limit))
        }
        return .json(.object([
            "run": .string(run.id), "key": .string(key), "total": .int(Int64(total)), "returned": .int(Int64(points.count)),
            "points": .array(points.map { .array([.int(Int64($0.x)), .double($0.y)]) }),
        ]))
    }
}
