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
}
