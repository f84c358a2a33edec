/// A skip connection (He et al., 2016): `y = block(x) + x`, or `block(x) + x · P` with a
/// learned projection P [inputWidth, outputWidth] (no bias) when the block changes the width.
///
/// Gradient: `∂L/∂x = block.backward(g) + g` (or `+ g · Pᵀ` through the projection).
/// Children are named `block` and `projection` (`layers.2.block.layers.0.weight`).
public final class Residual: Layer {
    public let kind = "residual"
    public let block: any Layer
    public let projection: Dense?
    private var output: Tensor?
    private var gradInput: Tensor?

    public var inputWidth: Int { block.inputWidth }
    public var outputWidth: Int { block.outputWidth }

    /// Wraps `block`; a projection is created (from the init stream) when widths differ.
    public init(block: any Layer, initialization: Initialization = .xavierUniform, random: inout RandomStream) {
        self.block = block
        if block.inputWidth != block.outputWidth {
            projection = Dense(inputWidth: block.inputWidth, outputWidth: block.outputWidth, bias: false,
                               initialization: initialization, random: &random)
        } else {
            projection = nil
        }
    }

    public var children: [(name: String, layer: any Layer)] {
        var c: [(name: String, layer: any Layer)] = [("block", block)]
        if let projection { c.append(("projection", projection)) }
        return c
    }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        let inner = block.forward(input, context: &context)
        let skip = projection?.forward(input, context: &context) ?? input
        let out = Tensor.reusing(output, shape: inner.shape)
        output = out
        let a = inner.data, b = skip.data, y = out.data
        for i in 0..<out.count { y[i] = a[i] + b[i] }
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        let throughBlock = block.backward(gradOutput, needsInputGradient: needsInputGradient)
        let throughSkip = projection.map { $0.backward(gradOutput, needsInputGradient: needsInputGradient) }
            ?? gradOutput
        guard needsInputGradient, let throughBlock, let throughSkip else { return nil }
        let gx = Tensor.reusing(gradInput, shape: throughBlock.shape)
        gradInput = gx
        let a = throughBlock.data, b = throughSkip.data, d = gx.data
        for i in 0..<gx.count { d[i] = a[i] + b[i] }
        return gx
    }
}
