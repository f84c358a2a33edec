import ArgumentParser
import Foundation
import Tracker
import TrackerUI

/// Server-side render time of the web UI: a run page whose run has 1,000,000 metric points
/// and 200,000 gradient-stat rows, and the runs page over 10,000 runs (bar: median < 200 ms).
///
/// Times `UIApp.respond` (open a read-only store, query, render HTML and SVG), which is what
/// the HTTP server runs per request; the socket adds well under a millisecond on loopback.
struct UIBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Web UI render time: a 1,000,000-point run page and a 10,000-run runs page (bar: < 200 ms each).")

    @Option(help: "The store with the big run (made once, then reused).") var path = FileManager.default.temporaryDirectory.path + "/tracker-ui-bench.db"
    @Option(help: "The store with many runs (made once, then reused).")
    var runsPath = FileManager.default.temporaryDirectory.path + "/tracker-ui-bench-runs.db"
    @Option(help: "Runs in the runs-page store.") var runs = 10_000
    @Option(help: "Measurements of each page (median reported).") var repeats = 10
    @Flag(help: "Only the many-runs store: skip (and do not generate) the 1,000,000-point run.") var manyRunsOnly = false

    static let bar = 200.0

    func run() throws {
        if !manyRunsOnly, !FileManager.default.fileExists(atPath: path) { try UIBenchData.generate(at: path) }
        if !FileManager.default.fileExists(atPath: runsPath) { try QueryBenchData(runs: runs, pointsPerRun: 40).generate(at: runsPath) }
        for p in manyRunsOnly ? [runsPath] : [path, runsPath] { try Store.upgradeSchema(path: p) }  // stores made by an older build
        // A run in the middle of the many-runs store: its page pays for finding one run among `runs`.
        let oneOfMany = try Store(path: runsPath, readOnly: true).runs(limit: runs / 2).last?.id ?? ""
        let runsApp = UIApp(databasePath: runsPath)
        var pass = true
        /// `cold`: a new `UIApp` (empty series cache) every time, as on the first view of a run.
        func time(_ label: String, _ app: UIApp, _ target: String, bar: Double?, cold: Bool = false) {
            var ms: [Double] = []
            var bytes = 0, status = 0
            _ = app.respond(UIRequest(target: target))  // warm SQLite's page cache (and the series cache) once
            for _ in 0..<repeats {
                let server = cold ? UIApp(databasePath: app.databasePath) : app
                let t0 = DispatchTime.now().uptimeNanoseconds
                let r = server.respond(UIRequest(target: target))
                ms.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                bytes = r.body.count
                status = r.status
            }
            let m = median(ms)
            let verdict = bar.map { m < $0 && status == 200 ? "PASS" : "FAIL" } ?? (status == 200 ? "(no bar)" : "FAIL")
            if status != 200 { pass = false }
            if let bar, m >= bar { pass = false }
            print(String(format: "%@: HTTP %d, %d KB, median %.1f ms (min %.1f, max %.1f) %@", label, status, bytes / 1024, m,
                         ms.min() ?? .nan, ms.max() ?? .nan, verdict))
        }
        time("run page, one run among \(runs) runs, first view (cold cache)", runsApp, "/runs/\(oneOfMany)", bar: UIBench.bar, cold: true)
        if !manyRunsOnly {
            let big = try Store(path: path, readOnly: true).runs(limit: 1).first?.id ?? ""
            let bigApp = UIApp(databasePath: path)
            time("run page, 1,000,000 points + 200,000 grad rows, first view (cold cache)", bigApp, "/runs/\(big)", bar: UIBench.bar, cold: true)
            time("run page, 1,000,000 points + 200,000 grad rows, again (warm cache)", bigApp, "/runs/\(big)", bar: UIBench.bar)
            time("series API, 1,000,000 points → 1000, cold", bigApp, "/api/runs/\(big)/metrics/train_loss?points=1000", bar: UIBench.bar, cold: true)
            time("series API, 1,000,000 points → 1000, warm", bigApp, "/api/runs/\(big)/metrics/train_loss?points=1000", bar: UIBench.bar)
        }
        time("runs page, \(runs) runs (first \(500) rows shown)", runsApp, "/", bar: UIBench.bar)
        time("runs page, \(runs) runs, all rows", runsApp, "/?limit=0", bar: nil)
        time("runs page, filter + sort", runsApp, "/?where=params.dropout%20%3D%200.5&sort=metrics.val_acc:desc", bar: UIBench.bar)
        print("bar < \(Int(UIBench.bar)) ms each: \(pass ? "PASS" : "FAIL")")
    }
}

/// The big run of the UI benchmark, written through the recording API in large batches:
/// train_loss every step (970,000 points, with spikes), train/val accuracy and val loss
/// (10,000 points each), 20 tensors × 10,000 steps of gradient statistics, BatchNorm
/// statistics of 4 layers over 100 epochs.
enum UIBenchData {
    static func generate(at path: String) throws {
        try generateStore(at: path) { store in
            let rec = try store.startRun(RunStart(experiment: "ui-bench", name: "big", config: .object(["lr": .double(0.001), "depth": .int(20)]),
                                                  seed: 1), batchSize: 100_000)
            let steps = 970_000
            var batch: [MetricPoint] = []
            batch.reserveCapacity(100_000)
            for step in 0..<steps {
                let spike = step % 97_001 == 50_000 ? 5.0 : 0
                batch.append(MetricPoint(key: "train_loss", step: step, epoch: step / 9_700, value: 2.3 / (1 + Double(step) * 1e-4) + spike,
                                         wallTime: 1.7e9 + Double(step) * 0.01))
                if step % 97 == 0 {
                    let p = Double(step) / Double(steps), e = step / 9_700
                    batch.append(MetricPoint(key: "train_acc", step: step, epoch: e, value: 0.5 + 0.45 * p, wallTime: 1.7e9))
                    batch.append(MetricPoint(key: "val_acc", step: step, epoch: e, value: 0.5 + 0.4 * p, wallTime: 1.7e9))
                    batch.append(MetricPoint(key: "val_loss", step: step, epoch: e, value: 1.5 - p, wallTime: 1.7e9))
                }
                if batch.count >= 100_000 { rec.log(points: batch); batch.removeAll(keepingCapacity: true) }
            }
            rec.log(points: batch)
            for chunk in stride(from: 0, to: 10_000, by: 1_000) {
                var grads: [GradStat] = []
                for s in chunk..<(chunk + 1_000) {
                    for t in 0..<20 {
                        let l2 = pow(0.5, Double(20 - t)) * (1 + 0.1 * sin(Double(s) / 50))
                        grads.append(GradStat(tensor: "layers.\(t / 2).\(t % 2 == 0 ? "weight" : "bias")", step: s * 97, epoch: s / 100,
                                              l2: l2, mean: 0, std: l2 / 10, maxAbs: l2, zeroFraction: 0.01, updateRatio: 1e-3))
                    }
                }
                rec.log(gradStats: grads)
            }
            var bn: [BNStat] = []
            for epoch in 0..<100 {
                for l in 0..<4 {
                    bn.append(BNStat(layer: "layers.\(l).bn", step: epoch * 9_700, epoch: epoch,
                                     runningMean: (0..<64).map { Float($0) * 0.01 * Float(epoch) / 100 }, runningVar: (0..<64).map { _ in 1 + Float(epoch) / 100 }))
                }
            }
            rec.log(bnStats: bn)
            try rec.finish(.finished)
        }
    }
}
