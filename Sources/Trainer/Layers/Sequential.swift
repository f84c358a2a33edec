/// Layers applied one after another; children are named `layers.0`, `layers.1`, ….
///
/// Backward runs in reverse and asks the first layer for an input gradient only when
/// the caller needs one (a model's input never does), which saves the largest product
/// of a typical MLP's backward pass.
public final class Sequential: Layer {
    public let kind = "sequential"
    public let layers: [any Layer]
    public let inputWidth: Int

    /// Chains `layers`; each layer's input width must equal the previous output width.
    /// - Throws: `TrainerError.shapeMismatch` naming the first layer that does not fit.
    public init(inputWidth: Int, layers: [any Layer]) throws {
        var width = inputWidth
        for (i, layer) in layers.enumerated() {
            guard layer.inputWidth == width else {
                throw TrainerError.shapeMismatch(
                    "layers.\(i) (\(layer.kind)) takes width \(layer.inputWidth) but receives \(width)")
            }
            width = layer.outputWidth
        }
        self.inputWidth = inputWidth
        self.layers = layers
    }

    public var outputWidth: Int { layers.last?.outputWidth ?? inputWidth }

    public var children: [(name: String, layer: any Layer)] {
        layers.enumerated().map { ("layers.\($0.offset)", $0.element) }
    }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        var x = input
        for layer in layers { x = layer.forward(x, context: &context) }
        return x
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        var g: Tensor? = gradOutput
        var i = layers.count - 1
        while i >= 0 {
            guard let current = g else { preconditionFailure("missing gradient at layers.\(i)") }
            g = layers[i].backward(current, needsInputGradient: i > 0 || needsInputGradient)
            i -= 1
        }
        return needsInputGradient ? g : nil
    }
}
