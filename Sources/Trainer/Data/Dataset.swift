/// A dataset held in memory: `count` samples of `features` Float32 values each.
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
    /// `count × features` values, row-major.
    public var x: [Float]
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
        guard features > 0, x.count == labels.count * features else {
            throw DataError.invalidRequest(
                "\(name): \(x.count) values do not make \(labels.count) samples of \(features) features")
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
        self.x = x; self.labels = labels; self.targets = []
        self.numClasses = numClasses; self.targetWidth = 0; self.imageShape = imageShape
        self.sequenceShape = sequenceShape
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
        self.x = x; self.labels = []; self.targets = targets
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
        var newX = [Float](repeating: 0, count: indices.count * features)
        x.withUnsafeBufferPointer { src in
            newX.withUnsafeMutableBufferPointer { dst in
                guard let from = src.baseAddress, let to = dst.baseAddress else { return }
                for (row, i) in indices.enumerated() {
                    (to + row * features).update(from: from + i * features, count: features)
                }
            }
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
        if isClassification {
            return try Dataset(name: name, features: features, x: x, labels: labels, numClasses: numClasses, imageShape: shape)
        }
        return try Dataset(name: name, features: features, x: x, targets: targets, targetWidth: targetWidth, imageShape: shape)
    }
}
