import Foundation
import Tracker

/// `/compare`: runs picked by checkbox (`?run=A&run=B`) or by a filter (`?where=…`) shown
/// together — overlaid curves, the params that differ, and the overfitting-gap table.
struct ComparePage {
    let store: Store
    let request: UIRequest
    let cache: RunDataCache

    /// Runs drawn on the overlaid charts (the tables list every selected run).
    static let maxOverlaid = 10

    /// The page; status 400 (with the form and the mistake shown) for a bad filter.
    func render() throws -> UIResponse {
        let ids = (request.query["run"] ?? []).filter { !$0.isEmpty }
            + (request.value("runs")?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } ?? [])
        let filter = request.value("where"), experiment = request.value("experiment")
        var body = "<h1>Compare runs</h1>\n" + form(filter: filter)
        let comparison: RunComparison
        do {
            if !ids.isEmpty {
                comparison = try store.compare(runs: ids)
            } else if filter != nil || experiment != nil {
                comparison = try store.compare(where: filter, experiment: experiment, sort: request.value("sort"), limit: 200)
            } else {
                return .html(Page(title: "compare", body: body + (try picker())).render())
            }
        } catch let error as FilterError {
            body += "<pre class=\"error\" id=\"filter-error\">\(HTML.escape(RunsPage.describe(error)))</pre>\n"
            return .html(Page(title: "compare", body: body).render(), status: 400)
        }
        guard !comparison.rows.isEmpty else { return .html(Page(title: "compare", body: body + "<p>No runs match.</p>").render()) }
        body += try curves(comparison)
        body += paramsDiff(comparison)
        body += gapTable(comparison)
        return .html(Page(title: "compare", body: body).render())
    }

    private func form(filter: String?) -> String {
        """
        <form class="filter" method="get" action="/compare">
        <input type="text" name="where" value="\(HTML.escape(filter ?? ""))" placeholder="params.model.activation = 'relu'">
        <button type="submit">compare matching runs</button></form>\n
        """
    }

    /// With nothing selected: the newest runs with checkboxes.
    private func picker() throws -> String {
        let runs = try store.runs(limit: 100)
        let rows = runs.map { r -> [HTML.Cell] in
            [HTML.Cell(raw: "<input type=\"checkbox\" name=\"run\" value=\"\(HTML.escape(r.id))\">"), HTML.Cell(raw: HTML.runLink(r.id)),
             .text(r.name), .text(r.experiment), HTML.Cell(raw: HTML.status(r.status))]
        }
        return "<form method=\"get\" action=\"/compare\">" + HTML.table(["", "id", "name", "experiment", "status"], rows, id: "pick")
            + "<p><button type=\"submit\">compare selected</button></p></form>\n"
    }

    private func curves(_ c: RunComparison) throws -> String {
        let runs = c.rows.prefix(ComparePage.maxOverlaid).map(\.run)
        var keysByRun: [String: Set<String>] = [:], refs: [String: RunRef] = [:]
        var all = Set<String>()
        for r in runs {
            let ref = try store.runRef(r.id, includeDeleted: true)
            refs[r.id] = ref
            let keys = Set(try store.metricKeys(run: ref))
            keysByRun[r.id] = keys
            all.formUnion(keys)
        }
        var out = c.rows.count > runs.count ? "<p class=\"muted\">curves of the first \(runs.count) of \(c.rows.count) runs</p>\n" : ""
        out += "<div class=\"charts\">\n"
        for group in ChartData.groups(all.sorted()) where !group.keys.allSatisfy(ChartData.timingMetrics.contains) {
            var series: [ChartSeries] = []
            for r in runs {
                guard let ref = refs[r.id] else { continue }
                let keys = group.keys.filter { keysByRun[r.id]?.contains($0) == true }
                series += try ChartData.series(store, cache: cache, run: ref, summary: try store.summary(of: ref), keys: keys) { k in
                    group.keys.count > 1 ? "\(r.name) (\(r.id)) \(k)" : "\(r.name) (\(r.id))"
                }
            }
            out += ChartData.chart(series, title: group.title, yLabel: group.keys.count == 1 ? group.keys[0] : group.title)
        }
        out += "</div>\n"
        return HTML.section("Curves", id: "curves", try explorer(c).html(static: out))
    }

    /// Every selected run (up to the explorer's limit) with the union of their keys, their
    /// alerts and the params that vary (to colour by; `?colour=PARAM` picks one at first).
    private func explorer(_ c: RunComparison) throws -> ExplorerSpec {
        var keys = Set<String>(), runs: [ExplorerSpec.Run] = [], alerts: [(run: String, event: Event)] = []
        for row in c.rows.prefix(ExplorerSpec.maxRuns) {
            let ref = try store.runRef(row.run.id, includeDeleted: true)
            keys.formUnion(try store.metricKeys(run: ref))
            runs.append(.init(id: row.run.id, name: row.run.name, status: row.run.status, params: row.params))
            alerts += try store.events(run: ref).map { (row.run.id, $0) }
        }
        return ExplorerSpec(runs: runs, keys: Array(keys), alerts: alerts, colourParams: c.paramKeys, colourBy: request.value("colour"))
    }

    private func paramsDiff(_ c: RunComparison) -> String {
        guard !c.paramKeys.isEmpty else {
            return HTML.section("Params that differ", id: "params-diff", "<p class=\"muted\">the runs share every param</p>")
        }
        let rows = c.rows.map { row -> [HTML.Cell] in
            [HTML.Cell(raw: HTML.runLink(row.run.id)), .text(row.run.name)] + c.paramKeys.map { k in
                let v = row.params[k]
                return v?.number.map { HTML.Cell(raw: HTML.escape(v?.description ?? ""), sortKey: $0) } ?? .text(v?.description ?? "–")
            }
        }
        return HTML.section("Params that differ", id: "params-diff", HTML.table(["run", "name"] + c.paramKeys, rows, id: "params-diff-table"))
    }

    private func gapTable(_ c: RunComparison) -> String {
        let headers = ["run", "name", "status"] + c.metrics.map { "final \($0)" }
            + ["gap (\(c.trainMetric) − \(c.valMetric))", "best \(c.bestMetric)", "best step", "best epoch"]
        let rows = c.rows.map { row -> [HTML.Cell] in
            [HTML.Cell(raw: HTML.runLink(row.run.id)), .text(row.run.name), HTML.Cell(raw: HTML.status(row.run.status))]
                + c.metrics.map { HTML.Cell.num(row.final[$0]) }
                + [.num(row.gap), .num(row.bestValue), .int(row.bestStep), .int(row.bestEpoch)]
        }
        return HTML.section("Overfitting gap", id: "gap", HTML.table(headers, rows, id: "gap-table"))
    }
}
