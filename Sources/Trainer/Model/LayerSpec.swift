/// One entry of a model spec's explicit layer list.
///
/// JSON (`type` selects the layer): `{"type": "dense", "units": 256, "init": "he_normal",
/// "bias": true}`, `{"type": "relu"}`, `{"type": "sigmoid"}`, `{"type": "tanh"}`,
/// `{"type": "leaky_relu", "slope": 0.01}`, `{"type": "prelu", "shared": false}`,
/// `{"type": "batch_norm", "momentum": 0.1, "eps": 1e-5}`, `{"type": "layer_norm", "eps": 1e-5}`,
/// `{"type": "dropout", "p": 0.5}`, `{"type": "residual", "layers": […]}`,
/// `{"type": "per_position", "length": 24, "layers": […]}` (the layers applied to every
/// position of a padded sequence, shared weights: `PerPosition`) and
/// `{"type": "masked_mean", "length": 24}` (the mean over real positions: `MaskedMeanPool`).
/// A Dense layer without `init` takes the default of the next activation in its list.
public indirect enum LayerSpec: Sendable, Equatable {
    case dense(units: Int, initialization: Initialization? = nil, bias: Bool = true)
    case activation(Activation, slope: Float? = nil, shared: Bool = false)
    case batchNorm(momentum: Float = 0.1, epsilon: Float = 1e-5)
    case layerNorm(epsilon: Float = 1e-5)
    case dropout(p: Float)
    case residual([LayerSpec])
    case perPosition(length: Int, layers: [LayerSpec])
    case maskedMean(length: Int)

    /// Checks the values; `key` is this entry's dotted key (`layers.3`).
    public func validate(key: String) throws {
        func fail(_ k: String, _ m: String) -> TrainerError { .invalidSpec(key: "\(key).\(k)", message: m) }
        switch self {
        case .dense(let units, _, _):
            guard units > 0 else { throw fail("units", "must be > 0, got \(units)") }
        case .activation(_, let slope, _):
            if let slope, !slope.isFinite { throw fail("slope", "must be finite") }
        case .batchNorm(let momentum, let epsilon):
            guard momentum >= 0 && momentum <= 1 else { throw fail("momentum", "must be in [0, 1], got \(momentum)") }
            guard epsilon > 0 else { throw fail("eps", "must be > 0, got \(epsilon)") }
        case .layerNorm(let epsilon):
            guard epsilon > 0 else { throw fail("eps", "must be > 0, got \(epsilon)") }
        case .dropout(let p):
            guard p >= 0 && p < 1 else { throw fail("p", "the drop probability must be in [0, 1), got \(p)") }
        case .residual(let layers):
            guard !layers.isEmpty else { throw fail("layers", "a residual block needs at least one layer") }
            for (i, l) in layers.enumerated() { try l.validate(key: "\(key).layers.\(i)") }
        case .perPosition(let length, let layers):
            guard SpecBounds.sequenceLength.contains(length) else {
                throw fail("length", "must be between 1 and \(SpecBounds.sequenceLength.upperBound), got \(length)")
            }
            guard !layers.isEmpty else { throw fail("layers", "a per_position block needs at least one layer") }
            for (i, l) in layers.enumerated() { try l.validate(key: "\(key).layers.\(i)") }
        case .maskedMean(let length):
            guard SpecBounds.sequenceLength.contains(length) else {
                throw fail("length", "must be between 1 and \(SpecBounds.sequenceLength.upperBound), got \(length)")
            }
        }
    }
}

extension LayerSpec: Codable {
    private enum CodingKeys: String, CodingKey { case type, units, initialization = "init", bias, slope, shared, momentum, epsilon = "eps", p, layers, length }

    public init(from decoder: any Decoder) throws {
        let key = SpecPath.dotted(decoder.codingPath)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "dense":
            var initialization: Initialization?
            if let raw = try c.decodeIfPresent(String.self, forKey: .initialization) {
                guard let i = Initialization(rawValue: raw) else {
                    throw TrainerError.invalidSpec(key: "\(key).init", message: "unknown initialisation '\(raw)' "
                        + "(\(Initialization.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                initialization = i
            }
            guard let units = try c.integer(.units, in: SpecBounds.width) else {
                throw TrainerError.invalidSpec(key: "\(key).units", message: "is required (the layer's width)")
            }
            self = .dense(units: units, initialization: initialization,
                          bias: try c.decodeIfPresent(Bool.self, forKey: .bias) ?? true)
        case "batch_norm":
            self = .batchNorm(momentum: try c.decodeIfPresent(Float.self, forKey: .momentum) ?? 0.1,
                              epsilon: try c.decodeIfPresent(Float.self, forKey: .epsilon) ?? 1e-5)
        case "layer_norm":
            self = .layerNorm(epsilon: try c.decodeIfPresent(Float.self, forKey: .epsilon) ?? 1e-5)
        case "dropout":
            self = .dropout(p: try c.decode(Float.self, forKey: .p))
        case "residual":
            self = .residual(try c.decode([LayerSpec].self, forKey: .layers))
        case "per_position":
            self = .perPosition(length: try c.requiredInteger(.length, in: SpecBounds.sequenceLength),
                                layers: try c.decode([LayerSpec].self, forKey: .layers))
        case "masked_mean":
            self = .maskedMean(length: try c.requiredInteger(.length, in: SpecBounds.sequenceLength))
        default:
            guard let activation = Activation(rawValue: type) else {
                throw TrainerError.invalidSpec(key: "\(key).type", message: "unknown layer type '\(type)' (dense, "
                    + "\(Activation.allCases.map(\.rawValue).joined(separator: ", ")), batch_norm, layer_norm, dropout, residual, per_position, masked_mean)")
            }
            self = .activation(activation, slope: try c.decodeIfPresent(Float.self, forKey: .slope),
                               shared: try c.decodeIfPresent(Bool.self, forKey: .shared) ?? false)
        }
        try validate(key: key)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .dense(let units, let initialization, let bias):
            try c.encode("dense", forKey: .type)
            try c.encode(units, forKey: .units)
            try c.encodeIfPresent(initialization, forKey: .initialization)
            if !bias { try c.encode(false, forKey: .bias) }
        case .activation(let a, let slope, let shared):
            try c.encode(a.rawValue, forKey: .type)
            try c.encodeIfPresent(slope, forKey: .slope)
            if shared { try c.encode(true, forKey: .shared) }
        case .batchNorm(let momentum, let epsilon):
            try c.encode("batch_norm", forKey: .type)
            try c.encode(momentum, forKey: .momentum)
            try c.encode(epsilon, forKey: .epsilon)
        case .layerNorm(let epsilon):
            try c.encode("layer_norm", forKey: .type)
            try c.encode(epsilon, forKey: .epsilon)
        case .dropout(let p):
            try c.encode("dropout", forKey: .type)
            try c.encode(p, forKey: .p)
        case .residual(let layers):
            try c.encode("residual", forKey: .type)
            try c.encode(layers, forKey: .layers)
        case .perPosition(let length, let layers):
            try c.encode("per_position", forKey: .type)
            try c.encode(length, forKey: .length)
            try c.encode(layers, forKey: .layers)
        case .maskedMean(let length):
            try c.encode("masked_mean", forKey: .type)
            try c.encode(length, forKey: .length)
        }
    }
}

/// Dotted spec keys from Codable coding paths (`layers.3`).
enum SpecPath {
    static func dotted(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
