import Foundation
import Tracker

/// `/runs/ID`: one run — overview, lineage, metric charts, params, config, environment,
/// events, gradient and BatchNorm diagnostics, weight statistics and checkpoints.
/// A running run's page polls `/api/runs/ID` and reloads when new points arrive.
struct RunPage {
    let store: Store
    let report: RunReport
    let cache: RunDataCache

    init(store: Store, runID: String, cache: RunDataCache) throws {
        self.store = store
        self.cache = cache
        // Resolved once: every read below takes `report.ref`.
        report = try store.report(run: try store.runRef(runID, includeDeleted: true))
    }

    var run: RunInfo { report.run }

    func render() throws -> String {
        var body = header()
        body += try charts()
        body += metricsTable()
        body += try diagnostics()
        body += landscapes()
        body += events()
        body += checkpoints()
        body += settings()
        let poll = run.status == .running ? (url: "/api/runs/\(HTML.url(run.id))", state: RunPage.state(report.summary)) : nil
        return Page(title: "\(run.name) (\(run.id))", body: body, poll: poll).render()
    }

    /// What the live refresh compares: status and the number of metric points.
    static func state(_ s: RunSummary) -> String {
        "\(s.run.status.rawValue):\(s.metrics.values.reduce(0) { $0 + $1.count })"
    }

    private func header() -> String {
        var out = "<h1>\(HTML.escape(run.name)) <span class=\"muted\">\(HTML.escape(run.id))</span> \(HTML.status(run.status))</h1>\n"
        if run.deleted { out += "<p class=\"error\">This run is deleted (kept until <code>tracker gc</code>).</p>\n" }
        var rows: [[HTML.Cell]] = [
            [.text("experiment"), HTML.Cell(raw: "<a href=\"/?experiment=\(HTML.url(run.experiment))\">\(HTML.escape(run.experiment))</a>")],
            [.text("started"), .text(HTML.localTime(run.startedAt))],
            [.text("ended"), .text(HTML.localTime(run.endedAt))],
            [.text("duration"), .text(HTML.duration(run.duration))],
            [.text("seed"), .text(String(run.seed))],
            [.text("config hash"), .text(run.configHash)],
            [.text("origin"), .text(run.origin.rawValue)],
        ]
        if let parent = run.parentID { rows.append([.text("parent"), HTML.Cell(raw: HTML.runLink(parent))]) }
        if !report.children.isEmpty {
            rows.append([.text("children"), HTML.Cell(raw: report.children.map { HTML.runLink($0) }.joined(separator: ", "))])
        }
        if let host = run.host { rows.append([.text("host"), .text("\(host) (pid \(run.pid.map(String.init) ?? "?"))")]) }
        for (k, v) in report.summary.tags.sorted(by: { $0.key < $1.key }) { rows.append([.text("tag \(k)"), .text(v)]) }
        out += HTML.table(["", ""], rows, id: "overview", classes: "kv")
        out += "<p><a href=\"/api/runs/\(HTML.url(run.id))\">JSON</a> · <a href=\"/compare?run=\(HTML.url(run.id))\(run.parentID.map { "&amp;run=\(HTML.url($0))" } ?? "")\">compare</a></p>\n"
        return out
    }

    private func charts() throws -> String {
        let keys = report.summary.metrics.keys.sorted()
        guard !keys.isEmpty else { return HTML.section("Metrics", id: "charts", "<p class=\"muted\">no metrics yet</p>") }
        var out = "<div class=\"charts\">\n"
        for group in ChartData.groups(keys) {
            let series = try ChartData.series(store, cache: cache, run: report.ref, summary: report.summary, keys: group.keys) { $0 }
            out += ChartData.chart(series, title: group.title, yLabel: group.keys.count == 1 ? group.keys[0] : group.title)
        }
        out += "</div>\n"
        let spec = ExplorerSpec(runs: [.init(id: run.id, name: run.name, status: run.status)], keys: keys,
                                alerts: report.events.map { (run.id, $0) })
        return HTML.section("Metrics", id: "charts", spec.html(static: out))
    }

    private func metricsTable() -> String {
        let rows = report.summary.metrics.sorted(by: { $0.key < $1.key }).map { key, m -> [HTML.Cell] in
            let best = MetricGoal(metric: key).best(of: m)
            return [HTML.Cell(raw: "<a href=\"/api/runs/\(HTML.url(run.id))/metrics/\(HTML.url(key))?points=1000\">\(HTML.escape(key))</a>"),
                    .num(m.last), .int(m.lastStep), .num(best?.value), .int(best?.step), .num(m.min), .num(m.max), .int(m.count), .int(m.nanCount)]
        }
        return HTML.table(["metric", "final", "step", "best", "best step", "min", "max", "points", "NaN"], rows, id: "metrics")
    }

    private func events() -> String {
        guard !report.events.isEmpty else { return HTML.section("Events and alerts", id: "events", "<p class=\"muted\">none</p>") }
        var out = "<table id=\"event-table\"><thead><tr><th>step</th><th>epoch</th><th>level</th><th>kind</th><th>message</th></tr></thead><tbody>\n"
        for e in report.events {
            let cls = e.level == .info ? "" : " class=\"\(e.level == .warning ? "warning" : "level-error")\""
            out += "<tr\(cls)><td class=\"num\">\(e.step.map(String.init) ?? "–")</td><td class=\"num\">\(e.epoch.map(String.init) ?? "–")</td>"
            out += "<td>\(e.level.rawValue)</td><td>\(HTML.escape(e.kind))</td><td>\(HTML.escape(e.message))</td></tr>\n"
        }
        return HTML.section("Events and alerts", id: "events", out + "</tbody></table>\n")
    }

    private func checkpoints() -> String {
        guard !report.checkpoints.isEmpty else { return HTML.section("Checkpoints", id: "checkpoints", "<p class=\"muted\">none</p>") }
        let rows = report.checkpoints.map { c -> [HTML.Cell] in
            [HTML.Cell(raw: "<a href=\"/checkpoints/\(c.id)\" download>\(c.id)</a>", sortKey: Double(c.id)), .int(c.step), .int(c.epoch),
             .text(c.kind.rawValue), .int(c.size), HTML.Cell(raw: "<code>\(HTML.escape(String(c.sha256.prefix(16))))</code>"),
             .text(HTML.localTime(c.createdAt))]
        }
        return HTML.section("Checkpoints", id: "checkpoints",
                            HTML.table(["download", "step", "epoch", "kind", "bytes", "sha256", "saved"], rows, id: "checkpoint-table"))
    }

    private func settings() -> String {
        let params = report.summary.params.sorted(by: { $0.key < $1.key }).map { [HTML.Cell.text($0.key), .text($0.value.description)] }
        var out = HTML.section("Params", id: "params", params.isEmpty ? "<p class=\"muted\">none</p>" : HTML.table(["param", "value"], params, id: "param-table", classes: "sortable kv"))
        out += HTML.section("Config", id: "config", "<pre>\(HTML.escape(report.config.pretty))</pre>")
        out += HTML.section("Environment", id: "environment", "<pre>\(HTML.escape(report.environment.pretty))</pre>")
        return out
    }
}
