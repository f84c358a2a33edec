import Foundation
import Tracker

/// What the charts explorer (`web/explorer.js`) of the run and compare pages is told in its
/// `data-spec` attribute: the runs (in colour order, with the params that vary among them),
/// the metric keys, which panels start hidden, whether to follow a running run, the alerts
/// to place on the curves, and the params lines can be coloured by (and the one chosen).
struct ExplorerSpec {
    struct Run {
        var id: String
        var name: String
        var status: RunStatus
        /// The values of the params that vary among the page's runs.
        var params: [String: ParamValue] = [:]
    }

    var runs: [Run]
    var keys: [String]
    var alerts: [(run: String, event: Event)]
    /// Params that vary among the runs (the "colour by" picker's choices), sorted.
    var colourParams: [String]
    /// The param lines are coloured by at first (`?colour=` of the page), when it is one of them.
    var colourBy: String?

    /// Most runs the explorer draws (the `/api/series` limit).
    static let maxRuns = SeriesRoute.maxRuns
    /// Most alerts placed on the curves of one page.
    static let maxAlerts = 200
    /// Most params offered to colour by, and the longest text value passed on (characters).
    static let maxColourParams = 64
    static let maxParamText = 200

    init(runs: [Run], keys: [String], alerts: [(run: String, event: Event)], colourParams: [String] = [], colourBy: String? = nil) {
        let params = Array(colourParams.sorted().prefix(ExplorerSpec.maxColourParams))
        self.colourParams = params
        self.colourBy = colourBy.flatMap { params.contains($0) ? $0 : nil }
        let kept = Set(params)
        self.runs = runs.prefix(ExplorerSpec.maxRuns).map { r in
            var r = r
            r.params = r.params.filter { kept.contains($0.key) }
            return r
        }
        // Model metrics first (sorted), machine timings last; at most as many as one request takes.
        let sorted = keys.filter { !ChartData.timingMetrics.contains($0) }.sorted() + keys.filter(ChartData.timingMetrics.contains).sorted()
        self.keys = Array(sorted.prefix(SeriesRoute.maxKeys))
        self.alerts = Array(alerts.filter { $0.event.level != .info && $0.event.step != nil }.prefix(ExplorerSpec.maxAlerts))
    }

    var json: JSONValue {
        .object([
            "runs": .array(runs.map { r in
                .object(["id": .string(r.id), "name": .string(r.name), "status": .string(r.status.rawValue),
                         "params": .object(r.params.mapValues(ExplorerSpec.paramJSON))])
            }),
            "colourParams": .array(colourParams.map { .string($0) }),
            "colourBy": colourBy.map { .string($0) } ?? .null,
            "keys": .array(keys.map { .string($0) }),
            "hiddenKeys": .array(keys.filter(ChartData.timingMetrics.contains).map { .string($0) }),
            "live": .bool(runs.contains { $0.status == .running }),
            "alerts": .array(alerts.map { a in
                .object(["run": .string(a.run), "step": .int(Int64(a.event.step ?? 0)), "level": .string(a.event.level.rawValue),
                         "kind": .string(a.event.kind), "message": .string(String(a.event.message.prefix(300)))])
            }),
        ])
    }

    /// A param value as the colour scale reads it: finite numbers as numbers (booleans and
    /// non-finite reals as text, so they are categories), long texts cut.
    static func paramJSON(_ v: ParamValue) -> JSONValue {
        switch v {
        case .int(let i): return .int(i)
        case .real(let d): return d.isFinite ? .double(d) : .string(v.description)
        case .text(let t): return .string(String(t.prefix(maxParamText)))
        case .bool, .null: return .string(v.description)
        }
    }

    /// The explorer's mount point, with the server-drawn charts (`static`) kept for readers
    /// without JavaScript; the script hides them once it has drawn.
    func html(static charts: String) -> String {
        "<div id=\"explorer\" data-spec=\"\(HTML.escape(json.canonical))\"></div>\n"
            + "<div class=\"static-charts\">\n\(charts)</div>\n"
    }
}
