import Foundation

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

    /// Longest alert-name list a checkpoint may hold (bytes), far above any real one.
    static let maxAlertBytes = 1 << 16

    /// Reads the loop state of a checkpoint, refusing counters a run of `epochs` epochs
    /// cannot have reached (a forged or damaged payload) instead of trusting them.
    init(from dict: StateDict, epochs: Int) throws {
        let countersKey = Self.prefix + "counters", valuesKey = Self.prefix + "values", alertedKey = Self.prefix + "alerted"
        guard let c = dict.words(countersKey), c.count == 5,
              let v = dict.scalars(valuesKey), v.count == 4,
              let a = dict.words(alertedKey) else {
            throw TrainerError.stateMismatch(name: countersKey, message: "the checkpoint has no training-loop state")
        }
        func counter(_ i: Int, _ what: String, max: Int) throws -> Int {
            guard let n = Int(exactly: c[i]), n <= max else {
                throw TrainerError.stateMismatch(name: countersKey, message: "\(what) is \(c[i]), beyond \(max)")
            }
            return n
        }
        epoch = try counter(0, "the epoch", max: epochs)
        epochSamples = try counter(1, "the samples of the epoch", max: Int(Int32.max))
        bestEpoch = try counter(2, "the best epoch", max: epoch)
        epochsSinceBest = try counter(3, "the epochs since the best", max: epoch)
        risingEpochs = try counter(4, "the epochs of rising validation loss", max: epoch)
        epochLossSum = v[0]; bestValue = v[1]; previousValLoss = v[2]; previousTrainLoss = v[3]
        guard epochLossSum.isFinite, epochLossSum >= 0, epochSamples > 0 || epochLossSum == 0 else {
            throw TrainerError.stateMismatch(name: valuesKey, message: "the epoch's loss sum is \(epochLossSum) over \(epochSamples) samples")
        }
        guard bestEpoch > 0 || bestValue.isNaN else {
            throw TrainerError.stateMismatch(name: valuesKey, message: "a best value \(bestValue) without a best epoch")
        }
        guard a.count <= Self.maxAlertBytes, a.allSatisfy({ $0 <= 0xFF }), a.last.map({ $0 == 0 }) ?? true else {
            throw TrainerError.stateMismatch(name: alertedKey, message: "not a list of alert names")
        }
        var current: [UInt8] = []
        for w in a {
            if w != 0 { current.append(UInt8(w)); continue }
            guard let name = String(bytes: current, encoding: .utf8), !name.isEmpty else {
                throw TrainerError.stateMismatch(name: alertedKey, message: "an alert name is empty or not UTF-8")
            }
            alerted.insert(name)
            current = []
        }
    }
}
