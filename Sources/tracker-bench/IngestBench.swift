import ArgumentParser
import Foundation
import Tracker

/// Ingest through the public recording API vs raw prepared inserts into the same table.
struct IngestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Metric points/s through RunRecorder vs a raw-SQLite baseline on the same schema (bar: >= 80%).")

    @Option(help: "Metric points per measurement.") var points = 1_000_000
    @Option(help: "Measurements of each side (median reported).") var repeats = 5
    @Option(help: "Points per background batch (the recorder's default).") var batch = 65_536
    @Option(help: "Folder for the scratch databases.") var dir = FileManager.default.temporaryDirectory.path
    @Option(help: "Also record into this PostgreSQL store (postgresql://…; a new run each measurement) and compare it with SQLite.")
    var postgres: String?

    /// Logs `points` points through a recorder of `store` and returns points/s (checked: none lost).
    func recordInto(_ store: Store, keys: [String]) throws -> Double {
        let rec = try store.startRun(RunStart(experiment: "bench", name: "ingest", config: .object([:]), seed: 0), batchSize: batch)
        let t0 = DispatchTime.now().uptimeNanoseconds
        for i in 0..<points {
            rec.log(keys[i & 7], 1.0 / (1.0 + Double(i)), step: i >> 3, epoch: 0, wallTime: 1.7e9 + Double(i) * 1e-3)
        }
        try rec.flush()
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        try rec.finish(.finished)
        guard try store.summary(of: rec.runID).metrics.values.map(\.count).reduce(0, +) == points else { throw ValidationError("lost points") }
        return Double(points) / dt
    }

    func run() throws {
        let keys = (0..<8).map { "train/key\($0)" }
        var api: [Double] = [], raw: [Double] = [], pg: [Double] = []
        let pgStore = try postgres.map { try Store(path: $0) }
        for r in 0..<repeats {
            // Alternate the order so drift of the shared machine hits both sides alike.
            for side in (r % 2 == 0 ? [0, 1] : [1, 0]) + (pgStore == nil ? [] : [2]) {
                if side == 2, let pgStore {
                    pg.append(try recordInto(pgStore, keys: keys))
                    continue
                }
                let path = "\(dir)/tracker-ingest-\(UUID().uuidString).db"
                defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
                let store = try Store(path: path)
                if side == 0 {
                    api.append(try recordInto(store, keys: keys))
                } else {
                    let rec = try store.startRun(RunStart(experiment: "bench", name: "ingest", config: .object([:]), seed: 0), batchSize: batch)
                    try rec.finish(.finished)
                    let dt = try RawSQLiteInsert.insert(path: path, runID: rec.runID, points: points)
                    raw.append(Double(points) / dt)
                }
            }
        }
        let a = median(api), b = median(raw)
        print(String(format: "ingest %d points x %d: RunRecorder.log median %.0f points/s (runs: %@)", points, repeats, a, api.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
        print(String(format: "raw SQLite, same table+indexes, one transaction: median %.0f points/s (runs: %@)", b, raw.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
        print(String(format: "ratio RunRecorder / raw = %.2f  (bar >= 0.80: %@)", a / b, a / b >= 0.8 ? "PASS" : "FAIL"))
        if !pg.isEmpty {
            let c = median(pg)
            print(String(format: "RunRecorder.log into PostgreSQL: median %.0f points/s (runs: %@); PostgreSQL / SQLite = %.2f (bar >= 200,000 points/s: %@)",
                         c, pg.map { String(format: "%.0f", $0) }.joined(separator: ", "), c / a, c >= 200_000 ? "PASS" : "FAIL"))
        }
        print("for scale (FACTS.md, same machine kind): MLflow log_batch ~7,000 points/s -> \(String(format: "%.0f", a / 7000))x")
    }
}
