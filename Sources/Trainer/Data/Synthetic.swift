import Foundation

/// Seeded synthetic datasets for fast tests and demos.
///
/// Classification sets (spirals, moons, circles, xor, blobs) have two features (blobs:
/// `features`) and classes of equal size (± 1); samples come in a seeded random order, so
/// "the first N" is a fair sample too. Noise is Gaussian with std `noise`, added to the
/// coordinates. `teacher` is a regression set: targets from a fixed random tanh network
/// (the teacher) plus noise. `part` ("train", "test") draws a different sample from the same
/// distribution; blob centres and teacher weights depend on the seed only, never on `part`.
public enum Synthetic {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case spirals, moons, circles, xor, blobs, teacher

        /// Noise used when the spec gives none.
        public var defaultNoise: Double {
            switch self {
            case .spirals, .circles, .xor: return 0.05
            case .moons, .teacher: return 0.1
            case .blobs: return 1.0
            }
        }
    }

    /// Hidden width of the teacher network.
    public static let teacherHidden = 32

    /// Generates `size` samples of `kind`.
    ///
    /// - `classes`: arms of the spiral, rings of `circles`, centres of `blobs` (moons and
    ///   xor have exactly 2).
    /// - `features`: dimensions of `blobs`, inputs of `teacher` (others have 2).
    /// - `outputs`: targets of `teacher`.
    public static func make(_ kind: Kind, size: Int, noise: Double? = nil, classes: Int = 2,
                            features: Int = 2, outputs: Int = 1, seed: UInt64,
                            part: String = "train") throws -> Dataset {
        guard size > 0 else { throw DataError.invalidSpec(key: "size", reason: "must be positive, got \(size)") }
        let sigma = noise ?? kind.defaultNoise
        guard sigma >= 0, sigma.isFinite else {
            throw DataError.invalidSpec(key: "noise", reason: "must be a finite number ≥ 0, got \(sigma)")
        }
        var rng = RandomStream(seed: seed, name: "data.\(kind.rawValue).\(part)")
        let name = "\(kind.rawValue)/\(part)"
        switch kind {
        case .moons, .xor:
            guard classes == 2 else {
                throw DataError.invalidSpec(key: "classes", reason: "must be 2 for \(kind.rawValue), got \(classes)")
            }
        case .spirals, .circles, .blobs:
            guard (2...1000).contains(classes) else {
                throw DataError.invalidSpec(key: "classes", reason: "must be between 2 and 1000, got \(classes)")
            }
        case .teacher:
            break
        }
        if kind == .blobs || kind == .teacher {
            guard (1...100_000).contains(features) else {
                throw DataError.invalidSpec(key: "features", reason: "must be between 1 and 100000, got \(features)")
            }
        }
        if kind == .teacher {
            guard (1...10_000).contains(outputs) else {
                throw DataError.invalidSpec(key: "outputs", reason: "must be between 1 and 10000, got \(outputs)")
            }
            return try teacher(size: size, noise: sigma, features: features, outputs: outputs, seed: seed, rng: &rng, name: name)
        }

        let dims = kind == .blobs ? features : 2
        var centres: [Double] = []
        if kind == .blobs {
            var centreRNG = RandomStream(seed: seed, name: "data.blobs.centres")
            centres = (0..<(classes * dims)).map { _ in centreRNG.nextDouble() * 10 - 5 }
        }
        var labels = (0..<size).map { Int32($0 % classes) }
        rng.shuffle(&labels)
        var x = [Float](repeating: 0, count: size * dims)
        for (i, label) in labels.enumerated() {
            let k = Int(label)
            let base = i * dims
            switch kind {
            case .spirals:
                let t = rng.nextDouble()
                let angle = 2 * Double.pi * Double(k) / Double(classes) + 3.5 * t
                x[base] = Float(t * sin(angle)); x[base + 1] = Float(t * cos(angle))
            case .moons:
                let a = Double.pi * rng.nextDouble()
                if k == 0 { x[base] = Float(cos(a)); x[base + 1] = Float(sin(a)) }
                else { x[base] = Float(1 - cos(a)); x[base + 1] = Float(0.5 - sin(a)) }
            case .circles:
                let a = 2 * Double.pi * rng.nextDouble()
                let r = Double(classes - k) / Double(classes)
                x[base] = Float(r * cos(a)); x[base + 1] = Float(r * sin(a))
            case .xor:
                // Points are drawn per quadrant, so the label is the quadrant's XOR.
                let sx = rng.nextInt(below: 2) == 0 ? 1.0 : -1.0
                let sy = k == 0 ? sx : -sx
                x[base] = Float(sx * (0.05 + 0.95 * rng.nextDouble()))
                x[base + 1] = Float(sy * (0.05 + 0.95 * rng.nextDouble()))
            case .blobs:
                for j in 0..<dims { x[base + j] = Float(centres[k * dims + j]) }
            case .teacher:
                break
            }
            if sigma > 0 {
                for j in 0..<dims { x[base + j] += Float(sigma * rng.nextGaussian()) }
            }
        }
        return try Dataset(name: name, features: dims, x: x, labels: labels, numClasses: classes)
    }

    /// Regression targets from a random two-layer tanh network (`features` → 32 → `outputs`).
    static func teacher(size: Int, noise: Double, features: Int, outputs: Int, seed: UInt64,
                        rng: inout RandomStream, name: String) throws -> Dataset {
        let hidden = teacherHidden
        var weightRNG = RandomStream(seed: seed, name: "data.teacher.weights")
        let w1 = (0..<(hidden * features)).map { _ in weightRNG.nextGaussian() / Double(features).squareRoot() }
        let b1 = (0..<hidden).map { _ in 0.1 * weightRNG.nextGaussian() }
        let w2 = (0..<(outputs * hidden)).map { _ in weightRNG.nextGaussian() / Double(hidden).squareRoot() }
        let b2 = (0..<outputs).map { _ in 0.1 * weightRNG.nextGaussian() }
        var x = [Float](repeating: 0, count: size * features)
        var y = [Float](repeating: 0, count: size * outputs)
        var input = [Double](repeating: 0, count: features)
        var h = [Double](repeating: 0, count: hidden)
        for i in 0..<size {
            for j in 0..<features {
                input[j] = rng.nextGaussian()
                x[i * features + j] = Float(input[j])
            }
            for u in 0..<hidden {
                var s = b1[u]
                for j in 0..<features { s += w1[u * features + j] * input[j] }
                h[u] = tanh(s)
            }
            for o in 0..<outputs {
                var s = b2[o]
                for u in 0..<hidden { s += w2[o * hidden + u] * h[u] }
                y[i * outputs + o] = Float(s + noise * rng.nextGaussian())
            }
        }
        return try Dataset(name: name, features: features, x: x, targets: y, targetWidth: outputs)
    }
}
