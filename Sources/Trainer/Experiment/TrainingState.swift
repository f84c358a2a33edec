/// What a run carries from step to step: the trainer (model, optimizer, random streams),
/// the data position and the loop's own progress. Built fresh from the config's seed, or
/// restored from a checkpoint payload and checked in full before a resume writes anything,
/// so a damaged or forged checkpoint is refused with the run left as it was.
struct TrainingState {
    let trainer: ModelTrainer
    var iterator: BatchIterator
    var loop = LoopState()
    let epochs: Int

    static let iteratorKey = "data.iterator"

    /// The state at step 0: weights drawn from the seed's init stream, data at its start.
    init(planned: PlannedRun) throws {
        let c = planned.config
        BLAS.setThreads(c.threads)
        var streams = RandomStreams(seed: c.seed)
        let model = try Model(spec: c.model, random: &streams.initialization)
        iterator = try planned.data.trainingBatches(batchSize: c.batchSize, streams: streams)
        var regularization = c.regularization ?? .none
        regularization.stepsPerEpoch = iterator.batchesPerEpoch
        trainer = try ModelTrainer(model: model, optimizer: c.optimizer, regularization: regularization, random: streams)
        epochs = c.epochs
    }

    init(trainer: ModelTrainer, iterator: BatchIterator, loop: LoopState, epochs: Int) {
        self.trainer = trainer; self.iterator = iterator; self.loop = loop; self.epochs = epochs
    }

    /// The checkpoint payload of this state.
    func payload() -> [UInt8] {
        var dict = trainer.state()
        let s = iterator.state
        dict.setWords(Self.iteratorKey, [UInt64(s.epoch), UInt64(s.batch)] + s.shuffle + s.augment)
        loop.save(into: &dict)
        return dict.serialized()
    }

    /// Restores from a checkpoint payload. Every counter is bounds-checked against the
    /// config and the data, and the counters must agree with one another (the optimizer
    /// has taken one step a batch served); nothing changes unless all of it fits.
    /// - Throws: `TrainerError.corruptState` or `.stateMismatch` naming the entry.
    mutating func restore(_ payload: [UInt8]) throws {
        let dict = try StateDict(payload: payload)
        let loopState = try LoopState(from: dict, epochs: epochs)
        let position = try Self.position(in: dict)
        var restoredIterator = iterator
        try restoredIterator.restore(position)
        let perEpoch = iterator.batchesPerEpoch
        guard position.epoch == loopState.epoch else {
            throw TrainerError.stateMismatch(name: Self.iteratorKey, message: "data position is in epoch \(position.epoch + 1) but the loop is in epoch \(loopState.epoch + 1)")
        }
        if loopState.epoch == epochs && position.batch != 0 {
            throw TrainerError.stateMismatch(name: Self.iteratorKey, message: "training is complete but the data position is at batch \(position.batch)")
        }
        let (full, overflow) = position.epoch.multipliedReportingOverflow(by: perEpoch)
        let step = full &+ position.batch
        guard !overflow, step >= full else {
            throw TrainerError.stateMismatch(name: Self.iteratorKey, message: "epoch \(position.epoch) is out of range")
        }
        let served = min(position.batch * iterator.batchSize, iterator.dataset.count)
        guard loopState.epochSamples == served else {
            throw TrainerError.stateMismatch(name: LoopState.prefix + "counters", message: "\(loopState.epochSamples) samples counted in the epoch, but \(position.batch) batches (\(served) samples) were served")
        }
        try trainer.load(dict, expectedStep: step)
        iterator = restoredIterator
        loop = loopState
    }

    /// The data position stored under `data.iterator`: epoch, batch and two streams.
    static func position(in dict: StateDict) throws -> BatchIterator.State {
        guard let words = dict.words(iteratorKey), words.count == 10 else {
            throw TrainerError.stateMismatch(name: iteratorKey, message: "the checkpoint has no data position (10 words)")
        }
        guard let epoch = Int(exactly: words[0]), let batch = Int(exactly: words[1]) else {
            throw TrainerError.stateMismatch(name: iteratorKey, message: "epoch \(words[0]) or batch \(words[1]) is out of range")
        }
        return BatchIterator.State(epoch: epoch, batch: batch, shuffle: Array(words[2..<6]), augment: Array(words[6..<10]))
    }
}
