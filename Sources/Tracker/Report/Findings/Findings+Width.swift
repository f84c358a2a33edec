extension Findings {
    /// "ReLU beats sigmoid only when there are many nodes", at a fixed depth: ReLU's
    /// validation-accuracy advantage over sigmoid is below 0.05 at the narrowest width and
    /// grows by more than 0.1 to the widest; the narrowest ReLU net loses a larger share of
    /// its units to death (dead for a whole batch) than the widest; the sigmoid net's
    /// gradient ratio is below 1e-3 at every width (depth, not width, starves it).
    @Sendable public static func width(_ s: StudyRuns) throws -> [Finding] {
        struct Row { var width: Double; var relu: Double; var sigmoid: Double; var reluRatio: Double?; var sigmoidRatio: Double?; var dead: Double? }
        var rows: [Row] = []
        for w in Array(Set(s.runs.compactMap { StudyRuns.widths($0).first })).sorted() {
            func run(_ activation: String) -> RunSummary? {
                s.runs.first { StudyRuns.widths($0).first == w && $0.params["model.activation"]?.description == activation }
            }
            guard let r = run("relu"), let g = run("sigmoid"), let ra = StudyRuns.last(r, "val_acc"), let ga = StudyRuns.last(g, "val_acc") else { continue }
            rows.append(Row(width: w, relu: ra, sigmoid: ga, reluRatio: try s.first(r, "grad_ratio_first_last"),
                            sigmoidRatio: try s.first(g, "grad_ratio_first_last"), dead: try s.lastLayerMean(r, stat: "dead_fraction")))
        }
        guard let narrow = rows.first, let wide = rows.last, rows.count >= 2 else { return [] }
        func advantage(_ r: Row) -> Double { r.relu - r.sigmoid }
        let advantages = rows.map { "\(Int($0.width)): \(Format.delta(advantage($0)))" }.joined(separator: ", ")
        let accuracies = rows.map { "\(Int($0.width)): \(StudyRuns.show($0.relu)) vs \(StudyRuns.show($0.sigmoid))" }.joined(separator: ", ")
        let ratios = rows.map { "\(Int($0.width)): \(StudyRuns.show($0.sigmoidRatio)) vs \(StudyRuns.show($0.reluRatio))" }.joined(separator: ", ")
        var out = [
            Finding(claim: "at width \(Int(narrow.width)) ReLU does not beat sigmoid (validation-accuracy advantage below 0.05)", holds: advantage(narrow) < 0.05,
                    measured: "val_acc ReLU vs sigmoid by width — \(accuracies)"),
            Finding(claim: "ReLU's advantage over sigmoid grows with width (by more than 0.1 from width \(Int(narrow.width)) to \(Int(wide.width)))",
                    holds: advantage(wide) > advantage(narrow) + 0.1,
                    measured: "ReLU − sigmoid val_acc by width — \(advantages)"),
            Finding(claim: "the sigmoid net's first layers starve at every width (first/last gradient-norm ratio at step 1 below 1e-3)",
                    holds: rows.allSatisfy { ($0.sigmoidRatio ?? 1) < 1e-3 },
                    measured: "ratio sigmoid vs ReLU by width — \(ratios)"),
        ]
        if let dn = narrow.dead, let dw = wide.dead {
            out.append(Finding(claim: "the narrowest ReLU net loses a larger share of its units to death than the widest", holds: dn > dw,
                               measured: "mean dead-unit fraction over layers at the last statistics step: width \(Int(narrow.width)) \(StudyRuns.show(dn)), width \(Int(wide.width)) \(StudyRuns.show(dw))"))
        }
        return out
    }
}
