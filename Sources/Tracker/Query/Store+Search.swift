import Foundation

extension Store {
    /// Runs matching a filter, with their params, tags and metric summaries; filtering,
    /// sorting and limiting happen in SQL.
    ///
    /// - Parameters:
    ///   - filter: filter text (`params.dropout = 0.5 and metrics.val_acc > 0.85`); nil or
    ///     blank for all runs. Throws `FilterError` with the column of a mistake.
    ///   - experiment: only runs of this experiment (which must exist).
    ///   - sort: `KEY[:asc|desc]` (`metrics.val_acc:desc`, `params.lr`, `start`); newest first when nil.
    ///   - limit: at most this many runs.
    public func runs(where filter: String?, experiment: String? = nil, sort: String? = nil, limit: Int? = nil,
                     includeDeleted: Bool = false) throws -> [RunSummary] {
        try summaries(seqs: try searchRuns(where: filter, experiment: experiment, sort: sort, limit: limit, includeDeleted: includeDeleted))
    }

    /// The matching runs with their internal sequence numbers, in order.
    func searchRuns(where filter: String?, experiment: String?, sort: String?, limit: Int?,
                    includeDeleted: Bool = false) throws -> [(seq: Int64, run: RunInfo)] {
        var sql = "SELECT \(Store.runColumns), r.seq FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE TRUE"
        var args: [SQLValue] = []
        if !includeDeleted { sql += " AND r.deleted_at IS NULL" }
        if let experiment {
            guard try db.first("SELECT 1 FROM experiments WHERE name = ?", [.text(experiment)], { $0.int(0) }) != nil else {
                throw TrackerError.experimentNotFound(experiment)
            }
            sql += " AND e.name = ?"
            args.append(.text(experiment))
        }
        if let filter, !filter.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let compiled = try FilterCompiler.compile(filter)
            sql += " AND (\(compiled.sql))"
            args += compiled.values
        }
        sql += " ORDER BY "
        if let sort {
            let order = try RunSort.parse(sort).orderBy()
            sql += order.sql + ", "
            args += order.values
        }
        sql += "r.created_at DESC, r.seq DESC"
        if let limit {
            sql += " LIMIT ?"
            args.append(.int(max(0, limit)))
        }
        // One statement per distinct filter shape is cached; a fresh one keeps the cache small.
        do {
            return try db.prepare(sql).rows(args) { row in
                (row.int(18), Store.runInfo(row))
            }
        } catch let e as SQLiteError where filter != nil && Store.isComplexityLimit(e) {
            // FilterLimits keep filters clear of these; should one still reach SQLite, the user
            // hears about the filter, not about SQLite's parser.
            throw FilterError(.tooLarge, "the filter is too complex to run; use fewer terms or less nesting", column: 1, filter: filter ?? "")
        }
    }

    /// Summaries of runs given by sequence number (params, tags, metrics in a few queries).
    func summaries(seqs: [(seq: Int64, run: RunInfo)]) throws -> [RunSummary] {
        var params: [Int64: [String: ParamValue]] = [:], tags: [Int64: [String: String]] = [:]
        var metrics: [Int64: [String: MetricSummary]] = [:]
        for start in stride(from: 0, to: seqs.count, by: 500) {
            let chunk = seqs[start..<min(start + 500, seqs.count)].map { SQLValue.integer($0.seq) }
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for (seq, key, value) in try db.prepare("SELECT run_seq, key, type, value_text, value_num FROM params WHERE run_seq IN (\(marks))").rows(chunk, {
                ($0.int(0), $0.text(1), ParamValue.decode(type: $0.text(2), text: $0.text(3), number: $0.optionalDouble(4)))
            }) { params[seq, default: [:]][key] = value }
            for (seq, key, value) in try db.prepare("SELECT run_seq, key, value FROM tags WHERE run_seq IN (\(marks))").rows(chunk, {
                ($0.int(0), $0.text(1), $0.text(2))
            }) { tags[seq, default: [:]][key] = value }
            for (seq, key, s) in try db.prepare("\(Store.summaryQuery) WHERE l.run_seq IN (\(marks))").rows(chunk, {
                ($0.int(0), $0.text(1), Store.metricSummary($0))
            }) { metrics[seq, default: [:]][key] = s }
        }
        return seqs.map { RunSummary(run: $0.run, params: params[$0.seq] ?? [:], tags: tags[$0.seq] ?? [:], metrics: metrics[$0.seq] ?? [:]) }
    }

    /// SQLite's refusals of a statement's size or shape (as opposed to a failing database).
    static func isComplexityLimit(_ e: SQLiteError) -> Bool {
        ["parser stack overflow", "Expression tree is too large", "too many SQL variables", "LIKE or GLOB pattern too complex",
         "too many terms in compound SELECT"].contains { e.message.contains($0) }
    }
}
