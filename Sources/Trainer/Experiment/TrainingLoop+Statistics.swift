import Tracker

extension TrainingLoop {
    /// Weight norms and sparsity per tensor, BN running statistics and histograms.
    func epochStatistics(step: Int, epoch: Int) throws {
        let c = config
        let stats = TrainingStatistics.collect(model: trainer.model, optimizer: trainer.optimizer, options: StatisticsOptions(nearZeroThreshold: Float(c.logging.nearZero), activations: false, batchNorms: c.logging.bnStats))
        var layerStats: [LayerStat] = []
        for p in stats.parameters where p.role == .weight {
            layerStats.append(LayerStat(layer: p.name, stat: "weight_norm", step: step, epoch: epoch, value: p.weightNorm))
            layerStats.append(LayerStat(layer: p.name, stat: "near_zero_fraction", step: step, epoch: epoch, value: p.nearZeroFraction))
        }
        recorder.log(layerStats: layerStats)
        let weights = stats.parameters.filter { $0.role == .weight }
        let total = weights.reduce(0.0) { $0 + $1.weightNorm * $1.weightNorm }.squareRoot()
        let nearZero = weights.reduce(0.0) { $0 + $1.nearZeroFraction * Double($1.count) } / Double(max(1, weights.reduce(0) { $0 + $1.count }))
        recorder.log([("weight_norm", total), ("near_zero_fraction", nearZero)], step: step, epoch: epoch)
        if !stats.batchNorms.isEmpty {
            recorder.log(bnStats: stats.batchNorms.map { BNStat(layer: $0.layer, step: step, epoch: epoch, runningMean: $0.runningMean, runningVar: $0.runningVariance) })
        }
        if c.logging.histograms {
            var hists: [HistogramRecord] = []
            var fits: [LayerStat] = []
            for p in trainer.model.parameters where p.role == .weight {
                let h = try TensorHistogram.symmetric(p.value, bins: c.logging.histogramBins)
                hists.append(HistogramRecord(tensor: p.name, step: step, epoch: epoch, lo: Double(h.lower), hi: Double(h.upper), counts: h.counts.map { Int32(clamping: $0) }))
                // The MAP reading of L1/L2: which prior the weights look drawn from.
                let values = UnsafeBufferPointer(start: p.value.data, count: p.value.count)
                if let fit = PriorFit.fit(values) { fits += fit.layerStats(layer: p.name, step: step, epoch: epoch) }
            }
            recorder.log(histograms: hists)
            if !fits.isEmpty { recorder.log(layerStats: fits) }
        }
    }

    /// A non-finite loss ends the run `diverged`: the alert names the first parameter
    /// whose gradient is not finite, or says the loss itself overflowed.
    func diverged(step: Int, epoch: Int, loss: Double) throws {
        let stats = TrainingStatistics.collect(model: trainer.model, optimizer: trainer.optimizer, options: StatisticsOptions(activations: false, batchNorms: false))
        let culprit = stats.parameters.first { !$0.gradientNorm.isFinite }?.name
        let alert = Alert.nonFiniteLoss(loss, culprit: culprit, knowsGradients: true, step: step, epoch: epoch)
        recorder.event(alert.kind, alert.message, level: alert.level, step: step, epoch: epoch)
        progress.report(.event(runID: recorder.runID, alert.event))
    }
}
