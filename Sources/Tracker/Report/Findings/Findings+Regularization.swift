extension Findings {
    /// Overfitting and its cures: the unregularised run (no dropout, L1, L2 or augmentation)
    /// overfits (train − validation accuracy gap above 0.1); each cure shrinks the gap by
    /// more than 0.01 without losing more than 0.03 validation accuracy.
    @Sendable public static func overfitting(_ s: StudyRuns) throws -> [Finding] {
        guard let base = s.runs.first(where: isUnregularised), let baseGap = gap(base), let baseVal = StudyRuns.last(base, "val_acc") else { return [] }
        var out = [Finding(claim: "without regularisation the net overfits (gap above 0.1)", holds: baseGap > 0.1,
                           measured: "\(base.run.name): train_acc − val_acc \(StudyRuns.show(baseGap)), val_acc \(StudyRuns.show(baseVal))")]
        for cure in s.runs where !isUnregularised(cure) {
            guard let g = gap(cure), let v = StudyRuns.last(cure, "val_acc") else { continue }
            out.append(Finding(claim: "\(cure.run.name) shrinks the gap without costing more than 0.03 validation accuracy",
                               holds: g < baseGap - 0.01 && v > baseVal - 0.03,
                               measured: "gap \(StudyRuns.show(g)) vs \(StudyRuns.show(baseGap)), val_acc \(StudyRuns.show(v)) vs \(StudyRuns.show(baseVal))"))
        }
        return out
    }

    /// The train − validation accuracy gap at the end of a run.
    static func gap(_ run: RunSummary) -> Double? {
        guard let t = StudyRuns.last(run, "train_acc"), let v = StudyRuns.last(run, "val_acc") else { return nil }
        return t - v
    }

    /// No dropout, no L1/L2 penalty and no augmentation.
    static func isUnregularised(_ run: RunSummary) -> Bool {
        (StudyRuns.number(run, "model.dropout") ?? 0) == 0
            && (penalty(run, "l1") ?? 0) == 0 && (penalty(run, "l2") ?? 0) == 0
            && !run.params.keys.contains { $0.hasPrefix("data.augment.") }
    }
}

extension Findings {
    /// L1 vs L2 vs none: L1 leaves more than twice L2's share of near-zero weights; without a
    /// penalty the weight norm grows every epoch of the second half, with L2 it ends below its
    /// mid-run value; the MAP reading (L1 ↔ Laplace prior, L2 ↔ Gaussian prior) holds when the
    /// fitted Laplace density explains the L1 run's final weights better than the Gaussian one,
    /// and the other way round for L2, and L1's Laplace advantage exceeds L2's; a ramped penalty follows the unpenalised run through its
    /// warm-up and then makes its weights sparse (more than twice the unpenalised near-zero share).
    @Sendable public static func regularization(_ s: StudyRuns) throws -> [Finding] {
        let ramped = s.runs.filter { $0.params["regularization.schedule.warmup_epochs"] != nil }
        let constant = s.runs.filter { $0.params["regularization.schedule.warmup_epochs"] == nil }
        let none = constant.first(where: isUnregularised)
        let l1 = constant.first { (penalty($0, "l1") ?? 0) > 0 }
        let l2 = constant.first { (penalty($0, "l2") ?? 0) > 0 }
        var out: [Finding] = []
        if let l1, let l2, let a = StudyRuns.last(l1, "near_zero_fraction"), let b = StudyRuns.last(l2, "near_zero_fraction") {
            out.append(Finding(claim: "L1 makes far more near-zero weights than L2 (more than twice the share)", holds: a > 2 * b,
                               measured: "near-zero fraction: L1 \(StudyRuns.show(a)), L2 \(StudyRuns.show(b))" + (none.flatMap { StudyRuns.last($0, "near_zero_fraction") }.map { ", none \(StudyRuns.show($0))" } ?? "")))
        }
        if let none, let l2 {
            let n = try s.series(none, "weight_norm").map(\.value), w = try s.series(l2, "weight_norm").map(\.value)
            if n.count >= 4, w.count >= 4 {
                let half = n.count / 2
                let grows = zip(n.dropFirst(half), n.dropFirst(half + 1)).allSatisfy { $0 < $1 }
                let levels = w[w.count - 1] < w[w.count / 2 - 1]
                out.append(Finding(claim: "without a penalty the weight norm keeps growing late in training, with L2 it does not", holds: grows && levels,
                                   measured: "weight norm over epochs \(half + 1)–\(n.count): none \(StudyRuns.show(n[half])) → \(StudyRuns.show(n[n.count - 1])), L2 \(StudyRuns.show(w[w.count / 2 - 1])) → \(StudyRuns.show(w[w.count - 1]))"))
            }
        }
        for (run, prior, penalty) in [(l1, PriorFit.Prior.laplace, "L1"), (l2, .gaussian, "L2")] {
            guard let run, let fit = try finalPriorFit(s, run) else { continue }
            out.append(Finding(claim: "the \(penalty) run's weights are fitted better by a \(prior == .laplace ? "Laplace" : "Gaussian") density (its MAP prior)",
                               holds: fit.better == prior, measured: fit.describe))
        }
        if let l1, let l2, let a = try finalPriorFit(s, l1), let b = try finalPriorFit(s, l2) {
            let base = try none.flatMap { try finalPriorFit(s, $0) }
            out.append(Finding(claim: "L1 pushes the weights further toward a Laplace shape than L2 does (a larger Laplace − Gaussian log-likelihood per weight)",
                               holds: a.laplaceAdvantage > b.laplaceAdvantage,
                               measured: "Laplace − Gaussian: L1 \(Format.delta(a.laplaceAdvantage)), L2 \(Format.delta(b.laplaceAdvantage))"
                                   + (base.map { ", none \(Format.delta($0.laplaceAdvantage))" } ?? "")))
        }
        for run in ramped {
            guard let none, let warm = StudyRuns.number(run, "regularization.schedule.warmup_epochs"), warm >= 1 else { continue }
            let mine = try s.series(run, "weight_norm"), theirs = try s.series(none, "weight_norm")
            let at = Int(warm) - 1
            guard at < mine.count, at < theirs.count, let z = StudyRuns.last(run, "near_zero_fraction"), let zn = StudyRuns.last(none, "near_zero_fraction") else { continue }
            let same = abs(mine[at].value - theirs[at].value) <= 1e-6 * abs(theirs[at].value)
            out.append(Finding(claim: "\(run.run.name) trains like the unpenalised run for its \(Int(warm)) warm-up epochs, then the growing penalty makes it sparse",
                               holds: same && z > 2 * zn,
                               measured: "weight norm at epoch \(Int(warm)) \(StudyRuns.show(mine[at].value)) vs none \(StudyRuns.show(theirs[at].value)); final near-zero fraction \(StudyRuns.show(z)) vs none \(StudyRuns.show(zn))"
                                   + (try finalPriorFit(s, run).map { "; \($0.describe)" } ?? "")))
        }
        return out
    }

    /// The strength of a run's L1 or L2 penalty (a stored schedule's base value, or a plain number).
    static func penalty(_ run: RunSummary, _ kind: String) -> Double? {
        StudyRuns.number(run, "regularization.\(kind).value") ?? StudyRuns.number(run, "regularization.\(kind)")
    }

    /// The fits of all of a run's weight tensors at their last recorded step, pooled (the
    /// mean log-likelihood per weight, weighted by each tensor's size).
    static func finalPriorFit(_ s: StudyRuns, _ run: RunSummary) throws -> PooledPriorFit? {
        let fits = try s.store.priorFits(run: run.run.id)
        guard let step = fits.map(\.step).max() else { return nil }
        let last = fits.filter { $0.step == step }
        let n = Double(last.reduce(0) { $0 + $1.fit.count })
        guard n > 0 else { return nil }
        return PooledPriorFit(laplace: last.reduce(0) { $0 + $1.fit.laplaceLogLikelihood * Double($1.fit.count) } / n,
                              gaussian: last.reduce(0) { $0 + $1.fit.gaussianLogLikelihood * Double($1.fit.count) } / n,
                              epoch: last.first?.epoch, tensors: last.count)
    }
}

/// A run's prior fits pooled over its weight tensors.
struct PooledPriorFit {
    var laplace: Double
    var gaussian: Double
    var epoch: Int?
    var tensors: Int

    var better: PriorFit.Prior { gaussian > laplace ? .gaussian : .laplace }
    var laplaceAdvantage: Double { laplace - gaussian }
    var describe: String {
        "mean log-likelihood per weight at epoch \(epoch.map(String.init) ?? "?") over \(tensors) weight tensors: Laplace \(StudyRuns.show(laplace)), Gaussian \(StudyRuns.show(gaussian))"
    }
}
