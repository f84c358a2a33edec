import Foundation
import Tracker

/// What the charts explorer (`web/explorer.js`) of the run and compare pages is told in its
/// `data-spec` attribute: the runs (in colour order), the metric keys, which panels start
/// hidden, whether to follow a running run, and the alerts to place on the curves.
struct ExplorerSpec {
    struct Run {
        var id: String
        var name: String
        var status: RunStatus
    }

    var runs: [Run]
    var keys: [String]
    var alerts: [(run: String, event: Event)]

    /// Most runs the explorer draws (the `/api/series` limit).
    static let maxRuns = SeriesRoute.maxRuns
    /// Most alerts placed on the curves of one page.
    static let maxAlerts = 200

    init(runs: [Run], keys: [String], alerts: [(run: String, event: Event)]) {
        self.runs = Array(runs.prefix(ExplorerSpec.maxRuns))
        // Model metrics first (sorted), machine timings last; at most as many as one request takes.
        let sorted = keys.filter { !ChartData.timingMetrics.contains($0) }.sorted() + keys.filter(ChartData.timingMetrics.contains).sorted()
        self.keys = Array(sorted.prefix(SeriesRoute.maxKeys))
        self.alerts = Array(alerts.filter { $0.event.level != .info && $0.event.step != nil }.prefix(ExplorerSpec.maxAlerts))
    }

    var json: JSONValue {
        .object([
            "runs": .array(runs.map { .object(["id": .string($0.id), "name": .string($0.name), "status": .string($0.status.rawValue)]) }),
            "keys": .array(keys.map { .string($0) }),
            "hiddenKeys": .array(keys.filter(ChartData.timingMetrics.contains).map { .string($0) }),
            "live": .bool(runs.contains { $0.status == .running }),
            "alerts": .array(alerts.map { a in
                .object(["run": .string(a.run), "step": .int(Int64(a.event.step ?? 0)), "level": .string(a.event.level.rawValue),
                         "kind": .string(a.event.kind), "message": .string(String(a.event.message.prefix(300)))])
            }),
        ])
    }

    /// The explorer's mount point, with the server-drawn charts (`static`) kept for readers
    /// without JavaScript; the script hides them once it has drawn.
    func html(static charts: String) -> String {
        "<div id=\"explorer\" data-spec=\"\(HTML.escape(json.canonical))\"></div>\n"
            + "<div class=\"static-charts\">\n\(charts)</div>\n"
    }
}
