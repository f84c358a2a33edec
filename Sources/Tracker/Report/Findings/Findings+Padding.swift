/// Findings of the padded-sequence study: LayerNorm vs BatchNorm when pads enter the statistics.
extension Findings {
    /// The accuracies of one normalisation (means over its runs, e.g. over seeds).
    struct PaddedRow {
        var runs: Int
        /// Final `val_acc`: the training distribution of lengths (its share of pads).
        var same: Double
        /// Final `shifted_acc`: the shifted distribution of lengths.
        var shifted: Double
        /// BatchNorm normalising with the evaluated batch's statistics (nil without BatchNorm).
        var sameBatch: Double?
        var shiftedBatch: Double?
        /// How much accuracy the shift in padding costs.
        var drop: Double { same - shifted }
    }

    /// LayerNorm vs BatchNorm on padded sequences (`model.normalization` none, batch, layer),
    /// trained with one distribution of lengths and evaluated on it (`val_acc`) and on a
    /// shifted one with another share of pads (`shifted_acc`), in evaluation mode:
    /// - LayerNorm is robust: its drop from `val_acc` to `shifted_acc` is at most 0.03 more
    ///   than that of the control without normalisation (the shift may make the task itself
    ///   harder or easier; the control measures that);
    /// - the expectation that BatchNorm degrades because its statistics include pads: its drop
    ///   exceeds LayerNorm's by more than 0.05;
    /// - with batch statistics (normalising each evaluated batch by its own mean and variance,
    ///   pads included, as in training), BatchNorm loses more than 0.05 accuracy on the shifted
    ///   set against its running statistics, and at most 0.02 on the training distribution.
    ///
    /// Each value of `data.offset` (the real tokens' common mean, which the zero pads lack;
    /// 0 when not set) is judged on its own, its claims prefixed with it.
    @Sendable public static func padded(_ s: StudyRuns) throws -> [Finding] {
        func offset(_ r: RunSummary) -> Double { StudyRuns.number(r, "data.offset") ?? 0 }
        let offsets = Array(Set(s.runs.map(offset))).sorted()
        return offsets.flatMap { o in
            let label = offsets == [0] ? "" : o == 0 ? "with tokens centred on the pad vector (offset 0), "
                : "with real tokens offset by \(StudyRuns.show(o)) from the pad vector, "
            return paddedFindings(s, runs: s.runs.filter { offset($0) == o }, label: label)
        }
    }

    static func paddedFindings(_ s: StudyRuns, runs group: [RunSummary], label: String) -> [Finding] {
        func row(_ norm: String) -> PaddedRow? {
            let runs = group.filter { ($0.params["model.normalization"]?.description ?? "none") == norm }
            func mean(_ metric: String) -> Double? {
                let values = runs.compactMap { StudyRuns.last($0, metric) }.filter(\.isFinite)
                return values.isEmpty || values.count != runs.count ? nil : values.reduce(0, +) / Double(values.count)
            }
            guard !runs.isEmpty, let same = mean("val_acc"), let shifted = mean("shifted_acc") else { return nil }
            return PaddedRow(runs: runs.count, same: same, shifted: shifted,
                             sameBatch: mean("val_acc_batch_stats"), shiftedBatch: mean("shifted_acc_batch_stats"))
        }
        let none = row("none"), bn = row("batch"), ln = row("layer")
        func describe(_ name: String, _ r: PaddedRow?) -> String {
            guard let r else { return "\(name) —" }
            return "\(name) \(StudyRuns.show(r.same)) → \(StudyRuns.show(r.shifted)) (\(Format.delta(r.shifted - r.same)))"
        }
        let shares = padShares(s)
        let setting = shares.map { "pads \(StudyRuns.show($0.train)) of positions in training, \(StudyRuns.show($0.shifted)) in the shifted set; " } ?? ""
        let table = [describe("none", none), describe("BatchNorm", bn), describe("LayerNorm", ln)].joined(separator: ", ")
        let seeds = [none, bn, ln].compactMap { $0?.runs }.max() ?? 0
        let measured = "\(setting)val_acc → shifted_acc\(seeds > 1 ? " (means over \(seeds) runs each)" : ""): \(table)"
        var out: [Finding] = []
        if let ln, let none {
            out.append(Finding(claim: label + "LayerNorm is robust to a change in the share of pads (its accuracy drop on the shifted set at most 0.03 above the unnormalised control's)",
                               holds: ln.drop <= none.drop + 0.03, measured: measured))
        }
        if let bn, let ln {
            out.append(Finding(claim: label + "BatchNorm, whose statistics include the pads, degrades on the shifted set in evaluation mode (its drop exceeds LayerNorm's by more than 0.05)",
                               holds: bn.drop > ln.drop + 0.05, measured: measured))
        }
        if let bn, let sameBatch = bn.sameBatch, let shiftedBatch = bn.shiftedBatch {
            out.append(Finding(claim: label + "normalising with the evaluated batch's own statistics (pads included, as in training), BatchNorm loses more than 0.05 on the shifted set and at most 0.02 on the training distribution, against its running statistics",
                               holds: bn.shifted - shiftedBatch > 0.05 && bn.same - sameBatch <= 0.02,
                               measured: "BatchNorm accuracy with running vs batch statistics: training distribution \(StudyRuns.show(bn.same)) vs \(StudyRuns.show(sameBatch)), shifted set \(StudyRuns.show(bn.shifted)) vs \(StudyRuns.show(shiftedBatch))"))
        }
        return out
    }

    /// The mean share of pad positions in training and in the shifted set, from the params
    /// (uniform lengths between min and max of `data.length` positions).
    static func padShares(_ s: StudyRuns) -> (train: Double, shifted: Double)? {
        guard let r = s.runs.first, let length = StudyRuns.number(r, "data.length"), length > 0,
              let a = StudyRuns.number(r, "data.lengths.min"), let b = StudyRuns.number(r, "data.lengths.max"),
              let c = StudyRuns.number(r, "data.shifted.lengths.min"), let d = StudyRuns.number(r, "data.shifted.lengths.max")
        else { return nil }
        return (1 - (a + b) / 2 / length, 1 - (c + d) / 2 / length)
    }
}
