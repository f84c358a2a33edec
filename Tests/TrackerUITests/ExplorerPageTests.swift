import Foundation
import Testing
import Tracker
@testable import TrackerUI

/// What the pages hand the interactive views: the explorer's spec on the run and compare
/// pages (runs, keys, alerts, live), the sweep view's query on the runs page, the heat map's
/// data source — with the server-drawn charts kept for readers without JavaScript.
@Suite("Interactive views on the pages")
struct ExplorerPageTests {
    /// The `data-spec` JSON of a page's explorer.
    static func spec(_ html: String) throws -> [String: Any] {
        let attr = try #require(html.range(of: "<div id=\"explorer\" data-spec=\"")).upperBound
        let end = try #require(html[attr...].firstIndex(of: "\""))
        let text = String(html[attr..<end]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("a run page: one explorer over the run's metrics, the SVG charts kept, the heat map wired to its grads")
    func runPage() async throws {
        let f = try await UIFixture.shared.get()
        let html = try await HTTP.get(f.port, "/runs/\(f.batchNormRun)").text
        let spec = try Self.spec(html)
        let runs = try #require(spec["runs"] as? [[String: Any]])
        #expect(runs.count == 1 && runs[0]["id"] as? String == f.batchNormRun && runs[0]["status"] as? String == "finished")
        let keys = try #require(spec["keys"] as? [String])
        let stored = try Store(path: f.dbPath, readOnly: true).metricKeys(run: f.batchNormRun)
        #expect(Set(keys) == Set(stored), "every stored metric gets a panel")
        #expect(spec["live"] as? Bool == false)
        #expect(html.contains("<div class=\"static-charts\">") && html.contains("<svg"), "the server's charts stay for readers without JavaScript")
        #expect(html.contains("data-grads=\"/api/runs/\(f.batchNormRun)/grads\""))
        #expect(html.contains("data-columns=\""), "the heat map tells its geometry")
    }

    @Test("a running run's explorer follows it; the hostile name arrives as data, not markup")
    func liveAndEscaped() async throws {
        let f = try await UIFixture.shared.get()
        let live = try Self.spec(try await HTTP.get(f.port, "/runs/\(f.runningRun)").text)
        #expect(live["live"] as? Bool == true)
        let html = try await HTTP.get(f.port, "/runs/\(f.hostileRun)").text
        #expect(!html.contains(UIFixture.hostileName))
        let runs = try #require(try Self.spec(html)["runs"] as? [[String: Any]])
        #expect(runs.first?["name"] as? String == UIFixture.hostileName)
    }

    @Test("the compare page's explorer has every selected run and the union of their keys")
    func comparePage() async throws {
        let f = try await UIFixture.shared.get()
        let ids = [f.batchNormRun, f.hostileRun, f.longRun]
        let html = try await HTTP.get(f.port, "/compare?" + ids.map { "run=\($0)" }.joined(separator: "&")).text
        let spec = try Self.spec(html)
        #expect((spec["runs"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.sorted() == ids.sorted())
        let keys = try #require(spec["keys"] as? [String])
        #expect(keys.contains("spiky") && keys.contains("val_loss"))
        let hidden = try #require(spec["hiddenKeys"] as? [String])
        #expect(Set(hidden).isSubset(of: MetricSummary.timingKeys))
    }

    @Test("the runs page hands the sweep view the page's own filter")
    func runsPage() async throws {
        let f = try await UIFixture.shared.get()
        let html = try await HTTP.get(f.port, "/?experiment=ui-test").text
        #expect(html.contains("<div id=\"sweep-view\" data-query=\"experiment=ui-test&amp;limit=\(RunsPage.sweepLimit)\">"))
        let filter = "name = 'long'".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let one = try await HTTP.get(f.port, "/?where=" + filter).text
        #expect(!one.contains("sweep-view"), "one run is no sweep")
    }

    @Test("the compare page offers the params that vary to colour by, with each run's value; ?colour= picks one if it is one of them")
    func colourParams() async throws {
        let f = try await UIFixture.shared.get()
        let runs = "run=\(f.batchNormRun)&run=\(f.hostileRun)"
        let spec = try Self.spec(try await HTTP.get(f.port, "/compare?\(runs)&colour=model.activation").text)
        let params = try #require(spec["colourParams"] as? [String])
        let comparison = try Store(path: f.dbPath, readOnly: true).compare(runs: [f.batchNormRun, f.hostileRun])
        #expect(params == comparison.paramKeys.sorted() && params.contains("model.activation"))
        #expect(spec["colourBy"] as? String == "model.activation")
        let values = (spec["runs"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", ($0["params"] as? [String: Any])?["model.activation"] as? String) }
        #expect(values.first { $0.0 == f.batchNormRun }?.1 == "relu" && values.first { $0.0 == f.hostileRun }?.1 == "tanh")
        for run in spec["runs"] as? [[String: Any]] ?? [] {
            #expect(Set(((run["params"] as? [String: Any]) ?? [:]).keys).isSubset(of: Set(params)), "only the params that vary")
        }
        // Generated colour values: never the chosen param unless it is one of them, never echoed unescaped.
        var rng = SplitMix64(state: 0xc0108)
        let alphabet = Array("model.activation<>\"'&;%/ é٣0123456789")
        for _ in 0..<20 {
            let value = String((0..<(1 + rng.below(300))).map { _ in alphabet[rng.below(alphabet.count)] })
            let page = try await HTTP.get(f.port, "/compare?\(runs)&colour=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            #expect(page.status == 200, "colour=\(value) → \(page.status)")
            let chosen = try Self.spec(page.text)["colourBy"]
            #expect(chosen is NSNull || (chosen as? String).map(params.contains) == true, "colour=\(value) → \(String(describing: chosen))")
            #expect(!(value.count >= 12 && value.contains("<") && page.text.contains(value)), "colour=\(value) echoed unescaped")
        }
        for bad in ["nope", "", "%3Cscript%3E"] {
            let other = try Self.spec(try await HTTP.get(f.port, "/compare?\(runs)&colour=\(bad)").text)
            #expect(other["colourBy"] is NSNull, "colour=\(bad) is not a varying param: one colour per run")
        }
        let single = try Self.spec(try await HTTP.get(f.port, "/runs/\(f.batchNormRun)").text)
        #expect((single["colourParams"] as? [String])?.isEmpty == true, "one run: nothing varies")
        let list = try await HTTP.get(f.port, "/?experiment=ui-test").text
        #expect(list.contains("<select name=\"colour\" id=\"colour-pick\">") && list.contains("<option value=\"model.activation\">"),
                "the runs list hands its choice to the compare page")
    }

    @Test("the run page draws the per-layer gradient lines beside the heat map, wired to the statistics API")
    func layerLines() async throws {
        let f = try await UIFixture.shared.get()
        let html = try await HTTP.get(f.port, "/runs/\(f.batchNormRun)").text
        #expect(html.contains("<div class=\"layer-lines\" id=\"layer-lines\" data-url=\"/api/runs/\(f.batchNormRun)/grads/\">"))
        let start = try #require(html.range(of: "<div class=\"static-layer-lines\">")).upperBound
        let tensors = try Store(path: f.dbPath, readOnly: true).gradientReport(run: f.batchNormRun).tensors
        #expect(tensors.count >= 2)
        for t in tensors { #expect(html[start...].contains(HTML.escape(t)), "a line labelled \(t)") }
    }
}
