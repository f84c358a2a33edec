/// One block applied to every position of a padded sequence with the same weights (a
/// "position-wise feed-forward" layer, as in a Transformer): the weights are shared, so a
/// Dense inside has `token × units` parameters whatever the length.
///
/// Rows hold a sequence and its mask (`SequenceShape`): `[x₀ … x_{L−1} | m₀ … m_{L−1}]`
/// with `x_p` of `block.inputWidth` features. The L positions of a batch of B rows are
/// stacked into one [B·L, token] tensor for the block — so a BatchNorm inside computes its
/// statistics over every position of the batch, pads included, as a naive BatchNorm over a
/// padded batch does, while a LayerNorm normalises each position alone. The output row is
/// the block's outputs for the L positions followed by the mask, unchanged, for the layers
/// after (`MaskedMeanPool`).
///
/// Shapes: input [B, L·(token + 1)], output [B, L·(block.outputWidth + 1)]. Backward
/// passes the mask's gradient through unchanged (the copy is an identity); nothing
/// upstream uses it. The block is the child `block` (`layers.0.block.layers.0.weight`).
public final class PerPosition: Layer {
    public let kind = "per_position"
    public let length: Int
    public let block: any Layer

    private var tokens: Tensor?
    private var output: Tensor?
    private var gradTokens: Tensor?
    private var gradInput: Tensor?
    private var batch = 0

    /// Wraps `block` for sequences of `length` positions.
    public init(length: Int, block: any Layer) {
        precondition(length > 0, "PerPosition needs at least one position")
        self.length = length
        self.block = block
    }

    public var inputWidth: Int { length * (block.inputWidth + 1) }
    public var outputWidth: Int { length * (block.outputWidth + 1) }
    public var children: [(name: String, layer: any Layer)] { [("block", block)] }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.shape.count == 2 && input.columns == inputWidth,
                     "PerPosition expects [batch, \(inputWidth)], got \(input.shape)")
        let b = input.rows, l = length, d = block.inputWidth, width = inputWidth
        batch = b
        let stacked = Tensor.reusing(tokens, shape: [b * l, d])
        tokens = stacked
        // The tokens of a row are its first L·d values, in position order: one copy a row.
        for r in 0..<b { (stacked.data + r * l * d).update(from: input.data + r * width, count: l * d) }
        let y = block.forward(stacked, context: &context)
        let e = block.outputWidth, outWidth = outputWidth
        let out = Tensor.reusing(output, shape: [b, outWidth])
        output = out
        for r in 0..<b {
            (out.data + r * outWidth).update(from: y.data + r * l * e, count: l * e)
            (out.data + r * outWidth + l * e).update(from: input.data + r * width + l * d, count: l)
        }
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        precondition(tokens != nil, "PerPosition.backward before forward")
        let b = batch, l = length, e = block.outputWidth, outWidth = outputWidth
        precondition(gradOutput.shape == [b, outWidth], "PerPosition gradient shape \(gradOutput.shape)")
        let gy = Tensor.reusing(gradTokens, shape: [b * l, e])
        gradTokens = gy
        for r in 0..<b { (gy.data + r * l * e).update(from: gradOutput.data + r * outWidth, count: l * e) }
        let gTokens = block.backward(gy, needsInputGradient: needsInputGradient)
        guard needsInputGradient, let gTokens else { return nil }
        let d = block.inputWidth, width = inputWidth
        let gx = Tensor.reusing(gradInput, shape: [b, width])
        gradInput = gx
        for r in 0..<b {
            (gx.data + r * width).update(from: gTokens.data + r * l * d, count: l * d)
            (gx.data + r * width + l * d).update(from: gradOutput.data + r * outWidth + l * e, count: l)
        }
        return gx
    }
}
