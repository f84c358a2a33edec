import Foundation

/// Loads the MNIST family (MNIST, Fashion-MNIST, KMNIST, ...) from a directory of IDX files.
///
/// Looks for `train-images-idx3-ubyte` / `train-labels-idx1-ubyte` (and `t10k-...` for the
/// test part), gzipped (`.gz`) or not, also in the `train-images.idx3-ubyte` spelling.
/// Pixels are scaled to [0, 1] by dividing by 255 (held as the bytes, see `Dataset.FeatureValues`).
public enum IDXDataset {
    /// Where the Debian package `dataset-fashion-mnist` installs Fashion-MNIST.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"
    /// The Debian package that provides `fashionMNISTDirectory`.
    public static let fashionMNISTPackage = "dataset-fashion-mnist"

    /// The two parts of an MNIST-style directory.
    public enum Part: String, Sendable, CaseIterable {
        case train, test
        var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// Loads one part of the set in `directory`; `package` names the Debian package to
    /// suggest when the directory is missing.
    public static func load(directory: String, part: Part, package: String? = nil,
                            name: String = "idx") throws -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError.missingDirectory(path: directory, package: package)
        }
        let imagesPath = try findFile(in: directory, prefix: part.filePrefix, kind: "images", rank: 3)
        let labelsPath = try findFile(in: directory, prefix: part.filePrefix, kind: "labels", rank: 1)
        let images = try IDXReader.read(path: imagesPath)
        let labels = try IDXReader.read(path: labelsPath)
        return try dataset(images: images, labels: labels, name: "\(name)/\(part.rawValue)",
                           imagesPath: imagesPath, labelsPath: labelsPath)
    }

    /// True when `directory` holds both parts of an MNIST-style set.
    public static func isAvailable(directory: String) -> Bool {
        Part.allCases.allSatisfy { part in
            (try? findFile(in: directory, prefix: part.filePrefix, kind: "images", rank: 3)) != nil
                && (try? findFile(in: directory, prefix: part.filePrefix, kind: "labels", rank: 1)) != nil
        }
    }

    /// Combines an image array (count × rows × columns, or count × features) and a label
    /// array (count) into a classification set with pixels scaled to [0, 1].
    public static func dataset(images: IDXArray, labels: IDXArray, name: String,
                               imagesPath: String = "images", labelsPath: String = "labels") throws -> Dataset {
        guard images.dimensions.count >= 2, let count = images.dimensions.first else {
            throw DataError.unsupportedIDX(
                path: imagesPath, reason: "images need at least 2 dimensions (count, pixels), found \(images.dimensions)")
        }
        guard labels.dimensions.count == 1 else {
            throw DataError.unsupportedIDX(
                path: labelsPath, reason: "labels need 1 dimension (count), found \(labels.dimensions)")
        }
        guard labels.dimensions[0] == count else {
            throw DataError.countMismatch(images: count, labels: labels.dimensions[0], path: labelsPath)
        }
        let features = images.dimensions.dropFirst().reduce(1, *)
        guard features > 0 else {
            throw DataError.unsupportedIDX(path: imagesPath, reason: "images have zero pixels")
        }
        var shape: Dataset.ImageShape?
        if images.dimensions.count == 3 {
            shape = Dataset.ImageShape(height: images.dimensions[1], width: images.dimensions[2])
        }
        let labelValues = labels.bytes.map { Int32($0) }
        let numClasses = Int(labelValues.max() ?? 0) + 1
        // Kept as the bytes they are (a quarter of Float32's memory), converted a batch at a time.
        return try Dataset(name: name, features: features, bytes: images.bytes, labels: labelValues,
                           numClasses: numClasses, imageShape: shape)
    }

    /// Bytes divided by 255.
    static func scaled(_ bytes: [UInt8]) -> [Float] {
        [Float](unsafeUninitializedCapacity: bytes.count) { out, initialized in
            bytes.withUnsafeBufferPointer { src in
                for i in 0..<src.count { out[i] = Float(src[i]) / 255 }
            }
            initialized = bytes.count
        }
    }

    static func findFile(in directory: String, prefix: String, kind: String, rank: Int) throws -> String {
        let stems = ["\(prefix)-\(kind)-idx\(rank)-ubyte", "\(prefix)-\(kind).idx\(rank)-ubyte"]
        let candidates = stems.flatMap { [$0 + ".gz", $0] }
        for name in candidates {
            let path = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw DataError.unreadableFile(
            path: (directory as NSString).appendingPathComponent(candidates[0]),
            reason: "no such file (also tried \(candidates.dropFirst().joined(separator: ", ")))")
    }
}
