extension ModelSpec: Codable {
    private enum CodingKeys: String, CodingKey {
        case input, layers, depth, width, widths, activation, normalization, normPlacement = "norm_placement"
        case residualEvery = "residual_every", dropout, classes, initialization = "init", leakySlope = "leaky_slope"
        case sequenceLength = "sequence_length"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let prefix = SpecPath.dotted(decoder.codingPath)
        func key(_ k: CodingKeys) -> String { prefix.isEmpty ? k.stringValue : "\(prefix).\(k.stringValue)" }
        func invalid(_ k: CodingKeys, _ m: String) -> TrainerError { .invalidSpec(key: key(k), message: m) }
        func choice<E: RawRepresentable & CaseIterable>(_ k: CodingKeys, _ fallback: E) throws -> E where E.RawValue == String {
            guard let raw = try c.decodeIfPresent(String.self, forKey: k) else { return fallback }
            guard let v = E(rawValue: raw) else {
                throw invalid(k, "unknown value '\(raw)' (\(E.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return v
        }
        guard let input = try c.integer(.input, in: SpecBounds.input) else {
            throw invalid(.input, "is required (the number of input features)")
        }
        self.input = input
        var widthKey: (Int) -> String = { "layers.\($0)" }
        if c.contains(.layers) {
            for k in [CodingKeys.depth, .width, .widths, .activation, .classes, .sequenceLength] where c.contains(k) {
                throw invalid(k, "is shorthand; it cannot be combined with an explicit 'layers' list")
            }
            layers = try c.decode([LayerSpec].self, forKey: .layers)
            shorthand = nil
        } else {
            var hidden: [Int]
            if c.contains(.widths) {
                if c.contains(.depth) || c.contains(.width) { throw invalid(.widths, "give 'widths' or 'depth' and 'width', not both") }
                var list = try c.nestedUnkeyedContainer(forKey: .widths)
                guard (list.count ?? 0) <= SpecBounds.depth.upperBound else {
                    throw invalid(.widths, "lists more than \(SpecBounds.depth.upperBound) hidden layers")
                }
                hidden = []
                while !list.isAtEnd {
                    guard let w = try? list.decode(Double.self), w.rounded() == w, SpecBounds.width.contains(Int(exactly: w) ?? 0) else {
                        throw TrainerError.invalidSpec(key: key(.widths) + ".\(hidden.count)",
                                                       message: "must be a whole number between 1 and \(SpecBounds.width.upperBound)")
                    }
                    hidden.append(Int(w))
                }
                widthKey = { "widths.\($0)" }
            } else {
                // Bounded before the array is built: `depth: 1e9` must not allocate.
                let depth = try c.integer(.depth, in: SpecBounds.depth) ?? 0
                let width = try c.integer(.width, in: SpecBounds.width) ?? 0
                if (depth > 0 || c.contains(.width)) && width <= 0 { throw invalid(.width, "must be > 0, got \(width)") }
                hidden = Array(repeating: width, count: depth)
                widthKey = { _ in "width" }
            }
            guard let classes = try c.integer(.classes, in: SpecBounds.classes) else {
                throw invalid(.classes, "the shorthand needs the number of outputs ('classes')")
            }
            let initialization: Initialization? = try c.contains(.initialization)
                ? choice(.initialization, Initialization.heNormal) : nil
            shorthand = Shorthand(
                hiddenWidths: hidden, activation: try choice(.activation, Activation.relu),
                normalization: try choice(.normalization, Normalization.none),
                normPlacement: try choice(.normPlacement, NormPlacement.before),
                residualEvery: try c.integer(.residualEvery, in: SpecBounds.depth) ?? 0,
                dropout: try c.decodeIfPresent(Float.self, forKey: .dropout) ?? 0,
                classes: classes, initialization: initialization,
                leakySlope: try c.decodeIfPresent(Float.self, forKey: .leakySlope) ?? 0.01,
                sequenceLength: try c.integer(.sequenceLength, in: SpecBounds.sequenceLength) ?? 0)
            layers = nil
        }
        do {
            try validate()
            try checkParameters(widthKey: widthKey)
        } catch TrainerError.invalidSpec(let k, let m) {
            throw TrainerError.invalidSpec(key: prefix.isEmpty ? k : "\(prefix).\(k)", message: m)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(input, forKey: .input)
        if let layers { try c.encode(layers, forKey: .layers); return }
        guard let s = shorthand else { return }
        try c.encode(s.hiddenWidths, forKey: .widths)
        try c.encode(s.activation, forKey: .activation)
        try c.encode(s.normalization, forKey: .normalization)
        try c.encode(s.normPlacement, forKey: .normPlacement)
        try c.encode(s.residualEvery, forKey: .residualEvery)
        try c.encode(s.dropout, forKey: .dropout)
        try c.encode(s.classes, forKey: .classes)
        try c.encodeIfPresent(s.initialization, forKey: .initialization)
        if s.activation == .leakyReLU { try c.encode(s.leakySlope, forKey: .leakySlope) }
        // Written only when set, so the configs (and hashes) of other models are unchanged.
        if s.sequenceLength > 0 { try c.encode(s.sequenceLength, forKey: .sequenceLength) }
    }
}
