/// A float32 tensor in contiguous row-major storage, with reference semantics.
///
/// Like a `torch.Tensor`, a `Tensor` is a handle on a buffer: assigning it shares the
/// buffer, `copy()` makes an independent one. Layers keep their outputs and gradients in
/// tensors they reuse from step to step, so a tensor returned by `forward` or `backward`
/// is overwritten by the layer's next pass (copy it to keep it).
///
/// Shapes are checked: building a tensor from values of the wrong count throws, and the
/// kernels check their operands' shapes with preconditions (an internal invariant).
public final class Tensor {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// Number of elements (the product of `shape`).
    public private(set) var count: Int
    /// The elements, `count` of them, 32-byte aligned.
    public let data: UnsafeMutablePointer<Float>
    private let capacity: Int

    /// A zero-filled tensor of `shape`.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        capacity = Swift.max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: capacity * MemoryLayout<Float>.stride, alignment: 32)
        data = raw.initializeMemory(as: Float.self, repeating: 0, count: capacity)
    }

    /// A tensor of `shape` filled with `value`.
    public convenience init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        if value != 0 { data.update(repeating: value, count: count) }
    }

    /// A tensor of `shape` holding `values` in row-major order.
    /// - Throws: `TrainerError.shapeMismatch` when `values.count` is not the product of `shape`.
    public convenience init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw TrainerError.shapeMismatch(
                "\(values.count) values do not fill a tensor of shape \(shape)")
        }
        self.init(zeros: shape)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { data.deallocate() }

    /// Rows of a 2-D tensor (the batch dimension).
    @inlinable public var rows: Int { shape[0] }
    /// Columns of a 2-D tensor (features); 1 for a 1-D tensor.
    @inlinable public var columns: Int { shape.count > 1 ? shape[1] : 1 }

    /// The elements as a buffer pointer.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    /// The element at flat index `i`.
    @inlinable public subscript(i: Int) -> Float {
        get { precondition(i >= 0 && i < count); return data[i] }
        set { precondition(i >= 0 && i < count); data[i] = newValue }
    }

    /// The element at row `r`, column `c` of a 2-D tensor.
    @inlinable public subscript(r: Int, c: Int) -> Float {
        get { precondition(r >= 0 && r < rows && c >= 0 && c < columns); return data[r * columns + c] }
        set { precondition(r >= 0 && r < rows && c >= 0 && c < columns); data[r * columns + c] = newValue }
    }

    /// The elements as an array (a copy).
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// An independent tensor with the same shape and elements.
    public func copy() -> Tensor {
        let t = Tensor(zeros: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// Copies `other`'s elements into this tensor; the shapes must be equal.
    public func assign(from other: Tensor) {
        precondition(other.shape == shape, "assign: shape \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) { data.update(repeating: value, count: count) }

    /// Changes the shape in place when the new element count fits the allocation.
    /// - Returns: `false` (and leaves the tensor alone) when it does not fit.
    @discardableResult
    public func reshape(_ newShape: [Int]) -> Bool {
        let n = newShape.reduce(1, *)
        guard newShape.allSatisfy({ $0 >= 0 }), n <= capacity else { return false }
        shape = newShape
        count = n
        return true
    }

    /// Returns `tensor` reshaped to `shape` when it fits its allocation, else a new zero tensor.
    /// The helper behind layers' reusable output buffers.
    @inlinable
    public static func reusing(_ tensor: Tensor?, shape: [Int]) -> Tensor {
        if let tensor, tensor.shape == shape || tensor.reshape(shape) { return tensor }
        return Tensor(zeros: shape)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = values.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(\(shape): [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
