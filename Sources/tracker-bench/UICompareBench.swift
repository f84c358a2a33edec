import ArgumentParser
import Foundation
import Tracker
import TrackerUI

/// `tracker-bench ui-compare`: the server side of the compare page of 20 runs × 12 metrics ×
/// 100,000 points each (issue 17; bar: < 300 ms) — the page itself and the `/api/series`
/// requests its charts make (the whole range, and a zoomed one). The browser side (time to
/// the first drawn panel, hover response) is `benchmarks/ui_compare_browser.py`, which
/// serves the store this command makes (`--generate-only`).
struct UICompareBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui-compare",
        abstract: "Compare page of 20 runs × 12 metrics × 100,000 points: server time (bar: < 300 ms).")

    @Option(help: "The store (made once, then reused).") var path = FileManager.default.temporaryDirectory.path + "/tracker-ui-compare-bench.db"
    @Option(help: "Measurements of each request (median reported).") var repeats = 5
    @Flag(help: "Only make the store (for the browser benchmark), measure nothing.") var generateOnly = false

    static let runs = 20, points = 100_000, bar = 300.0
    static let keys = ["train_loss", "val_loss", "train_acc", "val_acc", "loss", "lr", "batch_acc", "grad_norm",
                       "weight_norm", "update_ratio", "dead_relu", "margin"]

    func run() throws {
        // A store made by an older build lacks what newer ones record (the fine tiles of
        // migration 6): measuring it would measure the old fallback, so it is made again.
        if FileManager.default.fileExists(atPath: path), try Store(path: path, readOnly: true).schemaVersion() < Store.supportedSchemaVersion {
            print("\(path) was made by an older build: making it again")
            for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        }
        if !FileManager.default.fileExists(atPath: path) { try UICompareBench.generate(at: path) }
        if generateOnly { print(path); return }
        let ids = try Store(path: path, readOnly: true).runs(experiment: "ui-compare-bench").map(\.id)
        let runQuery = ids.map { "run=\($0)" }.joined(separator: "&")
        let keyQuery = UICompareBench.keys.map { "key=\($0)" }.joined(separator: "&")
        var pass = true
        func time(_ label: String, _ target: String, cold: Bool) {
            var ms: [Double] = [], bytes = 0, status = 0
            let warm = UIApp(databasePath: path)
            _ = warm.respond(UIRequest(target: target))
            for _ in 0..<repeats {
                let app = cold ? UIApp(databasePath: path) : warm
                let t0 = DispatchTime.now().uptimeNanoseconds
                let r = app.respond(UIRequest(target: target))
                ms.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                (bytes, status) = (r.body.count, r.status)
            }
            let m = median(ms), ok = status == 200 && m < UICompareBench.bar
            pass = pass && ok
            print(String(format: "%@: HTTP %d, %d KB, median %.1f ms (min %.1f, max %.1f) %@", label, status, bytes / 1024, m,
                         ms.min() ?? .nan, ms.max() ?? .nan, ok ? "PASS" : "FAIL"))
        }
        print("\(ids.count) runs × \(UICompareBench.keys.count) metrics × \(UICompareBench.points) points")
        time("compare page, cold cache", "/compare?\(runQuery)", cold: true)
        time("compare page, warm cache", "/compare?\(runQuery)", cold: false)
        time("series API, 240 series → 700 points each, cold", "/api/series?\(runQuery)&\(keyQuery)&points=700", cold: true)
        time("series API, 240 series → 700 points each, warm", "/api/series?\(runQuery)&\(keyQuery)&points=700", cold: false)
        time("series API, zoomed to steps 40000–45000", "/api/series?\(runQuery)&\(keyQuery)&points=700&from=40000&to=45000", cold: false)
        print("bar < \(Int(UICompareBench.bar)) ms each: \(pass ? "PASS" : "FAIL")")
    }

    /// 20 runs of 12 noisy, decaying or rising series, 100,000 steps each, in large batches.
    static func generate(at path: String) throws {
        try generateStore(at: path) { store in
            var rng = SplitMix64(state: 17)
            for r in 0..<runs {
                let rec = try store.startRun(RunStart(experiment: "ui-compare-bench", name: "run-\(r)",
                                                      config: .object(["lr": .double(0.001 * Double(r + 1)), "dropout": .double(Double(r % 4) / 10)]),
                                                      seed: UInt64(r)), batchSize: 100_000)
                var batch: [MetricPoint] = []
                batch.reserveCapacity(100_000)
                for step in 0..<points {
                    let p = Double(step) / Double(points)
                    for (k, key) in keys.enumerated() {
                        let noise = (rng.unit() - 0.5) * 0.1
                        let v = key.contains("acc") ? 0.5 + 0.4 * p + noise : (1 + Double(k)) / (1 + 10 * p) * (1 + noise) + Double(r) * 0.01
                        batch.append(MetricPoint(key: key, step: step, epoch: step / 1000, value: v, wallTime: 1.7e9 + Double(step) * 0.01))
                    }
                    if batch.count >= 100_000 { rec.log(points: batch); batch.removeAll(keepingCapacity: true) }
                }
                rec.log(points: batch)
                try rec.finish(.finished)
            }
        }
    }
}
