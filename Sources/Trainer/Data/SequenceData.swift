/// A seeded, variable-length sequence classification set, padded to a fixed length: the
/// data of the padded-sequence study (LayerNorm vs BatchNorm when pads enter the statistics).
///
/// A sample is `length` positions of `token` features, then the mask (1 for a real token,
/// 0 for a pad), flattened into one row: `[x₀ … x_{L−1} | m₀ … m_{L−1}]`, so
/// `features = length × (token + 1)` (`SequenceShape`). Real tokens come first; pads are
/// zero vectors (right padding, as language-model batches are padded).
///
/// Generation: K unit prototype directions `u_k` in R^token (from the seed only, never from
/// `part`); each sample draws its number of real tokens uniformly from `lengths`, a
/// dominant class k (balanced, in a seeded order), and each real token as `u_c + noise · g`
/// where c = k with probability 1/2 and another class otherwise, g standard Gaussian, plus
/// `offset · v` for a fixed unit vector v (from the seed): the tokens' common mean, which the
/// zero pads lack (real embeddings are not centred at the pad vector). The label is then
/// `argmax_j ⟨Σ (real token − offset · v), u_j⟩` — a function of the real tokens only,
/// computed from the stored values, so the pads (and how many there are) carry no
/// information about the class.
public enum SequenceData {
    /// Real tokens a sequence holds: uniform on `min...max`.
    public struct Lengths: Sendable, Equatable, Codable {
        public var min: Int
        public var max: Int
        public init(min: Int, max: Int) { self.min = min; self.max = max }
        public init(from decoder: any Decoder) throws {
            let o = try SpecObject(decoder, keys: ["min", "max"])
            self.init(min: try o.required("min"), max: try o.required("max"))
        }

        /// The reason these lengths do not fit sequences of `length` positions, or nil.
        func problem(length: Int) -> String? {
            guard min >= 1 else { return "min must be at least 1 (a sequence needs a real token), got \(min)" }
            guard max <= length else { return "max must be at most the padded length \(length), got \(max)" }
            guard min <= max else { return "min (\(min)) must not exceed max (\(max))" }
            return nil
        }

        /// The mean share of pad positions in sequences of `length` positions.
        public func padShare(length: Int) -> Double {
            1 - (Double(min) + Double(max)) / 2 / Double(Swift.max(length, 1))
        }
    }

    /// Probability that a real token is drawn around its sequence's dominant prototype.
    public static let dominance = 0.5

    /// Generates `size` padded sequences.
    /// - Throws: `DataError.invalidSpec` for sizes out of range (the spec's `validate` names the same bounds).
    public static func make(size: Int, length: Int, token: Int, classes: Int, lengths: Lengths,
                            noise: Double, offset: Double = 0, seed: UInt64, part: String) throws -> Dataset {
        guard size > 0 else { throw DataError.invalidSpec(key: "size", reason: "must be positive, got \(size)") }
        guard SpecBounds.sequenceLength.contains(length) else {
            throw DataError.invalidSpec(key: "length", reason: "must be between 1 and \(SpecBounds.sequenceLength.upperBound), got \(length)")
        }
        guard SpecBounds.tokenFeatures.contains(token) else {
            throw DataError.invalidSpec(key: "features", reason: "must be between 1 and \(SpecBounds.tokenFeatures.upperBound), got \(token)")
        }
        guard (2...1000).contains(classes) else {
            throw DataError.invalidSpec(key: "classes", reason: "must be between 2 and 1000, got \(classes)")
        }
        if let problem = lengths.problem(length: length) { throw DataError.invalidSpec(key: "lengths", reason: problem) }
        guard noise >= 0, noise.isFinite else {
            throw DataError.invalidSpec(key: "noise", reason: "must be a finite number ≥ 0, got \(noise)")
        }
        guard offset.isFinite, abs(offset) <= maxOffset else {
            throw DataError.invalidSpec(key: "offset", reason: "must be a number between -\(Int(maxOffset)) and \(Int(maxOffset)), got \(offset)")
        }
        let shape = SequenceShape(length: length, token: token)
        let prototypes = Self.prototypes(classes: classes, token: token, seed: seed)
        let shift = Self.offsetDirection(token: token, seed: seed).map { $0 * offset }
        var rng = RandomStream(seed: seed, name: "data.sequences.\(part)")
        var dominant = (0..<size).map { Int32($0 % classes) }
        rng.shuffle(&dominant)
        let width = shape.features
        var x = [Float](repeating: 0, count: size * width)
        var labels = [Int32](repeating: 0, count: size)
        var sum = [Double](repeating: 0, count: token)
        for i in 0..<size {
            let row = i * width
            let n = lengths.min + rng.nextInt(below: lengths.max - lengths.min + 1)
            for j in 0..<token { sum[j] = 0 }
            for p in 0..<n {
                var c = Int(dominant[i])
                if rng.nextDouble() >= dominance {
                    // Another class than the dominant one, uniformly.
                    c = (c + 1 + rng.nextInt(below: classes - 1)) % classes
                }
                for j in 0..<token {
                    let v = Float(prototypes[c * token + j] + noise * rng.nextGaussian() + shift[j])
                    x[row + p * token + j] = v
                    sum[j] += Double(v) - shift[j]  // from the stored Float: the label is a function of the row
                }
                x[row + length * token + p] = 1
            }
            labels[i] = Int32(argmaxProjection(sum, prototypes: prototypes, classes: classes, token: token))
        }
        return try Dataset(name: "sequences/\(part)", features: width, x: x, labels: labels, numClasses: classes,
                           sequenceShape: shape)
    }

    /// K unit vectors in R^token, from the seed only (the same for every part).
    static func prototypes(classes: Int, token: Int, seed: UInt64) -> [Double] {
        var rng = RandomStream(seed: seed, name: "data.sequences.prototypes")
        var u = [Double](repeating: 0, count: classes * token)
        for k in 0..<classes {
            var norm = 0.0
            repeat {
                norm = 0
                for j in 0..<token {
                    let g = rng.nextGaussian()
                    u[k * token + j] = g
                    norm += g * g
                }
            } while norm < 1e-12
            let inv = 1 / norm.squareRoot()
            for j in 0..<token { u[k * token + j] *= inv }
        }
        return u
    }

    /// A unit vector in R^token, from the seed only: the direction of the tokens' common offset.
    static func offsetDirection(token: Int, seed: UInt64) -> [Double] {
        var rng = RandomStream(seed: seed, name: "data.sequences.offset")
        var v = [Double](repeating: 0, count: token)
        var norm = 0.0
        repeat {
            norm = 0
            for j in 0..<token { v[j] = rng.nextGaussian(); norm += v[j] * v[j] }
        } while norm < 1e-12
        return v.map { $0 / norm.squareRoot() }
    }

    /// Largest |offset| accepted.
    public static let maxOffset = 1000.0

    /// The class whose prototype has the largest projection of `v` (the first on a tie).
    static func argmaxProjection(_ v: [Double], prototypes: [Double], classes: Int, token: Int) -> Int {
        var best = 0, bestValue = -Double.infinity
        for k in 0..<classes {
            var dot = 0.0
            for j in 0..<token { dot += v[j] * prototypes[k * token + j] }
            if dot > bestValue { best = k; bestValue = dot }
        }
        return best
    }

    /// The label a row of `shape` gets from its real tokens (the rule `make` applies): used by
    /// tests to show that the pads carry no information.
    public static func label(of row: ArraySlice<Float>, shape: SequenceShape, classes: Int, offset: Double = 0, seed: UInt64) -> Int {
        let values = Array(row)
        let u = prototypes(classes: classes, token: shape.token, seed: seed)
        let shift = offsetDirection(token: shape.token, seed: seed).map { $0 * offset }
        var sum = [Double](repeating: 0, count: shape.token)
        for p in 0..<shape.length where values[shape.length * shape.token + p] > 0 {
            for j in 0..<shape.token { sum[j] += Double(values[p * shape.token + j]) - shift[j] }
        }
        return argmaxProjection(sum, prototypes: u, classes: classes, token: shape.token)
    }
}

/// The layout of a padded-sequence row: `length` positions of `token` features, then one
/// mask value a position.
public struct SequenceShape: Sendable, Equatable, Codable {
    public var length: Int
    public var token: Int
    public init(length: Int, token: Int) { self.length = length; self.token = token }
    /// Values a row holds: `length × (token + 1)`.
    public var features: Int { length * (token + 1) }
}
