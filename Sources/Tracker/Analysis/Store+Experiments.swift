/// An experiment with how many runs it holds.
public struct ExperimentSummary: Sendable, Equatable {
    public var name: String
    public var runs: Int
    public var finished: Int
    public var running: Int
    /// Creation time of the newest run (Unix seconds).
    public var lastRunAt: Double?

    public var json: JSONValue {
        .object(["name": .string(name), "runs": .int(Int64(runs)), "finished": .int(Int64(finished)), "running": .int(Int64(running)),
                 "last_run": Format.isoTime(lastRunAt).map { .string($0) } ?? .null])
    }
}

extension Store {
    /// Every experiment with its run counts (soft-deleted runs excluded), oldest first.
    public func experimentSummaries() throws -> [ExperimentSummary] {
        try db.query("""
            SELECT e.name, count(r.seq), count(CASE WHEN r.status = 'finished' THEN 1 END),
                   count(CASE WHEN \(Liveness.statusSQL()) = 'running' THEN 1 END), max(r.created_at)
            FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id AND r.deleted_at IS NULL
            GROUP BY e.id ORDER BY e.created_at, e.id
            """) {
            ExperimentSummary(name: $0.text(0), runs: Int($0.int(1)), finished: Int($0.int(2)), running: Int($0.int(3)), lastRunAt: $0.optionalDouble(4))
        }
    }
}
