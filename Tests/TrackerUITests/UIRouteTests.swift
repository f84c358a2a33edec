import Foundation
import Testing
import Tracker
@testable import TrackerUI

/// Every page and API route over real HTTP, against a store made by real training runs.
@Suite("Web UI over HTTP")
struct UIRouteTests {
    @Test("the runs page lists every run in a table with experiments, status and metrics")
    func runsPage() async throws {
        let f = try await UIFixture.shared.get()
        let r = try await HTTP.get(f.port, "/")
        #expect(r.status == 200)
        #expect(r.headers["content-type"]?.hasPrefix("text/html") == true)
        for id in [f.batchNormRun, f.hostileRun, f.runningRun, f.longRun] { #expect(r.text.contains("/runs/\(id)")) }
        #expect(r.text.contains("id=\"runs\""))
        #expect(r.text.contains("id=\"experiments\""))
        #expect(r.text.contains("val_acc"))
        #expect(r.text.contains("class=\"status finished\""))
        #expect(r.text.contains("<option value=\"ui-test\""))
    }

    @Test("the filter box uses the CLI's filter language, and a mistake is shown inline")
    func runsFilter() async throws {
        let f = try await UIFixture.shared.get()
        let ok = try await HTTP.get(f.port, "/?where=" + enc("params.model.activation = 'tanh'"))
        #expect(ok.status == 200)
        #expect(ok.text.contains("/runs/\(f.hostileRun)"))
        #expect(!ok.text.contains("/runs/\(f.batchNormRun)\""))
        let byExperiment = try await HTTP.get(f.port, "/?experiment=live")
        #expect(byExperiment.text.contains("/runs/\(f.longRun)") && !byExperiment.text.contains("/runs/\(f.hostileRun)\""))
        let bad = try await HTTP.get(f.port, "/?where=" + enc("metrics.val_acc >"))
        #expect(bad.status == 400, "the page with the mistake shown, as a 400")
        #expect(bad.text.contains("id=\"filter-error\""))
        #expect(bad.text.contains("filter error"))
        let sorted = try await HTTP.get(f.port, "/?sort=" + enc("metrics.val_acc:desc") + "&limit=1")
        #expect(sorted.text.contains("show all"))
    }

    @Test("a run page shows overview, charts, gradient heat map, BN statistics, histograms with their prior fits, checkpoints and loss landscapes")
    func runPage() async throws {
        let f = try await UIFixture.shared.get()
        let r = try await HTTP.get(f.port, "/runs/\(f.batchNormRun)")
        #expect(r.status == 200)
        for needle in ["id=\"overview\"", "id=\"charts\"", "<svg", ">loss<", ">accuracy<", "class=\"heatmap\"", "id=\"bn\"", "id=\"bn-table\"",
                       "class=\"histogram\"", "weight_norm", "id=\"checkpoint-table\"", "href=\"/checkpoints/", "id=\"param-table\"",
                       "id=\"config\"", "id=\"environment\"", "verdict:", "class=\"fit-laplace\"", "class=\"fit-gaussian\"",
                       "id=\"landscapes\"", "id=\"landscape-table\"", "class=\"landscape\"", "non-convex share"] {
            #expect(r.text.contains(needle), "run page lacks \(needle)")
        }
        #expect(!r.text.contains("data-poll"), "a finished run does not poll")
        // A unique prefix works too.
        #expect(try await HTTP.get(f.port, "/runs/\(f.batchNormRun.prefix(6))").status == 200)
    }

    @Test("a running run's page polls its JSON endpoint")
    func liveRun() async throws {
        let f = try await UIFixture.shared.get()
        let r = try await HTTP.get(f.port, "/runs/\(f.runningRun)")
        #expect(r.status == 200)
        #expect(r.text.contains("data-poll=\"/api/runs/\(f.runningRun)\""))
        #expect(r.text.contains("data-state=\"running:1\""))
        let json = try #require(try await HTTP.get(f.port, "/api/runs/\(f.runningRun)").json() as? [String: Any])
        #expect(json["status"] as? String == "running")
    }

    @Test("the compare page overlays curves and shows the params diff and overfitting gap, by checkbox or filter")
    func comparePage() async throws {
        let f = try await UIFixture.shared.get()
        let picked = try await HTTP.get(f.port, "/compare?run=\(f.batchNormRun)&run=\(f.hostileRun)")
        #expect(picked.status == 200)
        for needle in ["id=\"curves\"", "<svg", "id=\"params-diff-table\"", "model.activation", "id=\"gap-table\"", "gap (train_acc − val_acc)"] {
            #expect(picked.text.contains(needle), "compare page lacks \(needle)")
        }
        let filtered = try await HTTP.get(f.port, "/compare?where=" + enc("experiment = 'ui-test'"))
        #expect(filtered.status == 200 && filtered.text.contains("id=\"gap-table\""))
        let empty = try await HTTP.get(f.port, "/compare")
        #expect(empty.status == 200 && empty.text.contains("id=\"pick\""))
    }

    @Test("checkpoints download by id, verified; unknown ids are 404")
    func checkpoints() async throws {
        let f = try await UIFixture.shared.get()
        let store = try Store(path: f.dbPath, readOnly: true)
        let c = try #require(try store.checkpoints(run: f.batchNormRun).last)
        let r = try await HTTP.get(f.port, "/checkpoints/\(c.id)")
        #expect(r.status == 200)
        #expect(r.body.count == c.size)
        #expect(SHA256.hex([UInt8](r.body)) == c.sha256)
        #expect(r.headers["content-disposition"]?.contains("attachment") == true)
        #expect(try await HTTP.get(f.port, "/checkpoints/999999").status == 404)
        #expect(try await HTTP.get(f.port, "/checkpoints/..%2Ftracker.db").status == 404)
    }

    @Test("the JSON API answers runs, a run, downsampled series, grads, bn, experiments")
    func api() async throws {
        let f = try await UIFixture.shared.get()
        let experiments = try #require(try await HTTP.get(f.port, "/api/experiments").json() as? [[String: Any]])
        #expect(Set(experiments.compactMap { $0["name"] as? String }) == ["ui-test", "live"])
        let runs = try #require(try await HTTP.get(f.port, "/api/runs?experiment=ui-test").json() as? [[String: Any]])
        #expect(runs.count == 2)
        let filtered = try #require(try await HTTP.get(f.port, "/api/runs?where=" + enc("params.model.activation = 'relu'")).json() as? [[String: Any]])
        #expect(filtered.compactMap { $0["id"] as? String } == [f.batchNormRun])
        #expect(try await HTTP.get(f.port, "/api/runs?where=" + enc("nonsense ==")).status == 400)
        let run = try #require(try await HTTP.get(f.port, "/api/runs/\(f.batchNormRun)").json() as? [String: Any])
        #expect(run["id"] as? String == f.batchNormRun)
        #expect((run["config"] as? [String: Any]) != nil && (run["checkpoints"] as? [Any])?.isEmpty == false)
        let series = try #require(try await HTTP.get(f.port, "/api/runs/\(f.longRun)/metrics/spiky?points=8").json() as? [String: Any])
        #expect((series["points"] as? [Any])?.count ?? 99 <= 8)
        #expect((series["total"] as? Int ?? 0) > 8)
        let whole = try #require(try await HTTP.get(f.port, "/api/runs/\(f.batchNormRun)/metrics/train_loss?points=0").json() as? [String: Any])
        #expect(whole["returned"] as? Int == whole["total"] as? Int)
        #expect(try await HTTP.get(f.port, "/api/runs/\(f.batchNormRun)/metrics/train_loss?points=-1").status == 400)
        let grads = try #require(try await HTTP.get(f.port, "/api/runs/\(f.batchNormRun)/grads").json() as? [String: Any])
        #expect((grads["tensors"] as? [Any])?.isEmpty == false)
        #expect(grads["verdict"] is String)
        let bn = try #require(try await HTTP.get(f.port, "/api/runs/\(f.batchNormRun)/bn").json() as? [[String: Any]])
        #expect(!bn.isEmpty && bn[0]["var_avg"] != nil)
        let keys = try #require(try await HTTP.get(f.port, "/api/runs/\(f.batchNormRun)/metrics").json() as? [String])
        #expect(keys.contains("val_acc"))
        #expect(try await HTTP.get(f.port, "/api/runs/\(f.batchNormRun)/checkpoints").status == 200)
    }

    @Test("a downsampled series keeps its spike")
    func downsamplingKeepsSpikes() async throws {
        let f = try await UIFixture.shared.get()
        let series = try #require(try await HTTP.get(f.port, "/api/runs/\(f.longRun)/metrics/spiky?points=200").json() as? [String: Any])
        let points = try #require(series["points"] as? [[Double]])
        #expect(points.count <= 200)
        #expect(series["total"] as? Int == 100_000)
        #expect(points.contains { $0[0] == 77_777 && $0[1] == 1000 })
    }

    @Test("unknown runs, keys and routes are 404 with a plain message")
    func notFound() async throws {
        let f = try await UIFixture.shared.get()
        for path in ["/runs/zzzzzzzz", "/api/runs/zzzzzzzz", "/api/runs/zzzzzzzz/grads", "/api/runs/\(f.batchNormRun)/metrics/nope",
                     "/api/runs/\(f.batchNormRun)/nope", "/nope", "/api/nope", "/compare?run=zzzzzzzz"] {
            let r = try await HTTP.get(f.port, path)
            #expect(r.status == 404, "\(path) → \(r.status)")
            #expect(r.headers["content-type"]?.hasPrefix("text/plain") == true, "\(path)")
            #expect(!r.text.contains("<"), "\(path) answers plain text")
        }
    }

    @Test("a run named <script>alert(1)</script> appears escaped on every page and in every SVG")
    func escaping() async throws {
        let f = try await UIFixture.shared.get()
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
        for path in ["/", "/runs/\(f.hostileRun)", "/compare?run=\(f.hostileRun)&run=\(f.batchNormRun)",
                     "/compare?where=" + enc("experiment = 'ui-test'"), "/compare", "/?where=" + enc("name = '\(UIFixture.hostileName)'")] {
            let r = try await HTTP.get(f.port, path)
            #expect(r.status == 200, "\(path)")
            #expect(!r.text.contains(UIFixture.hostileName), "\(path) contains the raw name")
            #expect(r.text.contains(escaped), "\(path) lacks the escaped name")
        }
        let json = try #require(try await HTTP.get(f.port, "/api/runs/\(f.hostileRun)").json() as? [String: Any])
        #expect(json["name"] as? String == UIFixture.hostileName)
    }

    @Test("the server only reads: POST is refused and the database file is unchanged")
    func readOnly() async throws {
        let f = try await UIFixture.shared.get()
        let before = try Data(contentsOf: URL(fileURLWithPath: f.dbPath))
        #expect(try await HTTP.request(f.port, "/", method: "POST").status == 405)
        for path in ["/", "/runs/\(f.batchNormRun)", "/api/runs", "/compare?run=\(f.batchNormRun)"] { _ = try await HTTP.get(f.port, path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.dbPath)) == before)
    }

    private func enc(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

@Suite("Filter mistakes on the runs page")
struct UIFilterCaretTests {
    @Test("the page shows the CLI's caret lines: a window around the column of a 20,000-byte filter, not all of it")
    func caretWindow() throws {
        let long = String(repeating: "params.a = 1 and ", count: 1_000) + "params.b >"
        let error = try #require(throws: FilterError.self) { try FilterParser.parse(long) }
        let text = RunsPage.describe(error)
        #expect(text.hasPrefix("filter error: "))
        #expect(text.hasSuffix(error.caretLines))
        #expect(text.utf8.count < 1_000, "\(text.utf8.count) bytes")
    }
}
