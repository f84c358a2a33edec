import CKernels

/// A dataset held in memory: `count` samples of `features` values each, as Float32 or — for
/// 8-bit images — as the bytes k that stand for k / 255 (`FeatureValues.unitBytes`, a quarter
/// of the memory, converted a batch at a time by `copyRow`; the same Float32 values
/// `Float(k) / 255` either way).
///
/// Classification sets carry one `Int32` label a sample (`labels`, `numClasses > 0`);
/// regression sets carry `targetWidth` Float32 targets a sample (`targets`). Image sets
/// also carry their `imageShape` so augmentation knows the pixel grid. Plain arrays on
/// purpose: the data layer depends on no tensor type.
public struct Dataset: Sendable, Equatable {
    /// Image height and width of a single-channel image set.
    public struct ImageShape: Sendable, Equatable, Codable {
        public var height: Int
        public var width: Int
        public init(height: Int, width: Int) { self.height = height; self.width = width }
    }

    /// Short description of where the data came from (for logs, not for the fingerprint).
    public var name: String
    /// Values a sample (784 for 28×28 images).
    public let features: Int
    /// Number of samples.
    public let count: Int
    /// How the `count × features` values are held, row-major.
    public enum FeatureValues: Sendable, Equatable {
        case float([Float])
        /// The bytes k of 8-bit images, standing for `Float(k) / 255`.
        case unitBytes([UInt8])
    }

    /// The values as they are held.
    public private(set) var values: FeatureValues

    /// `count × features` values, row-major, as Float32. For a byte set this builds the whole
    /// Float32 array (four times its memory); the training and evaluation paths read rows
    /// through `copyRow` instead. Setting it stores Float32 values.
    public var x: [Float] {
        get {
            switch values {
            case .float(let v): return v
            case .unitBytes(let b): return IDXDataset.scaled(b)
            }
        }
        set { values = .float(newValue) }
    }
    /// One label a sample in `0..<numClasses` (empty for regression).
    public var labels: [Int32]
    /// `count × targetWidth` values (empty for classification).
    public var targets: [Float]
    /// Number of classes (0 for regression).
    public let numClasses: Int
    /// Targets a sample (0 for classification).
    public let targetWidth: Int
    /// The pixel grid when the samples are single-channel images.
    public let imageShape: ImageShape?
    /// The layout when each sample is a padded sequence with its mask (`SequenceData`).
    public let sequenceShape: SequenceShape?

    /// A classification set. Fails when the array sizes or labels do not fit.
    public init(name: String, features: Int, x: [Float], labels: [Int32], numClasses: Int,
                imageShape: ImageShape? = nil, sequenceShape: SequenceShape? = nil) throws {
        try self.init(name: name, features: features, values: .float(x), valueCount: x.count, labels: labels,
                      numClasses: numClasses, imageShape: imageShape, sequenceShape: sequenceShape)
    }

    /// A classification set of 8-bit images held as their bytes (value k stands for k / 255).
    public init(name: String, features: Int, bytes: [UInt8], labels: [Int32], numClasses: Int,
                imageShape: ImageShape? = nil) throws {
        try self.init(name: name, features: features, values: .unitBytes(bytes), valueCount: bytes.count, labels: labels,
                      numClasses: numClasses, imageShape: imageShape, sequenceShape: nil)
    }

    /// Both classification initialisers: every check, whichever way the values are held.
    private init(name: String, features: Int, values: FeatureValues, valueCount: Int, labels: [Int32], numClasses: Int,
                 imageShape: ImageShape?, sequenceShape: SequenceShape?) throws {
        let (expected, overflow) = labels.count.multipliedReportingOverflow(by: features)
        guard features > 0, !overflow, valueCount == expected else {
            throw DataError.invalidRequest(
                "\(name): \(valueCount) values do not make \(labels.count) samples of \(features) features")
        }
        if let bad = labels.first(where: { $0 < 0 || Int($0) >= numClasses }) {
            throw DataError.invalidRequest("\(name): label \(bad) is outside 0..<\(numClasses)")
        }
        try Dataset.checkShape(imageShape, features: features, name: name)
        if let sequenceShape, sequenceShape.features != features {
            throw DataError.invalidRequest(
                "\(name): \(sequenceShape.length) positions of \(sequenceShape.token) features and a mask do not make \(features) features")
        }
        self.name = name; self.features = features; self.count = labels.count
        self.values = values; self.labels = labels; self.targets = []
        self.numClasses = numClasses; self.targetWidth = 0; self.imageShape = imageShape
        self.sequenceShape = sequenceShape
    }

    /// Writes sample `index`'s `features` values, as Float32, to `destination`.
    @inline(__always)
    public func copyRow(_ index: Int, into destination: UnsafeMutablePointer<Float>) {
        let f = features
        switch values {
        case .float(let v):
            v.withUnsafeBufferPointer { all in
                guard let base = all.baseAddress else { return }
                destination.update(from: base + index * f, count: f)
            }
        case .unitBytes(let b):
            b.withUnsafeBufferPointer { all in
                guard let base = all.baseAddress else { return }
                tracker_unit_bytes_to_float(base + index * f, destination, f)
            }
        }
    }

    /// Same samples, labels, targets and shapes; the values compared as Float32 whichever way
    /// each side holds them.
    public static func == (a: Dataset, b: Dataset) -> Bool {
        guard a.name == b.name, a.features == b.features, a.count == b.count, a.labels == b.labels,
              a.targets == b.targets, a.numClasses == b.numClasses, a.targetWidth == b.targetWidth,
              a.imageShape == b.imageShape, a.sequenceShape == b.sequenceShape else { return false }
        switch (a.values, b.values) {
        case (.float(let x), .float(let y)): return x == y
        case (.unitBytes(let x), .unitBytes(let y)): return x == y
        default: return a.x == b.x
        }
    }

    /// A regression set with `targetWidth` targets a sample.
    public init(name: String, features: Int, x: [Float], targets: [Float], targetWidth: Int,
                imageShape: ImageShape? = nil) throws {
        guard features > 0, targetWidth > 0, x.count % features == 0,
              targets.count == x.count / features * targetWidth else {
            throw DataError.invalidRequest(
                "\(name): \(x.count) values and \(targets.count) targets do not make samples of "
                    + "\(features) features and \(targetWidth) targets")
        }
        try Dataset.checkShape(imageShape, features: features, name: name)
        self.name = name; self.features = features; self.count = x.count / features
        self.values = .float(x); self.labels = []; self.targets = targets
        self.numClasses = 0; self.targetWidth = targetWidth; self.imageShape = imageShape
        self.sequenceShape = nil
    }

    private static func checkShape(_ shape: ImageShape?, features: Int, name: String) throws {
        guard let shape else { return }
        guard shape.height > 0, shape.width > 0, shape.height * shape.width == features else {
            throw DataError.invalidRequest(
                "\(name): image shape \(shape.height)×\(shape.width) does not hold \(features) features")
        }
    }

    /// True for classification sets.
    public var isClassification: Bool { numClasses > 0 }

    /// Samples of each class, indexed by label (empty for regression).
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: numClasses)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// The samples at `indices`, in that order. Indices must be in `0..<count`.
    public func selecting(_ indices: [Int], name: String? = nil) throws -> Dataset {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw DataError.invalidRequest("\(self.name): sample index \(bad) is outside 0..<\(count)")
        }
        if case .unitBytes(let bytes) = values, isClassification {
            let f = features
            var newBytes = [UInt8](repeating: 0, count: indices.count * f)
            bytes.withUnsafeBufferPointer { src in
                newBytes.withUnsafeMutableBufferPointer { dst in
                    guard let from = src.baseAddress, let to = dst.baseAddress else { return }
                    for (row, i) in indices.enumerated() { (to + row * f).update(from: from + i * f, count: f) }
                }
            }
            return try Dataset(name: name ?? self.name, features: f, bytes: newBytes, labels: indices.map { labels[$0] },
                               numClasses: numClasses, imageShape: imageShape)
        }
        var newX = [Float](repeating: 0, count: indices.count * features)
        newX.withUnsafeMutableBufferPointer { dst in
            guard let to = dst.baseAddress else { return }
            for (row, i) in indices.enumerated() { copyRow(i, into: to + row * features) }
        }
        if isClassification {
            return try Dataset(name: name ?? self.name, features: features, x: newX,
                               labels: indices.map { labels[$0] }, numClasses: numClasses, imageShape: imageShape,
                               sequenceShape: sequenceShape)
        }
        var newTargets = [Float]()
        newTargets.reserveCapacity(indices.count * targetWidth)
        for i in indices { newTargets += targets[(i * targetWidth)..<((i + 1) * targetWidth)] }
        return try Dataset(name: name ?? self.name, features: features, x: newX,
                           targets: newTargets, targetWidth: targetWidth, imageShape: imageShape)
    }

    /// The same samples read as images of `shape` (a CSV whose columns are pixels).
    public func withImageShape(_ shape: ImageShape) throws -> Dataset {
        if case .unitBytes(let b) = values, isClassification {
            return try Dataset(name: name, features: features, bytes: b, labels: labels, numClasses: numClasses, imageShape: shape)
        }
        if isClassification {
            return try Dataset(name: name, features: features, x: x, labels: labels, numClasses: numClasses, imageShape: shape)
        }
        return try Dataset(name: name, features: features, x: x, targets: targets, targetWidth: targetWidth, imageShape: shape)
    }
}
