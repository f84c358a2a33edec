import ArgumentParser
import Tracker

/// `tracker metrics RUN`: full metric series.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metrics", abstract: "Print a run's metric series in full.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run id (any unique prefix).") var runID: String
    @Option(name: .customLong("key"), help: "Only this metric (repeatable).") var keys: [String] = []
    @OptionGroup var output: FormatOptions

    func run() throws {
        let store = try self.store.openForReading()
        let id = try store.runRef(runID, includeDeleted: true)
        let available = try store.metricKeys(run: id)
        for k in keys where !available.contains(k) {
            throw TrackerError.invalidArgument("run \(id) has no metric '\(k)'; it has: \(available.joined(separator: ", "))")
        }
        let points = keys.isEmpty ? try store.allMetrics(run: id) : try keys.flatMap { try store.metricSeries(run: id, key: $0) }
        switch output.format {
        case .json:
            var byKey: [String: [JSONValue]] = [:]
            for p in points {
                byKey[p.key, default: []].append(.object(["step": .int(Int64(p.step)), "epoch": p.epoch.map { .int(Int64($0)) } ?? .null,
                                                          "value": .double(p.value), "time": .double(p.wallTime)]))
            }
            output.printJSON(.object(["run": .string(id.id), "metrics": .object(byKey.mapValues { .array($0) })]))
        case .csv:
            Console.out(CSV.table(["key", "step", "epoch", "value", "wall_time"], points.map {
                [$0.key, String($0.step), $0.epoch.map(String.init) ?? "", CSV.number($0.value), CSV.number($0.wallTime)]
            }), terminator: "")
        case .table:
            var t = TextTable(["key", "step", "epoch", "value"])
            for p in points { t.add([p.key, String(p.step), p.epoch.map(String.init) ?? "-", Format.number(p.value)]) }
            Console.out(t.render())
        }
    }
}
