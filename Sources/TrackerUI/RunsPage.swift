import Foundation
import Tracker

/// `/`: experiments and runs — a sortable table with status, key params and final metrics,
/// filtered with the CLI's filter language (mistakes shown inline, with their column).
struct RunsPage {
    let store: Store
    let request: UIRequest

    /// Rows shown unless `limit` says otherwise (0: all).
    static let defaultLimit = 500
    /// The largest `limit` accepted (400 beyond).
    static let maxLimit = 100_000
    /// Metrics shown first when runs have them; then others, up to `maxMetricColumns`.
    static let preferredMetrics = ["train_loss", "val_loss", "train_acc", "val_acc", "test_acc"]
    static let maxMetricColumns = 6
    static let maxParamColumns = 8
    /// Runs the sweep view (parallel coordinates) draws.
    static let sweepLimit = 500

    /// The page; status 400 (with the form and the mistake shown) for a bad filter.
    func render() throws -> UIResponse {
        let filter = request.value("where")
        let experiment = request.value("experiment")
        let sort = request.value("sort")
        let limit = try request.integer("limit", default: RunsPage.defaultLimit, in: 0...RunsPage.maxLimit, meaning: " (0: all)")
        var body = "<h1>Runs</h1>\n"
        body += try experimentsTable(selected: experiment)
        var runs: [RunSummary] = []
        var problem: String?
        do {
            runs = try store.runs(where: filter, experiment: experiment, sort: sort, limit: limit > 0 ? limit + 1 : nil)
        } catch let error as FilterError {
            problem = RunsPage.describe(error)
        } catch TrackerError.experimentNotFound(let name) {
            problem = "no experiment named '\(name)'"
        }
        body += form(filter: filter, experiment: experiment, sort: sort, limit: limit)
        if let problem {
            body += "<pre class=\"error\" id=\"filter-error\">\(HTML.escape(problem))</pre>\n"
            return .html(Page(title: "runs", body: body).render(), status: 400)
        }
        let more = limit > 0 && runs.count > limit
        if more { runs.removeLast() }
        body += "<p class=\"muted\">\(runs.count) run\(runs.count == 1 ? "" : "s")"
        if more {
            body += " shown; more match — <a href=\"\(link(filter: filter, experiment: experiment, sort: sort, limit: 0))\">show all</a>"
        }
        body += "</p>\n"
        body += "<form method=\"get\" action=\"/compare\">\n"
        body += runsTable(runs)
        body += "<p>" + colourPicker(runs) + "<button type=\"submit\">compare selected</button>"
        body += " or <a href=\"/compare?\(query(filter: filter, experiment: experiment, sort: sort, limit: nil))\">compare all matching</a></p></form>\n"
        if runs.count >= 2 {
            // Parallel coordinates and a scatter of these runs (web/sweep.js; needs JavaScript).
            let q = query(filter: filter, experiment: experiment, sort: sort, limit: RunsPage.sweepLimit)
            body += HTML.section("Sweep", id: "sweep", "<div id=\"sweep-view\" data-query=\"\(q)\"><noscript>the sweep view needs JavaScript</noscript></div>")
        }
        return .html(Page(title: "runs", body: body).render())
    }

    private func experimentsTable(selected: String?) throws -> String {
        let list = try store.experimentSummaries()
        guard !list.isEmpty else { return "<p class=\"muted\">The store has no experiments yet: <code>tracker train config.yaml</code>.</p>\n" }
        let rows = list.map { x -> [HTML.Cell] in
            let name = x.name == selected ? "<b>\(HTML.escape(x.name))</b>" : HTML.escape(x.name)
            return [HTML.Cell(raw: "<a href=\"/?experiment=\(HTML.url(x.name))\">\(name)</a>"), .int(x.runs), .int(x.finished), .int(x.running),
                    .text(HTML.localTime(x.lastRunAt))]
        }
        return "<details open><summary>Experiments</summary>" + HTML.table(["experiment", "runs", "finished", "running", "last run"], rows, id: "experiments") + "</details>\n"
    }

    private func form(filter: String?, experiment: String?, sort: String?, limit: Int) -> String {
        let experiments = (try? store.experiments()) ?? []
        var options = "<option value=\"\">all experiments</option>"
        for x in experiments {
            options += "<option value=\"\(HTML.escape(x))\"\(x == experiment ? " selected" : "")>\(HTML.escape(x))</option>"
        }
        return """
            <form class="filter" method="get" action="/">
            <select name="experiment">\(options)</select>
            <input type="text" name="where" value="\(HTML.escape(filter ?? ""))" placeholder="params.dropout = 0.5 and metrics.val_acc > 0.85">
            <input type="text" name="sort" value="\(HTML.escape(sort ?? ""))" placeholder="sort: metrics.val_acc:desc" style="width:200px">
            <input type="hidden" name="limit" value="\(limit)">
            <button type="submit">filter</button> <a href="/">clear</a>
            </form>\n
            """
    }

    private func runsTable(_ runs: [RunSummary]) -> String {
        let params = Array(RunSummary.varyingParamKeys(runs).prefix(RunsPage.maxParamColumns))
        let metrics = RunsPage.metricColumns(runs)
        var headers = ["", "id", "name", "experiment", "status", "started", "duration"]
        headers += params.map { "params.\($0)" } + metrics
        let rows = runs.map { s -> [HTML.Cell] in
            let r = s.run
            var row: [HTML.Cell] = [
                HTML.Cell(raw: "<input type=\"checkbox\" name=\"run\" value=\"\(HTML.escape(r.id))\">"),
                HTML.Cell(raw: HTML.runLink(r.id)), HTML.Cell(raw: HTML.runLink(r.id, r.name)), .text(r.experiment),
                HTML.Cell(raw: HTML.status(r.status)), .text(HTML.localTime(r.startedAt)),
                HTML.Cell(raw: HTML.duration(r.duration), sortKey: r.duration ?? .nan),
            ]
            for p in params {
                let v = s.params[p]
                row.append(v?.number.map { HTML.Cell(raw: HTML.escape(v?.description ?? ""), sortKey: $0) } ?? .text(v?.description ?? "–"))
            }
            for m in metrics { row.append(.num(s.metrics[m]?.last)) }
            return row
        }
        return HTML.table(headers, rows, id: "runs")
    }

    /// The "colour lines by" choice handed to the compare page (`colour=PARAM`): the params
    /// that vary among the listed runs; the sweep view's "compare selected" link takes it too.
    private func colourPicker(_ runs: [RunSummary]) -> String {
        let params = RunSummary.varyingParamKeys(runs).prefix(ExplorerSpec.maxColourParams)
        guard !params.isEmpty else { return "" }
        let options = params.map { "<option value=\"\(HTML.escape($0))\">\(HTML.escape($0))</option>" }.joined()
        return "<label>colour lines by <select name=\"colour\" id=\"colour-pick\"><option value=\"\">run (one colour each)</option>\(options)</select></label> "
    }

    /// Preferred metrics first, then the other logged ones (timing metrics left out).
    static func metricColumns(_ runs: [RunSummary]) -> [String] {
        let all = RunSummary.metricKeys(runs).filter { !MetricSummary.timingKeys.contains($0) }
        let first = preferredMetrics.filter(all.contains)
        return Array((first + all.filter { !first.contains($0) }).prefix(maxMetricColumns))
    }

    /// A filter mistake with a caret under its column: the CLI's caret lines (a long filter
    /// shows a window around the column, not its whole text).
    static func describe(_ error: FilterError) -> String {
        "filter error: \(error.message)\n\(error.caretLines)"
    }

    private func query(filter: String?, experiment: String?, sort: String?, limit: Int?) -> String {
        var parts: [String] = []
        if let filter { parts.append("where=\(HTML.url(filter))") }
        if let experiment { parts.append("experiment=\(HTML.url(experiment))") }
        if let sort { parts.append("sort=\(HTML.url(sort))") }
        if let limit { parts.append("limit=\(limit)") }
        return parts.joined(separator: "&amp;")
    }

    private func link(filter: String?, experiment: String?, sort: String?, limit: Int) -> String {
        "/?" + query(filter: filter, experiment: experiment, sort: sort, limit: limit)
    }
}
