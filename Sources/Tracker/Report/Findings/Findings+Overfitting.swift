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
