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
        return out
    }
}
