extension Store {
    /// The gradient report of a run, read lean: only tensor, step and L2 norm, in the
    /// table's key order (no sort), straight into the norm matrix. A 200,000-row run reads
    /// in a few tens of milliseconds.
    public func gradientReport(run: some RunIdentifier) throws -> GradientReport {
        let seq = try run.runRef(in: self).seq
        let stmt = try db.cached("SELECT tensor_id, step, l2 FROM grad_stats WHERE run_seq = ? ORDER BY tensor_id, step")
        try stmt.bind([.integer(seq)])
        defer { stmt.reset() }
        var tensorIDs: [Int64] = [], steps: [[Int]] = [], values: [[Double]] = []
        var recordedNaN = false
        let row = Row(statement: stmt)
        while try stmt.step() {
            let id = row.int(0)
            if tensorIDs.last != id {
                tensorIDs.append(id)
                steps.append([])
                values.append([])
            }
            steps[steps.count - 1].append(Int(row.int(1)))
            if row.isNull(2) {
                recordedNaN = true
                values[values.count - 1].append(.nan)
            } else {
                values[values.count - 1].append(row.double(2))
            }
        }
        // Usually every tensor has the same steps; otherwise align on their union.
        var union = steps.first ?? []
        var norms = values
        if !steps.allSatisfy({ $0 == union }) {
            union = Array(Set(steps.joined())).sorted()
            let column = Dictionary(uniqueKeysWithValues: union.enumerated().map { ($0.element, $0.offset) })
            norms = zip(steps, values).map { s, v in
                var row = [Double](repeating: .nan, count: union.count)
                for (step, value) in zip(s, v) { if let c = column[step] { row[c] = value } }
                return row
            }
        }
        var names: [String] = []
        for id in tensorIDs {
            names.append(try db.first("SELECT name FROM keys WHERE id = ?", [.integer(id)]) { $0.text(0) } ?? "?")
        }
        // Recording order: the order tensors first appear (by their interned key id).
        return GradientReport(tensors: names, steps: union, norms: norms, recordedNaN: recordedNaN)
    }
}
