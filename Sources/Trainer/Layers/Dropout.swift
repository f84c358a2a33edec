import CKernels
/// Inverted dropout (Srivastava et al., 2014): in training each element is zeroed with
/// probability `p` and the survivors are scaled by `1 / (1 − p)`, so the expectation is
/// unchanged; in evaluation the layer is the identity.
///
/// `p` is the drop probability, as in PyTorch's `nn.Dropout`. A fresh mask is drawn for
/// every sample on every training pass from the context's `dropout` stream, one draw per
/// element, so nothing else (initial weights, data order) depends on `p`.
public final class Dropout: Layer {
    public let kind = "dropout"
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// Drop probability in [0, 1).
    public let p: Float
    /// The last training pass's mask (0 or 1/(1−p) per element); `nil` after an identity pass.
    public private(set) var mask: Tensor?
    private var output: Tensor?
    private var gradInput: Tensor?
    private var identity = true

    public init(width: Int, p: Float) {
        precondition(p >= 0 && p < 1, "Dropout p must be in [0, 1)")
        inputWidth = width
        self.p = p
    }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.columns == inputWidth, "Dropout expects width \(inputWidth), got \(input.shape)")
        identity = !context.training || p == 0
        if identity { return input }
        let m = Tensor.reusing(mask, shape: input.shape)
        let out = Tensor.reusing(output, shape: input.shape)
        mask = m; output = out
        let keep = 1 / (1 - p), drop = p
        let md = m.data, x = input.data, y = out.data
        // One draw a element from the dropout stream, u < p drops (C: the same xoshiro256** steps).
        let s = context.random.dropout.state
        var words: (UInt64, UInt64, UInt64, UInt64) = (s.0, s.1, s.2, s.3)
        withUnsafeMutableBytes(of: &words) { raw in
            guard let w = raw.baseAddress?.assumingMemoryBound(to: UInt64.self) else { return }
            tracker_dropout_forward(x, y, md, input.count, drop, keep, w)
        }
        context.random.dropout = RandomStream(state: words)
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        if identity { return gradOutput }
        guard let mask else { preconditionFailure("Dropout.backward before forward") }
        precondition(gradOutput.shape == mask.shape)
        let gx = Tensor.reusing(gradInput, shape: mask.shape)
        gradInput = gx
        let m = mask.data, g = gradOutput.data, d = gx.data
        tracker_multiply(g, m, d, mask.count)
        return gx
    }
}
