import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Tracker

/// `runs(where:)` and `compare(where:)` on a generated store of 10,000 runs and 10,000,000
/// metric points (bar: median < 100 ms each; MLflow's search_runs takes 20–25 ms on 200 runs).
struct QueryBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Filter and compare latency on a 10,000-run, 10,000,000-point store (bar: < 100 ms each).")

    @Option(help: "The generated store (made once, then reused): a file, or a postgresql:// URL of an empty database.") var path = FileManager.default.temporaryDirectory.path + "/tracker-query-bench.db"
    @Option(help: "Runs to generate.") var runs = 10_000
    @Option(help: "Metric points a run (4 keys × points/4 steps).") var pointsPerRun = 1_000
    @Option(help: "Measurements of each query (median reported).") var repeats = 10
    @Flag(help: "Only make the store.") var generateOnly = false

    static let filter = "params.dropout = 0.5 and metrics.val_acc > 0.85"
    static let compareFilter = "params.model.activation = 'relu' and params.optimizer.lr = 0.001 and params.dropout = 0.5 and params.batch_size = 64"

    func run() throws {
        if path.hasPrefix("postgresql://") || path.hasPrefix("postgres://") {
            // A team store: generated in place the first time (an empty database), reused after.
            let store = try Store(path: path)
            if try store.runs(where: nil, limit: 1).isEmpty { try QueryBenchData(runs: runs, pointsPerRun: pointsPerRun).generate(into: store) }
        } else if !FileManager.default.fileExists(atPath: path) {
            try QueryBenchData(runs: runs, pointsPerRun: pointsPerRun).generate(at: path)
        }
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
            let rows = n > 0 ? "\(n) rows, " : ""
            print(String(format: "%@: %@median %.1f ms (min %.1f, max %.1f) %@", label, rows, m, ms.min() ?? .nan, ms.max() ?? .nan, m < 100 ? "PASS" : "FAIL"))
        }
        try time("runs(where: \"\(Self.filter)\")") { try store.runs(where: Self.filter).count }
        try time("runs(where: same, sort: metrics.val_acc:desc, limit: 100)") {
            try store.runs(where: Self.filter, sort: "metrics.val_acc:desc", limit: 100).count
        }
        try time("compare(where: \"\(Self.compareFilter)\")") { try store.compare(where: Self.compareFilter).rows.count }
        let cli = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tracker")
        if FileManager.default.isExecutableFile(atPath: cli.path) {
            try time("tracker runs --where … > /dev/null (whole process, table)") { try runCLI(cli, ["runs", "--db", path, "--where", Self.filter]) }
            try time("tracker runs --where … --format json > /dev/null (whole process)") { try runCLI(cli, ["runs", "--db", path, "--where", Self.filter, "--format", "json"]) }
            try time("tracker compare --where … > /dev/null (whole process)") { try runCLI(cli, ["compare", "--db", path, "--where", Self.compareFilter]) }
        }
        print("bar < 100 ms each: \(bars.allSatisfy { $0 } ? "PASS" : "FAIL"); peer: MLflow search_runs 20–25 ms on 200 runs (FACTS/peers)")
    }

    /// Runs the binary with stdout to /dev/null through `posix_spawn` (Foundation's `Process`
    /// adds tens of milliseconds of its own); returns 0 (no row count: the output is discarded).
    private func runCLI(_ binary: URL, _ args: [String]) throws -> Int {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary.path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, binary.path, &actions, nil, argv, environ) == 0 else { throw ValidationError("cannot start \(binary.path)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else { throw ValidationError("tracker \(args.joined(separator: " ")) failed (status \(status))") }
        return 0
    }
}
