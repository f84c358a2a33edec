/// A named, ordered collection of float tensors, `Double` scalars and `UInt64` words:
/// everything a checkpoint holds, serialisable to a versioned byte payload.
///
/// Names are dotted as in tinygrad/PyTorch state dicts (`layers.3.weight`,
/// `optimizer.layers.3.weight.exp_avg`, `random`). The training loop may add its own
/// entries (data-loader position, epoch, best metric) next to the Trainer's. Values
/// round-trip bit-exactly (NaN payloads included): floats are stored as bit patterns.
public struct StateDict: Sendable {
    /// One stored value.
    public enum Value: Sendable {
        /// A float32 tensor: shape and row-major values.
        case tensor(shape: [Int], values: [Float])
        /// Double scalars (one or more).
        case scalars([Double])
        /// Unsigned 64-bit words (counters, RNG states).
        case words([UInt64])
    }

    /// Entry names in insertion order.
    public private(set) var names: [String] = []
    private var values: [String: Value] = [:]

    public init() {}

    /// The value stored under `name`, or nil.
    public subscript(name: String) -> Value? {
        get { values[name] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: name) == nil { names.append(name) }
            } else if values.removeValue(forKey: name) != nil {
                names.removeAll { $0 == name }
            }
        }
    }

    /// Stores a copy of `tensor`'s shape and values under `name`.
    public mutating func setTensor(_ name: String, _ tensor: Tensor) {
        self[name] = .tensor(shape: tensor.shape, values: tensor.values)
    }

    /// Stores `words` under `name`.
    public mutating func setWords(_ name: String, _ words: [UInt64]) { self[name] = .words(words) }

    /// Stores scalars under `name`.
    public mutating func setScalars(_ name: String, _ scalars: [Double]) { self[name] = .scalars(scalars) }

    /// The words under `name`, or nil when absent or of another kind.
    public func words(_ name: String) -> [UInt64]? {
        if case .words(let w) = values[name] { return w }
        return nil
    }

    /// The scalars under `name`, or nil when absent or of another kind.
    public func scalars(_ name: String) -> [Double]? {
        if case .scalars(let s) = values[name] { return s }
        return nil
    }

    /// Copies the tensor stored under `name` into `tensor`.
    /// - Throws: `TrainerError.stateMismatch` naming the entry when it is missing, not a
    ///   tensor, or of another shape.
    public func load(_ name: String, into tensor: Tensor) throws {
        guard let value = values[name] else {
            throw TrainerError.stateMismatch(name: name, message: "missing from the state (the model expects \(tensor.shape))")
        }
        guard case .tensor(let shape, let data) = value else {
            throw TrainerError.stateMismatch(name: name, message: "stored value is not a tensor")
        }
        guard shape == tensor.shape, data.count == tensor.count else {
            throw TrainerError.stateMismatch(name: name, message: "stored shape \(shape) but the model has \(tensor.shape)")
        }
        data.withUnsafeBufferPointer { tensor.data.update(from: $0.baseAddress!, count: data.count) }
    }

    /// `true` when both hold the same names in the same order with bit-identical values.
    public func isBitIdentical(to other: StateDict) -> Bool {
        guard names == other.names else { return false }
        for name in names {
            switch (values[name], other.values[name]) {
            case (.tensor(let s1, let v1)?, .tensor(let s2, let v2)?):
                guard s1 == s2, v1.map(\.bitPattern) == v2.map(\.bitPattern) else { return false }
            case (.scalars(let a)?, .scalars(let b)?):
                guard a.map(\.bitPattern) == b.map(\.bitPattern) else { return false }
            case (.words(let a)?, .words(let b)?):
                guard a == b else { return false }
            default:
                return false
            }
        }
        return true
    }
}
