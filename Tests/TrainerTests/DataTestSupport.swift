import Foundation
@testable import Trainer

/// A fresh temporary directory for fixture files.
func makeTemporaryDirectory() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("tracker-data-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// A tiny MNIST-style set: `count` images of `size`×`size` and labels `i % classes`.
func writeIDXFixture(in directory: String, part: String, count: Int, size: Int = 4, classes: Int = 3,
                     gzip: Bool = true, labelCount: Int? = nil) throws {
    let pixels = (0..<(count * size * size)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
    let images = IDXReader.encode(IDXArray(dimensions: [count, size, size], bytes: pixels))
    let n = labelCount ?? count
    let labels = IDXReader.encode(IDXArray(dimensions: [n], bytes: (0..<n).map { UInt8($0 % classes) }))
    let suffix = gzip ? ".gz" : ""
    try write(gzip ? try Gzip.compress(images) : images, to: "\(directory)/\(part)-images-idx3-ubyte\(suffix)")
    try write(gzip ? try Gzip.compress(labels) : labels, to: "\(directory)/\(part)-labels-idx1-ubyte\(suffix)")
}

/// A small image set with structure (a bright square), for augmentation tests.
func squareImages(count: Int, size: Int = 28) throws -> Dataset {
    var x = [Float](repeating: 0, count: count * size * size)
    for i in 0..<count {
        for y in 8..<20 { for c in (6 + i % 4)..<(18 + i % 4) { x[i * size * size + y * size + c] = 0.8 } }
    }
    return try Dataset(name: "squares", features: size * size, x: x, labels: (0..<count).map { Int32($0 % 2) },
                       numClasses: 2, imageShape: .init(height: size, width: size))
}
