import Foundation

/// Tracker's diagnostics for MLflow-client runs: layer statistics (`layer/NAME/STAT`, what
/// the Python helper's forward hooks log) go to `layer_stats`, and the alerts a tracker run
/// raises while it trains — vanishing and exploding gradients, dead ReLUs, a non-finite loss,
/// overfitting onset — are raised as the points arrive, with the same rules and wording
/// (`Alert`) and the default thresholds, once per run. They are written in the batch's own
/// transaction, so an acknowledged batch has its alerts.
extension Store {
    /// `layer/0/dead_fraction` → (`0`, `dead_fraction`); nil for any other key. STAT is
    /// lower-case letters, digits and `_` (at most 64), the layer name anything non-empty.
    static func layerStatKey(_ key: String) -> (layer: String, stat: String)? {
        guard key.hasPrefix("layer/") else { return nil }
        let rest = key.dropFirst(6)
        guard let slash = rest.lastIndex(of: "/") else { return nil }
        let layer = rest[..<slash], stat = rest[rest.index(after: slash)...]
        guard !layer.isEmpty, !stat.isEmpty, stat.utf8.count <= 64,
              stat.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }) else { return nil }
        return (String(layer), String(stat))
    }

    /// The tag in which the helper lists a model's weight tensors in depth order (a JSON
    /// array of names), so the first/last ratio compares the first and last layers' weights
    /// and not, say, a BatchNorm scale that is also called `weight`.
    public static let weightTensorsTag = "tracker.weight_tensors"

    /// Checks what a batch just wrote and records the alerts it calls for.
    func raiseMLflowAlerts(seq: Int64, series: [MetricPoint], gradientSteps: Set<Int64>, layerStats: [LayerStat], writer: RecordWriter) throws {
        let thresholds = AlertThresholds()
        var alerts: [Alert] = []
        for s in layerStats where s.stat == "dead_fraction" {
            if let a = Alert.deadReLU(layer: s.layer, fraction: s.value, step: s.step, epoch: s.epoch, thresholds: thresholds) { alerts.append(a) }
        }
        var ratios: [MetricPoint] = []
        if !gradientSteps.isEmpty {
            let declared = try declaredWeightTensors(seq: seq)
            for step in gradientSteps.sorted() {
                let norms = try gradientNorms(seq: seq, step: step)
                let byName = Dictionary(norms.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
                let names = declared ?? GradientReport.depthPermutation(norms.map(\.name)).map { norms[$0].name }.filter(GradientReport.isWeight)
                let weights = names.compactMap { byName[$0] }
                if declared == nil || weights.count == declared?.count, let ratio = Alert.firstLastRatio(weights), let f = weights.first, let l = weights.last {
                    ratios.append(MetricPoint(key: "grad_ratio_first_last", step: Int(step), epoch: nil, value: ratio, wallTime: Date().timeIntervalSince1970))
                    if let a = Alert.vanishing(ratio: ratio, first: f, last: l, step: Int(step), epoch: nil, thresholds: thresholds) { alerts.append(a) }
                }
                if let a = Alert.exploding(norms, step: Int(step), epoch: nil, thresholds: thresholds) { alerts.append(a) }
            }
        }
        for p in series where !p.value.isFinite && Store.isLossKey(p.key) {
            let culprit = try gradientNorms(seq: seq, step: Int64(p.step)).first { !$0.norm.isFinite }?.name
            alerts.append(Alert.nonFiniteLoss(p.value, culprit: culprit, knowsGradients: false, step: p.step, epoch: p.epoch))
        }
        if series.contains(where: { $0.key == "val_loss" }), let a = try overfittingAlert(seq: seq, thresholds: thresholds) { alerts.append(a) }
        if !ratios.isEmpty { try writer.writeMetrics(ratios, runSeq: seq) }
        try recordOnce(alerts, seq: seq, writer: writer)
    }

    /// `loss`, `train_loss`, `training/loss`…: the keys whose non-finite value means the run diverged.
    static func isLossKey(_ key: String) -> Bool {
        let k = key.lowercased()
        return k == "loss" || k.hasSuffix("_loss") || k.hasSuffix("/loss")
    }

    private func declaredWeightTensors(seq: Int64) throws -> [String]? {
        guard let text = try db.first("SELECT value FROM tags WHERE run_seq = ? AND key = ?", [.integer(seq), .text(Store.weightTensorsTag)], { $0.text(0) }),
              case .array(let items)? = try? JSONValue.parse(text) else { return nil }
        let names = items.compactMap { item -> String? in if case .string(let s) = item { return s } else { return nil } }
        return names.count == items.count && names.count > 1 ? names : nil
    }

    private func gradientNorms(seq: Int64, step: Int64) throws -> [(name: String, norm: Double)] {
        try db.query("""
            SELECT k.name, g.l2 FROM grad_stats g JOIN keys k ON k.id = g.tensor_id
            WHERE g.run_seq = ? AND g.step = ? AND g.l2 IS NOT NULL ORDER BY k.id
            """, [.integer(seq), .integer(step)]) { (name: $0.text(0), norm: $0.double(1)) }
    }

    /// The overfitting rule over the run's `val_loss` points in step order, each paired with
    /// the mean `train_loss` logged since the previous one (an epoch's mean when the client
    /// logs every batch, the epoch's value when it logs once an epoch).
    private func overfittingAlert(seq: Int64, thresholds: AlertThresholds) throws -> Alert? {
        func series(_ key: String) throws -> [(step: Int, value: Double)] {
            try db.query("""
                SELECT m.step, m.value FROM metrics m WHERE m.run_seq = ? AND m.key_id = (SELECT id FROM keys WHERE name = ?)
                AND m.value IS NOT NULL ORDER BY m.step
                """, [.integer(seq), .text(key)]) { (step: Int($0.int(0)), value: $0.double(1)) }
        }
        let val = try series("val_loss"), train = try series("train_loss")
        guard !val.isEmpty, !train.isEmpty else { return nil }
        var rising = 0, previousVal = Double.nan, previousTrain = Double.nan, best = (epoch: 0, loss: Double.infinity), t = 0, lastStep = Int.min
        for (i, v) in val.enumerated() {
            var sum = 0.0, n = 0
            while t < train.count, train[t].step <= v.step { if train[t].step > lastStep { sum += train[t].value; n += 1 }; t += 1 }
            lastStep = v.step
            guard n > 0 else { continue }
            let trainLoss = sum / Double(n), epoch = i + 1
            rising = Alert.risingEpochs(after: rising, valLoss: v.value, trainLoss: trainLoss, previousValLoss: previousVal, previousTrainLoss: previousTrain)
            previousVal = v.value; previousTrain = trainLoss
            if v.value < best.loss { best = (epoch, v.value) }
            if let a = Alert.overfitting(rising: rising, epoch: epoch, bestEpoch: best.epoch, step: v.step, thresholds: thresholds) { return a }
        }
        return nil
    }

    /// Writes the alerts the run has not had yet (one per dedupe key: a dead-ReLU alert per layer).
    private func recordOnce(_ alerts: [Alert], seq: Int64, writer: RecordWriter) throws {
        guard !alerts.isEmpty else { return }
        var earlier: [String: [String]] = [:]
        for kind in Set(alerts.map(\.kind)) {
            earlier[kind] = try db.query("SELECT message FROM events WHERE run_seq = ? AND kind = ?", [.integer(seq), .text(kind)]) { $0.text(0) }
        }
        func hadBefore(_ a: Alert) -> Bool {
            guard let messages = earlier[a.kind], !messages.isEmpty else { return false }
            guard a.kind == "dead_relu" else { return true }
            let layer = a.dedupeKey.dropFirst("dead_relu:".count)
            return messages.contains { $0.hasPrefix(layer + ": ") }
        }
        var keys = Set<String>(), events: [Event] = []
        for a in alerts where !hadBefore(a) && keys.insert(a.dedupeKey).inserted { events.append(a.event) }
        try writer.writeEvents(events, runSeq: seq)
    }
}
