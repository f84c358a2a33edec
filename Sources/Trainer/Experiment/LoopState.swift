/// The training loop's own progress, saved in every checkpoint beside the trainer's state
/// so that a resumed run continues exactly where the checkpoint was taken.
struct LoopState: Equatable {
    /// The epoch in progress (0-based).
    var epoch = 0
    /// Sums over the epoch so far (for the running training loss).
    var epochLossSum = 0.0
    var epochSamples = 0
    /// Best validation value so far and its epoch (1-based; 0 = none yet).
    var bestValue = Double.nan
    var bestEpoch = 0
    var epochsSinceBest = 0
    /// Overfitting detection: previous epoch's losses and how many epochs validation loss rose.
    var previousValLoss = Double.nan
    var previousTrainLoss = Double.nan
    var risingEpochs = 0
    /// Alerts already raised (each is reported once).
    var alerted: Set<String> = []

    static let prefix = "loop."

    func save(into dict: inout StateDict) {
        dict.setWords(Self.prefix + "counters", [UInt64(epoch), UInt64(epochSamples), UInt64(bestEpoch), UInt64(epochsSinceBest), UInt64(risingEpochs)])
        dict.setScalars(Self.prefix + "values", [epochLossSum, bestValue, previousValLoss, previousTrainLoss])
        // Alert names as UTF-8 bytes, one name per word list entry separated by 0.
        var bytes: [UInt64] = []
        for name in alerted.sorted() { bytes += name.utf8.map { UInt64($0) } + [0] }
        dict.setWords(Self.prefix + "alerted", bytes)
    }

    init() {}

    init(from dict: StateDict) throws {
        guard let c = dict.words(Self.prefix + "counters"), c.count == 5,
              let v = dict.scalars(Self.prefix + "values"), v.count == 4,
              let a = dict.words(Self.prefix + "alerted") else {
            throw TrainerError.stateMismatch(name: Self.prefix + "counters", message: "the checkpoint has no training-loop state")
        }
        epoch = Int(c[0]); epochSamples = Int(c[1]); bestEpoch = Int(c[2]); epochsSinceBest = Int(c[3]); risingEpochs = Int(c[4])
        epochLossSum = v[0]; bestValue = v[1]; previousValLoss = v[2]; previousTrainLoss = v[3]
        var current: [UInt8] = []
        for w in a {
            if w == 0 { alerted.insert(String(decoding: current, as: UTF8.self)); current = [] } else { current.append(UInt8(truncatingIfNeeded: w)) }
        }
    }
}
