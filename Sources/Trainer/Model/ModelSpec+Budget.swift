/// How large a model spec is, estimated from the spec alone so that a model that would not
/// fit in memory is refused, naming the key, before any weight is allocated or run recorded.
extension ModelSpec {
    /// The size of the model: counted in `Double`, so no width or depth can overflow it.
    public struct Size: Sendable, Equatable {
        public var parameters: Double
        public var widest: Int
        /// Layers that hold an activation of one batch (every entry of the expanded list).
        public var layers: Int
        /// The index (in the expanded top-level list) of the layer with the most parameters.
        public var largestLayer: Int
    }

    public var size: Size {
        var size = Size(parameters: 0, widest: input, layers: 0, largestLayer: 0)
        var most = -1.0
        var width = input
        for (i, layer) in expandedLayers().enumerated() {
            let before = size.parameters
            ModelSpec.count(layer, width: &width, into: &size)
            if size.parameters - before > most { most = size.parameters - before; size.largestLayer = i }
        }
        return size
    }

    private static func count(_ layer: LayerSpec, width: inout Int, into size: inout Size) {
        size.layers += 1
        switch layer {
        case .dense(let units, _, let bias):
            size.parameters += Double(width) * Double(units) + (bias ? Double(units) : 0)
            width = units
        case .activation(let a, _, let shared):
            if a == .prelu { size.parameters += shared ? 1 : Double(width) }
        case .batchNorm, .layerNorm:
            size.parameters += 2 * Double(width)
        case .dropout:
            break
        case .residual(let inner):
            let input = width
            for l in inner { count(l, width: &width, into: &size) }
            if width != input { size.parameters += Double(input) * Double(width) }  // the projection
        case .perPosition(let length, let inner):
            // Shared weights: parameters as for one position; activations for all L of them.
            var token = max(1, width / max(1, length) - 1)
            var positions = Size(parameters: 0, widest: token, layers: 0, largestLayer: 0)
            for l in inner { count(l, width: &token, into: &positions) }
            size.parameters += positions.parameters
            size.layers += positions.layers
            size.widest = max(size.widest, positions.widest * length)  // ≤ 10⁷ × 4096: no overflow
            width = length * (token + 1)
        case .maskedMean(let length):
            width = max(1, width / max(1, length) - 1)
        }
        size.widest = max(size.widest, width)
    }

    /// Refuses more than `SpecBounds.maxParameters` trainable parameters. `widthKey(i)` names
    /// the key that set hidden width `i` of the shorthand (`width`, `widths.2`); for an
    /// explicit list the key is that of the largest layer (`layers.4`).
    func checkParameters(widthKey: (Int) -> String, prefix: String = "") throws {
        let s = size
        guard s.parameters > Double(SpecBounds.maxParameters) else { return }
        var key = "layers.\(s.largestLayer)"
        if let shorthand {
            // The largest Dense layer of the chain input → hidden… → classes names its width.
            let chain = [input] + shorthand.hiddenWidths + [shorthand.classes]
            let products = (1..<chain.count).map { Double(chain[$0 - 1]) * Double(chain[$0]) }
            let largest = products.indices.max { products[$0] < products[$1] } ?? 0
            key = shorthand.hiddenWidths.isEmpty ? "classes" : widthKey(min(largest, shorthand.hiddenWidths.count - 1))
        }
        throw TrainerError.invalidSpec(
            key: prefix + key, message: "makes a model of \(SpecBounds.format(s.parameters)) parameters; at most \(SpecBounds.maxParameters) are allowed")
    }

    /// Refuses a model over the parameter budget, or whose activations for one batch
    /// (batch_size × widest layer × layers × 4 bytes) exceed `SpecBounds.maxActivationBytes`.
    public func checkBudget(batchSize: Int) throws {
        try checkParameters(widthKey: { _ in "width" }, prefix: "model.")
        let s = size
        let bytes = Double(batchSize) * Double(s.widest) * Double(max(1, s.layers)) * 4
        guard bytes > Double(SpecBounds.maxActivationBytes) else { return }
        throw TrainerError.invalidSpec(
            key: "batch_size",
            message: "\(batchSize) × the widest layer (\(s.widest)) × \(s.layers) layers needs about \(Int((bytes / Double(1 << 30)).rounded(.up))) GiB of activations; at most \(SpecBounds.maxActivationBytes >> 30) GiB — lower batch_size or the model's width")
    }
}
