/// Everything `tracker show` prints about one run.
public struct RunReport: Sendable, Equatable {
    /// The run, resolved: pass it to further reads of its records.
    public var ref: RunRef
    public var summary: RunSummary
    public var config: JSONValue
    public var environment: JSONValue
    /// Ids of runs that name this one as their parent (reruns, resumes, sweep members).
    public var children: [String]
    public var events: [Event]
    public var checkpoints: [CheckpointInfo]
    /// Loss landscapes recorded with `tracker landscape`, oldest first.
    public var landscapes: [LandscapeRecord] = []

    public var run: RunInfo { summary.run }

    public var json: JSONValue {
        guard case .object(var o) = summary.json else { return summary.json }
        o["config"] = config
        o["environment"] = environment
        o["lineage"] = .object(["parent": run.parentID.map { .string($0) } ?? .null, "origin": .string(run.origin.rawValue),
                                "children": .array(children.map { .string($0) })])
        o["metrics"] = .object(summary.metrics.reduce(into: [:]) { out, entry in
            guard case .object(var m) = entry.value.json else { return }
            let goal = MetricGoal(metric: entry.key)
            m["goal"] = .string(goal.rawValue)
            if let best = goal.best(of: entry.value) {
                m["best"] = .double(best.value)
                m["best_step"] = .int(Int64(best.step))
            }
            out[entry.key] = .object(m)
        })
        o["events"] = .array(events.map(\.json))
        o["checkpoints"] = .array(checkpoints.map(\.json))
        o["landscapes"] = .array(landscapes.map(\.json))
        return .object(o)
    }
}

extension Store {
    /// The full report of one run (id or unique prefix; deleted runs too).
    public func report(run: some RunIdentifier) throws -> RunReport {
        let ref = try run.runRef(in: self)
        let summary = try summary(of: ref)
        let children = try db.query("SELECT id FROM runs WHERE parent_seq = ? AND deleted_at IS NULL ORDER BY created_at, seq", [.integer(ref.seq)]) { $0.text(0) }
        return RunReport(ref: ref, summary: summary, config: summary.run.configJSON, environment: summary.run.environmentJSON,
                         children: children, events: try events(run: ref), checkpoints: try checkpoints(run: ref),
                         landscapes: try landscapes(run: ref))
    }
}
