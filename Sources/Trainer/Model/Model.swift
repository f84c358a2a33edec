/// A network built from a `ModelSpec`: a `Sequential` plus its flattened, named
/// parameters and state, ready for a `ModelTrainer`.
///
/// Building draws initial weights from the `init` stream only, so the dropout rate or
/// the data order never changes them.
public final class Model {
    public let spec: ModelSpec
    public let network: Sequential
    /// Every trainable parameter with its dotted name (`layers.0.weight`), in model order.
    public let parameters: [Parameter]
    /// Every non-trainable state tensor (`layers.1.running_mean`), in model order.
    public let state: [NamedTensor]
    /// Every layer with its dotted name (`layers.3`), depth first, without the root.
    public let namedLayers: [(name: String, layer: any Layer)]
    /// The layers that report activation or BatchNorm statistics, found once (per-step
    /// statistics then need no dynamic casts).
    let activationSources: [(name: String, source: any ActivationStatisticsSource)]
    let batchNorms: [(name: String, layer: BatchNorm)]

    /// Builds `spec`, initialising from `random` (the init stream).
    /// - Throws: `TrainerError.invalidSpec` for an invalid spec.
    public init(spec: ModelSpec, random: inout RandomStream) throws {
        try spec.validate()
        self.spec = spec
        network = try Sequential(inputWidth: spec.input,
                                 layers: Model.build(spec.expandedLayers(), width: spec.input, random: &random))
        parameters = network.namedParameters()
        state = network.namedState()
        namedLayers = Array(network.namedLayers().dropFirst())
        activationSources = namedLayers.compactMap { l in (l.layer as? any ActivationStatisticsSource).map { (l.name, $0) } }
        batchNorms = namedLayers.compactMap { l in (l.layer as? BatchNorm).map { (l.name, $0) } }
    }

    /// Width of the input features.
    public var inputWidth: Int { network.inputWidth }
    /// Width of the output (classes or regression targets).
    public var outputWidth: Int { network.outputWidth }

    /// Runs the network on `input` [batch, inputWidth].
    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        network.forward(input, context: &context)
    }

    /// Back-propagates ∂loss/∂output; parameter gradients are overwritten.
    public func backward(_ gradOutput: Tensor) {
        _ = network.backward(gradOutput, needsInputGradient: false)
    }


    private static func build(_ specs: [LayerSpec], width: Int, random: inout RandomStream) throws -> [any Layer] {
        var width = width
        var result: [any Layer] = []
        for (i, spec) in specs.enumerated() {
            let layer: any Layer
            switch spec {
            case .dense(let units, let initialization, let bias):
                var next: Activation?
                for s in specs[(i + 1)...] {
                    if case .activation(let a, _, _) = s { next = a; break }
                    if case .dense = s { break }
                    if case .residual = s { break }
                    if case .perPosition = s { break }
                    if case .maskedMean = s { break }
                }
                let chosen = initialization ?? Initialization.default(for: next)
                layer = Dense(inputWidth: width, outputWidth: units, bias: bias, initialization: chosen, random: &random)
            case .activation(let a, let slope, let shared):
                layer = a.makeLayer(width: width, leakySlope: slope ?? 0.01, sharedSlope: shared)
            case .batchNorm(let momentum, let epsilon):
                layer = BatchNorm(width: width, momentum: momentum, epsilon: epsilon)
            case .layerNorm(let epsilon):
                layer = LayerNorm(width: width, epsilon: epsilon)
            case .dropout(let p):
                layer = Dropout(width: width, p: p)
            case .residual(let inner):
                let block = try Sequential(inputWidth: width, layers: build(inner, width: width, random: &random))
                let firstActivation = inner.lazy.compactMap { s -> Activation? in
                    if case .activation(let a, _, _) = s { return a }
                    return nil
                }.first
                layer = Residual(block: block, initialization: Initialization.default(for: firstActivation),
                                 random: &random)
            case .perPosition(let length, let inner):
                let token = try ModelSpec.tokenWidth(of: width, length: length, key: "layers.\(i).length")
                let block = try Sequential(inputWidth: token, layers: build(inner, width: token, random: &random))
                layer = PerPosition(length: length, block: block)
            case .maskedMean(let length):
                let token = try ModelSpec.tokenWidth(of: width, length: length, key: "layers.\(i).length")
                layer = MaskedMeanPool(length: length, features: token)
            }
            result.append(layer)
            width = layer.outputWidth
        }
        return result
    }
}
