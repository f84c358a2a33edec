extension ModelTrainer {
    /// Entry names the ModelTrainer writes besides the model's and optimizer's tensors.
    public enum StateKey {
        public static let optimizerStep = OptimizerStateKey.step
        public static let random = "random"
        public static let scheduleStep = "schedule.step"
    }

    /// Everything needed to continue bit-for-bit: parameters (`layers.0.weight`), norm
    /// state (`layers.1.running_mean`), optimizer slots (`OptimizerStateKey`)
    /// and step, the schedule's step and every random stream. A training loop adds its
    /// own entries (data position, epoch) to the returned dict before serialising it.
    public func state() -> StateDict {
        var dict = StateDict()
        for p in model.parameters { dict.setTensor(p.name, p.value) }
        for s in model.state { dict.setTensor(s.name, s.tensor) }
        for s in optimizer.stateTensors(for: model.parameters) { dict.setTensor(s.name, s.tensor) }
        dict.setWords(StateKey.optimizerStep, [UInt64(optimizer.stepCount)])
        dict.setWords(StateKey.scheduleStep, [UInt64(step)])
        dict.setWords(StateKey.random, random.words)
        return dict
    }

    /// Restores what `state()` saved. Strict: every tensor the model and optimizer need
    /// must be present with the same shape, and no other `layers.*` or `optimizer.*`
    /// tensor may be present; entries of other names (the loop's) are ignored.
    /// Nothing changes unless everything fits: counters must be in range (and equal to
    /// `expectedStep` when given, the step the data position implies) and every tensor
    /// finite, so a forged payload with a valid checksum is refused, not trusted.
    /// - Throws: `TrainerError.stateMismatch` naming the first mismatching entry.
    public func load(_ dict: StateDict, expectedStep: Int? = nil) throws {
        let expected = model.parameters.map { NamedTensor(name: $0.name, tensor: $0.value) }
            + model.state + optimizer.stateTensors(for: model.parameters)
        let known = Set(expected.map(\.name))
        for name in dict.names where !known.contains(name) {
            if case .tensor(let shape, _)? = dict[name], name.hasPrefix("layers.") || OptimizerStateKey.isOptimizerKey(name) {
                throw TrainerError.stateMismatch(name: name, message: "stored tensor \(shape) does not exist in this model")
            }
        }
        guard let stepWords = dict.words(StateKey.optimizerStep), stepWords.count == 1 else {
            throw TrainerError.stateMismatch(name: StateKey.optimizerStep, message: "missing or not one word")
        }
        // Steps beyond Int32.max would take centuries here; a larger count is forged or damaged.
        guard let stepCount = Int(exactly: stepWords[0]), stepCount <= Int(Int32.max) else {
            throw TrainerError.stateMismatch(name: StateKey.optimizerStep, message: "step count \(stepWords[0]) is out of range")
        }
        if let expectedStep, stepCount != expectedStep {
            throw TrainerError.stateMismatch(name: StateKey.optimizerStep, message: "step count \(stepCount), but the data position is at step \(expectedStep)")
        }
        guard let schedule = dict.words(StateKey.scheduleStep), schedule == [stepWords[0]] else {
            throw TrainerError.stateMismatch(name: StateKey.scheduleStep, message: "missing, or not the optimizer's step count \(stepCount)")
        }
        guard let randomWords = dict.words(StateKey.random), let streams = RandomStreams(words: randomWords) else {
            throw TrainerError.stateMismatch(name: StateKey.random, message: "missing, not 16 words, or a stream in the impossible all-zero state")
        }
        // Check all shapes first so a failed load leaves the trainer untouched.
        let scratch = expected.map { Tensor(zeros: $0.tensor.shape) }
        for (entry, buffer) in zip(expected, scratch) {
            try dict.load(entry.name, into: buffer)
            // Training stops at the first non-finite loss, before any checkpoint: a stored NaN
            // or infinity never comes from a real run.
            if let bad = buffer.buffer.firstIndex(where: { !$0.isFinite }) {
                throw TrainerError.stateMismatch(name: entry.name, message: "element \(bad) is \(buffer.buffer[bad]); a checkpoint holds finite values only")
            }
        }
        for (entry, buffer) in zip(expected, scratch) { entry.tensor.assign(from: buffer) }
        optimizer.stepCount = stepCount
        random = streams
        optimizer.forgetLastSteps()  // measured before the load: stale
    }

    /// The state as a versioned byte payload (see `StateDict.serialized()`).
    public func serializedState() -> [UInt8] { state().serialized() }

    /// Restores from a payload written by `serializedState()`.
    public func restore(payload: [UInt8]) throws { try load(StateDict(payload: payload)) }
}
