import Foundation

/// Writes a run to a folder as plain files: config.json, params.json, metrics.csv,
/// grad_stats.csv, layer_stats.csv, bn_stats.json, events.json, run.json and
/// checkpoints/<step>-<kind>.ckpt (each verified against its SHA-256 before writing).
public struct RunExporter {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// Exports the run; returns the paths written, relative to `directory`.
    @discardableResult
    public func export(run: some RunIdentifier, to directory: String) throws -> [String] {
        let id = try run.runRef(in: store)
        let report = try store.report(run: id)
        let fm = FileManager.default
        let root = URL(fileURLWithPath: directory)
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        var written: [String] = []
        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: root.appendingPathComponent(name), options: .atomic)
            written.append(name)
        }
        try write("run.json", report.json.pretty + "\n")
        try write("config.json", report.config.pretty + "\n")
        try write("params.json", JSONValue.object(report.summary.params.mapValues(\.json)).pretty + "\n")
        try write("metrics.csv", CSV.table(["key", "step", "epoch", "value", "wall_time"], try store.allMetrics(run: id).map {
            [$0.key, String($0.step), $0.epoch.map(String.init) ?? "", CSV.number($0.value), CSV.number($0.wallTime)]
        }))
        try write("grad_stats.csv", CSV.table(["tensor", "step", "epoch", "l2", "mean", "std", "max_abs", "zero_frac", "update_ratio"],
                                              try store.gradStats(run: id).map {
            [$0.tensor, String($0.step), $0.epoch.map(String.init) ?? "", CSV.number($0.l2), CSV.number($0.mean), CSV.number($0.std),
             CSV.number($0.maxAbs), CSV.number($0.zeroFraction), $0.updateRatio.map(CSV.number) ?? ""]
        }))
        try write("layer_stats.csv", CSV.table(["layer", "stat", "step", "epoch", "value"], try store.layerStats(run: id).map {
            [$0.layer, $0.stat, String($0.step), $0.epoch.map(String.init) ?? "", CSV.number($0.value)]
        }))
        try write("bn_stats.json", JSONValue.array(try store.bnStats(run: id).map {
            .object(["layer": .string($0.layer), "step": .int(Int64($0.step)), "epoch": $0.epoch.map { .int(Int64($0)) } ?? .null,
                     "running_mean": .array($0.runningMean.map { .double(Double($0)) }),
                     "running_var": .array($0.runningVar.map { .double(Double($0)) })])
        }).pretty + "\n")
        try write("events.json", JSONValue.array(report.events.map(\.json)).pretty + "\n")
        if !report.checkpoints.isEmpty {
            try fm.createDirectory(at: root.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
            for c in report.checkpoints {
                let bytes = try store.checkpointData(c)  // throws if the SHA-256 does not match
                let name = "checkpoints/\(c.step)-\(c.kind.rawValue).ckpt"
                try Data(bytes).write(to: root.appendingPathComponent(name), options: .atomic)
                guard SHA256.hex(Array(try Data(contentsOf: root.appendingPathComponent(name)))) == c.sha256 else {
                    throw TrackerError.checkpointCorrupt(id: c.id, expected: c.sha256, actual: "a different file on disk")
                }
                written.append(name)
            }
        }
        return written
    }
}
