import ArgumentParser
import Foundation
import Tracker

/// `runs(where:)` and `compare(where:)` on a generated store of 10,000 runs and 10,000,000
/// metric points (bar: median < 100 ms each; MLflow's search_runs takes 20–25 ms on 200 runs).
struct QueryBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Filter and compare latency on a 10,000-run, 10,000,000-point store (bar: < 100 ms each).")

    @Option(help: "The generated store (made once, then reused).") var path = FileManager.default.temporaryDirectory.path + "/tracker-query-bench.db"
    @Option(help: "Runs to generate.") var runs = 10_000
    @Option(help: "Metric points a run (4 keys × points/4 steps).") var pointsPerRun = 1_000
    @Option(help: "Measurements of each query (median reported).") var repeats = 10
    @Flag(help: "Only make the store.") var generateOnly = false

    static let filter = "params.dropout = 0.5 and metrics.val_acc > 0.85"
    static let compareFilter = "params.model.activation = 'relu' and params.optimizer.lr = 0.001 and params.dropout = 0.5 and params.batch_size = 64"

    func run() throws {
        if !FileManager.default.fileExists(atPath: path) { try QueryBenchData(runs: runs, pointsPerRun: pointsPerRun).generate(at: path) }
        if generateOnly { return }
        let store = try Store(path: path)
        let all = try store.runs(where: nil, limit: 1)
        print("store: \(path), \(try store.runs(where: "status = 'finished'").count) runs; newest \(all.first?.run.id ?? "-")")
        var bars: [Bool] = []
        func time(_ label: String, _ body: () throws -> Int) rethrows {
            var ms: [Double] = []
            var n = 0
            _ = try body()  // warm the page cache and the statement cache once
            for _ in 0..<repeats {
                let t0 = DispatchTime.now().uptimeNanoseconds
                n = try body()
                ms.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            let m = median(ms)
            bars.append(m < 100)
            print(String(format: "%@: %d rows, median %.1f ms (min %.1f, max %.1f) %@", label, n, m, ms.min() ?? .nan, ms.max() ?? .nan, m < 100 ? "PASS" : "FAIL"))
        }
        try time("runs(where: \"\(Self.filter)\")") { try store.runs(where: Self.filter).count }
        try time("runs(where: same, sort: metrics.val_acc:desc, limit: 100)") {
            try store.runs(where: Self.filter, sort: "metrics.val_acc:desc", limit: 100).count
        }
        try time("compare(where: \"\(Self.compareFilter)\")") { try store.compare(where: Self.compareFilter).rows.count }
        let cli = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tracker")
        if FileManager.default.isExecutableFile(atPath: cli.path) {
            try time("tracker runs --where … --format json (whole process)") { try runCLI(cli, ["runs", "--db", path, "--where", Self.filter, "--format", "json"]) }
            try time("tracker compare --where … (whole process)") { try runCLI(cli, ["compare", "--db", path, "--where", Self.compareFilter]) }
        }
        print("bar < 100 ms each: \(bars.allSatisfy { $0 } ? "PASS" : "FAIL"); peer: MLflow search_runs 20–25 ms on 200 runs (FACTS/peers)")
    }

    private func runCLI(_ binary: URL, _ args: [String]) throws -> Int {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw ValidationError("tracker \(args.joined(separator: " ")) failed") }
        return data.count
    }
}
