/// The `sequences` source: defaults, checks and generation (`SequenceData`).
extension DatasetSpec {
    /// Positions after padding when the spec gives none.
    public static let defaultSequenceLength = 24
    /// Values a token when the spec gives none.
    public static let defaultTokenFeatures = 8

    /// The padded length of a sequence source.
    var sequenceLength: Int { length ?? Self.defaultSequenceLength }
    /// Real tokens a training (validation, test) sequence holds: by default half to all positions.
    var sequenceLengths: SequenceData.Lengths {
        lengths ?? SequenceData.Lengths(min: max(1, sequenceLength / 2), max: sequenceLength)
    }

    /// Checks the keys of a sequence source; errors name the key.
    func validateSequences() throws {
        func fail(_ key: String, _ reason: String) -> DataError { DataError.invalidSpec(key: key, reason: reason) }
        if let size, !(1...10_000_000).contains(size) { throw fail("size", "must be between 1 and 10000000, got \(size)") }
        switch test {
        case let .count(n)?: if !(0...10_000_000).contains(n) { throw fail("test", "must be between 0 and 10000000, got \(n)") }
        case let .fraction(f)?: if !(f > 0 && f < 1) { throw fail("test", "as a fraction of size must be in (0, 1), got \(f)") }
        case nil: break
        }
        if let noise, !(noise >= 0 && noise.isFinite) { throw fail("noise", "must be a finite number ≥ 0, got \(noise)") }
        if let classes, !(2...1000).contains(classes) { throw fail("classes", "must be between 2 and 1000, got \(classes)") }
        if let features, !SpecBounds.tokenFeatures.contains(features) {
            throw fail("features", "(values a token) must be between 1 and \(SpecBounds.tokenFeatures.upperBound), got \(features)")
        }
        if outputs != nil { throw fail("outputs", "applies only to teacher") }
        if let offset, !(offset.isFinite && abs(offset) <= SequenceData.maxOffset) {
            throw fail("offset", "must be a number between -\(Int(SequenceData.maxOffset)) and \(Int(SequenceData.maxOffset)), got \(offset)")
        }
        if let length, !SpecBounds.sequenceLength.contains(length) {
            throw fail("length", "(positions after padding) must be between 1 and \(SpecBounds.sequenceLength.upperBound), got \(length)")
        }
        if let problem = sequenceLengths.problem(length: sequenceLength) {
            throw fail(lengths == nil ? "length" : "lengths", problem)
        }
        if let shifted {
            if let problem = shifted.lengths.problem(length: sequenceLength) { throw fail("shifted.lengths", problem) }
            if let n = shifted.size, !(1...10_000_000).contains(n) { throw fail("shifted.size", "must be between 1 and 10000000, got \(n)") }
        }
        if preprocess?.standardize != nil {
            // Standardising would move the pads off zero and rescale the mask.
            throw fail("preprocess.standardize", "does not apply to sequences (it would change the pads and the mask)")
        }
        // Generated in memory: samples × (length × (features + 1)) floats must fit the budget.
        let shape = SequenceShape(length: sequenceLength, token: features ?? Self.defaultTokenFeatures)
        let samples = Double(size ?? 1000) + Double(syntheticTestSize) + Double(shifted.map { $0.size ?? syntheticTestSize } ?? 0)
        let values = samples * Double(shape.length) * Double(shape.token + 1)
        if values > Double(SpecBounds.maxSyntheticValues) {
            throw fail(size != nil ? "size" : "length", "makes \(SpecBounds.format(values)) values of generated data; at most \(SpecBounds.maxSyntheticValues) (samples × length × (features + 1))")
        }
    }

    /// `n` sequences of the spec's task with real-token counts from `lengths`.
    func makeSequences(_ n: Int, part: String, lengths: SequenceData.Lengths, seed: UInt64) throws -> Dataset {
        try SequenceData.make(size: n, length: sequenceLength, token: features ?? Self.defaultTokenFeatures,
                              classes: classes ?? 4, lengths: lengths, noise: noise ?? 0.5, offset: offset ?? 0,
                              seed: seed, part: part)
    }

    /// The shifted evaluation set, when the spec asks for one.
    func makeShifted(seed: UInt64) throws -> Dataset? {
        guard source == .sequences, let shifted else { return nil }
        return try makeSequences(shifted.size ?? max(1, syntheticTestSize), part: "shifted", lengths: shifted.lengths, seed: seed)
    }
}
