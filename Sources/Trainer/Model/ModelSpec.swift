/// A declarative, Codable description of a model: an explicit layer list, or the
/// shorthand of an MLP (depth × width, activation, normalisation, residual blocks, dropout).
///
/// Explicit: `{"input": 784, "layers": [{"type": "dense", "units": 10}, …]}`.
/// Shorthand: `{"input": 784, "depth": 20, "width": 64, "activation": "sigmoid",
/// "normalization": "batch", "norm_placement": "before", "residual_every": 2,
/// "dropout": 0.5, "classes": 10, "init": "he_normal"}`, or `"widths": [256, 128]`
/// instead of depth and width. Each hidden layer is Dense → [norm] → activation →
/// [norm] → [Dropout]; with `residual_every: k`, every k hidden layers form one
/// Residual block. A last Dense maps to `classes` outputs (the logits).
/// With `sequence_length: L` the input is a padded sequence with its mask (`SequenceShape`,
/// input = L × (token + 1)): the hidden layers form one `per_position` block applied to every
/// position with shared weights, then a `masked_mean` pool over the real positions feeds the
/// last Dense.
/// Invalid values are a `TrainerError.invalidSpec` naming the key, at decoding.
public struct ModelSpec: Sendable, Equatable {
    /// Where a normalisation layer sits relative to the activation.
    public enum NormPlacement: String, Codable, Sendable, CaseIterable { case before, after }
    /// Which normalisation the shorthand inserts.
    public enum Normalization: String, Codable, Sendable, CaseIterable { case none, batch, layer }

    /// The MLP shorthand.
    public struct Shorthand: Sendable, Equatable {
        public var hiddenWidths: [Int]
        public var activation: Activation
        public var normalization: Normalization
        public var normPlacement: NormPlacement
        public var residualEvery: Int
        public var dropout: Float
        public var classes: Int
        public var initialization: Initialization?
        public var leakySlope: Float
        /// Positions of a padded-sequence input (0: the input is a plain feature vector).
        public var sequenceLength: Int

        public init(hiddenWidths: [Int], activation: Activation = .relu, normalization: Normalization = .none,
                    normPlacement: NormPlacement = .before, residualEvery: Int = 0, dropout: Float = 0,
                    classes: Int, initialization: Initialization? = nil, leakySlope: Float = 0.01,
                    sequenceLength: Int = 0) {
            self.hiddenWidths = hiddenWidths
            self.activation = activation
            self.normalization = normalization
            self.normPlacement = normPlacement
            self.residualEvery = residualEvery
            self.dropout = dropout
            self.classes = classes
            self.initialization = initialization
            self.leakySlope = leakySlope
            self.sequenceLength = sequenceLength
        }
    }

    /// The input width (features per sample).
    public var input: Int
    /// Explicit layers, or nil when the shorthand describes the model.
    public var layers: [LayerSpec]?
    /// The shorthand, or nil for an explicit list.
    public var shorthand: Shorthand?

    /// An explicit layer list.
    public init(input: Int, layers: [LayerSpec]) {
        self.input = input
        self.layers = layers
        shorthand = nil
    }

    /// An MLP shorthand.
    public init(input: Int, shorthand: Shorthand) {
        self.input = input
        layers = nil
        self.shorthand = shorthand
    }

    /// The MLP shorthand with keyword arguments.
    public static func mlp(
        input: Int, hidden: [Int], classes: Int, activation: Activation = .relu,
        normalization: Normalization = .none, normPlacement: NormPlacement = .before,
        residualEvery: Int = 0, dropout: Float = 0, initialization: Initialization? = nil,
        sequenceLength: Int = 0
    ) -> ModelSpec {
        ModelSpec(input: input, shorthand: Shorthand(
            hiddenWidths: hidden, activation: activation, normalization: normalization,
            normPlacement: normPlacement, residualEvery: residualEvery, dropout: dropout,
            classes: classes, initialization: initialization, sequenceLength: sequenceLength))
    }

    /// Checks every value; the error names the first bad key.
    public func validate() throws {
        guard input > 0 else { throw TrainerError.invalidSpec(key: "input", message: "must be > 0, got \(input)") }
        if let layers {
            for (i, l) in layers.enumerated() { try l.validate(key: "layers.\(i)") }
            var width = input
            try Self.checkSequenceWidths(layers, width: &width, key: "layers")
        } else if let s = shorthand {
            for (i, w) in s.hiddenWidths.enumerated() where w <= 0 {
                throw TrainerError.invalidSpec(key: "widths.\(i)", message: "must be > 0, got \(w)")
            }
            guard s.classes > 0 else {
                throw TrainerError.invalidSpec(key: "classes", message: "must be > 0, got \(s.classes)")
            }
            guard s.dropout >= 0 && s.dropout < 1 else {
                throw TrainerError.invalidSpec(key: "dropout", message: "the drop probability must be in [0, 1), got \(s.dropout)")
            }
            guard s.residualEvery >= 0 else {
                throw TrainerError.invalidSpec(key: "residual_every", message: "must be ≥ 0, got \(s.residualEvery)")
            }
            guard s.leakySlope.isFinite else {
                throw TrainerError.invalidSpec(key: "leaky_slope", message: "must be finite")
            }
            guard s.sequenceLength == 0 || SpecBounds.sequenceLength.contains(s.sequenceLength) else {
                throw TrainerError.invalidSpec(key: "sequence_length", message: "must be between 1 and \(SpecBounds.sequenceLength.upperBound), got \(s.sequenceLength)")
            }
            if s.sequenceLength > 0 { _ = try Self.tokenWidth(of: input, length: s.sequenceLength, key: "sequence_length") }
        } else {
            throw TrainerError.invalidSpec(key: "layers", message: "give either 'layers' or the shorthand ('depth'/'width' or 'widths', 'classes')")
        }
    }

    /// The explicit layer list this spec stands for (the shorthand expanded).
    public func expandedLayers() -> [LayerSpec] {
        if let layers { return layers }
        guard let s = shorthand else { return [] }
        var units: [[LayerSpec]] = []
        for width in s.hiddenWidths {
            var unit: [LayerSpec] = [.dense(units: width, initialization: s.initialization)]
            let norm: LayerSpec? = switch s.normalization {
            case .none: nil
            case .batch: .batchNorm()
            case .layer: .layerNorm()
            }
            let act = LayerSpec.activation(s.activation, slope: s.activation == .leakyReLU ? s.leakySlope : nil)
            if let norm, s.normPlacement == .before { unit.append(norm) }
            unit.append(act)
            if let norm, s.normPlacement == .after { unit.append(norm) }
            if s.dropout > 0 { unit.append(.dropout(p: s.dropout)) }
            units.append(unit)
        }
        var result: [LayerSpec] = []
        if s.residualEvery > 0 {
            var i = 0
            while i < units.count {
                let group = units[i..<Swift.min(i + s.residualEvery, units.count)]
                result.append(.residual(group.flatMap { $0 }))
                i += s.residualEvery
            }
        } else {
            result = units.flatMap { $0 }
        }
        if s.sequenceLength > 0 {
            result = (result.isEmpty ? [] : [.perPosition(length: s.sequenceLength, layers: result)])
                + [.maskedMean(length: s.sequenceLength)]
        }
        result.append(.dense(units: s.classes, initialization: s.initialization ?? .xavierUniform))
        return result
    }
}

extension ModelSpec {
    /// The features of one position of a padded-sequence row `width` wide: `width / length − 1`.
    /// - Throws: `TrainerError.invalidSpec` at `key` when the width is not `length × (token + 1)`.
    static func tokenWidth(of width: Int, length: Int, key: String) throws -> Int {
        guard length > 0, width % length == 0, width / length >= 2 else {
            throw TrainerError.invalidSpec(
                key: key, message: "\(length) positions do not fit an input of width \(width): a padded sequence row is length × (features a token + 1 mask value)")
        }
        return width / length - 1
    }

    /// Follows the widths of an explicit list so that a `per_position` or `masked_mean`
    /// whose length does not divide its input is refused before anything is built.
    static func checkSequenceWidths(_ layers: [LayerSpec], width: inout Int, key: String) throws {
        for (i, layer) in layers.enumerated() {
            switch layer {
            case .dense(let units, _, _):
                width = units
            case .residual(let inner):
                try checkSequenceWidths(inner, width: &width, key: "\(key).\(i).layers")
            case .perPosition(let length, let inner):
                var token = try tokenWidth(of: width, length: length, key: "\(key).\(i).length")
                try checkSequenceWidths(inner, width: &token, key: "\(key).\(i).layers")
                width = length * (token + 1)
            case .maskedMean(let length):
                width = try tokenWidth(of: width, length: length, key: "\(key).\(i).length")
            case .activation, .batchNorm, .layerNorm, .dropout:
                break
            }
        }
    }
}
