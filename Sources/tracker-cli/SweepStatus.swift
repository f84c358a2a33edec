import ArgumentParser
import Foundation
import Tracker

/// `tracker sweep status`: queued / running (where, heartbeat age) / stopped / done / failed.
struct SweepStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the queued runs: counts by state, and where each started run is (host, pid, heartbeat age).",
        discussion: """
            States: queued (waiting for an agent), running (an agent trains it), stopped (its agent was interrupted or \
            died; the next agent resumes it from its last checkpoint), done, failed (failed or diverged; not retried). \
            A read command: it never writes to the store.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Only runs of this experiment.") var experiment: String?
    @Flag(help: "List every run, queued and done ones too (by default: counts, then the runs started and not done).") var all = false
    @OptionGroup var output: FormatOptions

    func run() throws {
        let runs = try store.openForReading().queuedRuns(experiment: experiment)
        let now = Date().timeIntervalSince1970
        // The heartbeat's age says something only while an agent holds the run or just lost it.
        func ageSeconds(_ r: QueuedRun) -> Double? {
            guard r.state == .running || r.state == .stopped else { return nil }
            return r.holder?.heartbeat.map { max(0, now - $0) }
        }
        func age(_ r: QueuedRun) -> String { ageSeconds(r).map { Format.duration($0) } ?? "" }
        func cells(_ r: QueuedRun) -> [String] {
            [r.id, r.experiment, r.name, r.state.rawValue, r.status.rawValue, r.holder?.host ?? "", r.holder?.pid.map(String.init) ?? "", age(r)]
        }
        let headers = ["run", "experiment", "name", "state", "status", "host", "pid", "heartbeat_age"]
        switch output.format {
        case .json:
            output.printJSON(.array(runs.map { r in
                .object(["id": .string(r.id), "experiment": .string(r.experiment), "name": .string(r.name), "state": .string(r.state.rawValue),
                         "status": .string(r.status.rawValue), "host": r.holder?.host.map { .string($0) } ?? .null,
                         "pid": r.holder?.pid.map { .int(Int64($0)) } ?? .null,
                         "heartbeat_age_s": ageSeconds(r).map { .double($0) } ?? .null])
            }))
        case .csv:
            Console.out(CSV.table(headers, runs.map(cells)), terminator: "")
        case .table:
            if runs.isEmpty { Console.err("no queued runs" + (experiment.map { " in experiment \($0)" } ?? "") + " (queue a sweep with: tracker sweep submit CONFIG)"); return }
            let counts = QueueState.allCases.map { s in "\(s.rawValue) \(runs.filter { $0.state == s }.count)" }
            Console.out("\(runs.count) runs: " + counts.joined(separator: ", "))
            let shown = all ? runs : runs.filter { $0.state == .running || $0.state == .stopped || $0.state == .failed }
            if !shown.isEmpty {
                Console.out(TextTable(["run", "experiment", "name", "state", "status", "host", "pid", "heartbeat"], rows: shown.map { r in
                    var c = cells(r)
                    if !c[7].isEmpty { c[7] += " ago" }
                    return c
                }).render())
            }
        }
    }
}
