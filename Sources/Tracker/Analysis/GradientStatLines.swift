/// One statistic of the per-tensor gradient records (`grad_stats`), named as its column.
public enum GradientStatistic: String, CaseIterable, Sendable {
    case l2, mean, std
    case maxAbs = "max_abs"
    case zeroFraction = "zero_frac"
    case updateRatio = "update_ratio"

    /// What a chart calls it.
    public var title: String {
        switch self {
        case .l2: "gradient L2 norm"
        case .mean: "gradient mean"
        case .std: "gradient standard deviation"
        case .maxAbs: "gradient max |g|"
        case .zeroFraction: "fraction of zero gradients"
        case .updateRatio: "update / weight ratio"
        }
    }
}

/// One statistic of every tensor over steps — the per-layer line view beside the gradient
/// heat map: one line a tensor, tensors in depth order (as the heat map's rows).
public struct GradientStatLines: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var tensor: String
        /// (step, value) in step order; NaN where the stored value is missing or NaN.
        public var points: [ChartSeries.Point]
    }

    public var statistic: GradientStatistic
    public var lines: [Line]
    /// The statistics with at least one stored value in this run (`update_ratio` is absent
    /// for runs logged by clients that do not know the optimizer's step).
    public var available: [GradientStatistic]
}

extension Store {
    /// The lines of `statistic`, one per tensor of the run, in depth order.
    public func gradientStatLines(run: some RunIdentifier, statistic: GradientStatistic) throws -> GradientStatLines {
        let seq = try run.runRef(in: self).seq
        // The column name comes from the enum above, never from the request.
        let stmt = try db.cached("SELECT tensor_id, step, \(statistic.rawValue) FROM grad_stats WHERE run_seq = ? ORDER BY tensor_id, step")
        try stmt.bind([.integer(seq)])
        var ids: [Int64] = [], lines: [[ChartSeries.Point]] = []
        do {
            defer { stmt.reset() }
            let row = Row(statement: stmt)
            while try stmt.step() {
                let id = row.int(0)
                if ids.last != id { ids.append(id); lines.append([]) }
                lines[lines.count - 1].append(ChartSeries.Point(x: Double(row.int(1)), y: row.isNull(2) ? .nan : row.double(2)))
            }
        }
        var names: [String] = []
        for id in ids { names.append(try db.first("SELECT name FROM keys WHERE id = ?", [.integer(id)]) { $0.text(0) } ?? "?") }
        let order = GradientReport.depthPermutation(names)
        let counts = GradientStatistic.allCases.map { "count(\($0.rawValue))" }.joined(separator: ", ")
        let counted: [Bool]? = try db.first("SELECT \(counts) FROM grad_stats WHERE run_seq = ?", [.integer(seq)], { row in
            GradientStatistic.allCases.indices.map { row.int(Int32($0)) > 0 }
        })
        let present = counted ?? []
        return GradientStatLines(statistic: statistic,
                                 lines: order.map { GradientStatLines.Line(tensor: names[$0], points: lines[$0]) },
                                 available: zip(GradientStatistic.allCases, present).filter { $0.1 }.map { $0.0 })
    }
}
