/// Findings of the architecture studies: activations and depth (vanishing), width, normalisation, skip connections.
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

extension Findings {
    /// BatchNorm vs LayerNorm across batch sizes: at the smallest batch BatchNorm's
    /// evaluation accuracy collapses (more than 0.15 below LayerNorm's, which stays above
    /// 0.6); at the largest (when several were run) BatchNorm is within 0.05 of LayerNorm or better.
    @Sendable public static func normalization(_ s: StudyRuns) throws -> [Finding] {
        let sizes = s.values(of: "batch_size")
        func acc(_ norm: String, _ size: Double) -> Double? {
            s.runs.first { $0.params["model.normalization"]?.description == norm && StudyRuns.number($0, "batch_size") == size }
                .flatMap { StudyRuns.last($0, "val_acc") }
        }
        var out: [Finding] = []
        if let small = sizes.first, let bn = acc("batch", small), let ln = acc("layer", small) {
            out.append(Finding(claim: "with batches of \(Int(small)) BatchNorm's evaluation accuracy collapses while LayerNorm's does not",
                               holds: ln > 0.6 && bn < ln - 0.15,
                               measured: "val_acc: BatchNorm \(StudyRuns.show(bn)), LayerNorm \(StudyRuns.show(ln))"))
        }
        if sizes.count > 1, let large = sizes.last, let bn = acc("batch", large), let ln = acc("layer", large) {
            out.append(Finding(claim: "with batches of \(Int(large)) BatchNorm does as well as LayerNorm (within 0.05)",
                               holds: bn >= ln - 0.05,
                               measured: "val_acc: BatchNorm \(StudyRuns.show(bn)), LayerNorm \(StudyRuns.show(ln))"))
        }
        return out
    }

    /// Plain vs residual at equal depth: the residual net reaches a training loss more than 0.5 lower.
    @Sendable public static func residual(_ s: StudyRuns) throws -> [Finding] {
        var out: [Finding] = []
        for depth in Array(Set(s.runs.map { StudyRuns.widths($0).count })).sorted() {
            let atDepth = s.runs.filter { StudyRuns.widths($0).count == depth }
            let plain = atDepth.first { (StudyRuns.number($0, "model.residual_every") ?? 0) == 0 }
            let residual = atDepth.first { (StudyRuns.number($0, "model.residual_every") ?? 0) > 0 }
            guard let p = plain.flatMap({ StudyRuns.last($0, "train_loss") }), let r = residual.flatMap({ StudyRuns.last($0, "train_loss") }) else { continue }
            out.append(Finding(claim: "at \(depth) hidden layers the residual net trains where the plain one does not (training loss lower by more than 0.5)",
                               holds: r < p - 0.5, measured: "train_loss: plain \(StudyRuns.show(p)), residual \(StudyRuns.show(r))"))
        }
        out += try residualLandscapes(s)
        return out
    }

    /// The landscape claims of Li et al. (NeurIPS 2018, §6) on the runs' last recorded planes
    /// (one grid compared with itself only): at the deepest depth the plain net's plane is
    /// markedly more non-convex than the residual net's (its non-convex share at least 3× and
    /// 0.1 higher); at any shallower depth both planes are nearly convex (shares below 0.15).
    static func residualLandscapes(_ s: StudyRuns) throws -> [Finding] {
        func share(_ run: RunSummary?) throws -> Double? {
            guard let run, let plane = try s.store.landscapes(run: run.run.id).last(where: { $0.kind == .plane }),
                  let v = plane.curvature?.nonConvexShare, v.isFinite else { return nil }
            return v
        }
        let depths = Array(Set(s.runs.map { StudyRuns.widths($0).count })).sorted()
        guard let deepest = depths.last else { return [] }
        var out: [Finding] = []
        for depth in depths {
            let atDepth = s.runs.filter { StudyRuns.widths($0).count == depth }
            guard let p = try share(atDepth.first { (StudyRuns.number($0, "model.residual_every") ?? 0) == 0 }),
                  let r = try share(atDepth.first { (StudyRuns.number($0, "model.residual_every") ?? 0) > 0 }) else { continue }
            let measured = "non-convex share of the plane: plain \(StudyRuns.show(p)), residual \(StudyRuns.show(r))"
            if depth == deepest && depths.count > 1 || depths.count == 1 {
                out.append(Finding(claim: "at \(depth) hidden layers the plain net's loss landscape is markedly more non-convex than the residual net's (share at least 3× and 0.1 higher)",
                                   holds: p >= 3 * r && p >= r + 0.1, measured: measured))
            } else {
                out.append(Finding(claim: "at \(depth) hidden layers both landscapes are nearly convex (non-convex shares below 0.15)",
                                   holds: p < 0.15 && r < 0.15, measured: measured))
            }
        }
        return out
    }
}
