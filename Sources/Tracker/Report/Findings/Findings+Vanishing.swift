extension Findings {
    /// Vanishing gradients at each depth: the plain sigmoid net starves its first layers
    /// (first/last gradient-norm ratio at step 1 below 1e-3, and ReLU's at least 1e3 times
    /// larger) and stays near chance (val_acc < 0.2) while ReLU learns (> 0.5); BatchNorm and
    /// LayerNorm each rescue it when its val_acc exceeds 0.5.
    @Sendable public static func vanishing(_ s: StudyRuns) throws -> [Finding] {
        var out: [Finding] = []
        let depths = Array(Set(s.runs.map { StudyRuns.widths($0).count })).sorted()
        for depth in depths {
            let atDepth = s.runs.filter { StudyRuns.widths($0).count == depth }
            func run(_ activation: String, _ norm: String) -> RunSummary? {
                atDepth.first { $0.params["model.activation"]?.description == activation && ($0.params["model.normalization"]?.description ?? "none") == norm }
            }
            let label = "at \(depth) hidden layers"
            guard let sigmoid = run("sigmoid", "none") else { continue }
            let sigRatio = try s.first(sigmoid, "grad_ratio_first_last"), sigAcc = StudyRuns.last(sigmoid, "val_acc")
            if let relu = run("relu", "none") {
                let reluRatio = try s.first(relu, "grad_ratio_first_last")
                var starved = false
                if let r = reluRatio, let g = sigRatio { starved = g < 1e-3 && r > 1e3 * g }
                out.append(Finding(claim: "\(label) the sigmoid net starves its first layers while ReLU keeps gradients flowing", holds: starved,
                                   measured: "first/last gradient-norm ratio at step 1: sigmoid \(StudyRuns.show(sigRatio)), ReLU \(StudyRuns.show(reluRatio))"))
                let reluAcc = StudyRuns.last(relu, "val_acc")
                let chance = (sigAcc.map { $0 < 0.2 } ?? false) && (reluAcc.map { $0 > 0.5 } ?? false)
                out.append(Finding(claim: "\(label) the sigmoid net stays near chance while ReLU learns", holds: chance,
                                   measured: "val_acc: sigmoid \(StudyRuns.show(sigAcc)), ReLU \(StudyRuns.show(reluAcc))"))
            }
            for (norm, name) in [("batch", "BatchNorm"), ("layer", "LayerNorm")] {
                guard let rescued = run("sigmoid", norm) else { continue }
                let acc = StudyRuns.last(rescued, "val_acc")
                out.append(Finding(claim: "\(label) \(name) rescues the sigmoid net (val_acc above 0.5)", holds: acc.map { $0 > 0.5 } ?? false,
                                   measured: "val_acc: sigmoid \(StudyRuns.show(sigAcc)), sigmoid+\(name) \(StudyRuns.show(acc)); its gradient ratio at step 1 \(StudyRuns.show(try s.first(rescued, "grad_ratio_first_last")))"))
            }
        }
        return out
    }
}
