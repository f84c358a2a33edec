import Tracker

/// The dataset fingerprint stored on a run: SHA-256 (hex) over the bytes actually used.
///
/// Hashed in order: the spec string (subset, split and preprocessing, canonical), then for
/// each part its shape (count, features, classes, target width, image shape) and its
/// values — features as little-endian Float32, labels as little-endian Int32, targets as
/// Float32. Features that are all exactly k/255 (8-bit images scaled to [0, 1]) are hashed
/// as the bytes k instead, tagged `u8`: the same information in a quarter of the bytes,
/// which keeps fingerprinting Fashion-MNIST near a second. Names, paths and augmentation are left out: the same bytes under the same split
/// give the same fingerprint wherever they were read from, and any changed byte or split
/// gives another.
public enum Fingerprint {
    public static func of(_ parts: [Dataset], spec: String) -> String {
        var hash = SHA256()
        hash.update(Array("tracker-dataset-v1\n\(spec)\n".utf8))
        for part in parts {
            let shape = [part.count, part.features, part.numClasses, part.targetWidth,
                         part.imageShape?.height ?? 0, part.imageShape?.width ?? 0]
            let bytes: [UInt8]?
            if case .unitBytes(let b) = part.values { bytes = b } else { bytes = byteEncoding(part.x) }
            let tag = bytes == nil ? "f32" : "u8"
            hash.update(Array("part \(tag) \(shape.map(String.init).joined(separator: " "))\n".utf8))
            // x86-64 and arm64 are little-endian, so native bytes are the canonical bytes.
            if let bytes {
                bytes.withUnsafeBytes { hash.update(bufferPointer: $0) }
            } else {
                part.x.withUnsafeBytes { hash.update(bufferPointer: $0) }
            }
            part.labels.withUnsafeBytes { hash.update(bufferPointer: $0) }
            part.targets.withUnsafeBytes { hash.update(bufferPointer: $0) }
        }
        return hash.finalize().hexString
    }

    /// The bytes k with x[i] == Float(k) / 255 for every i, or nil when some value is not of that form.
    static func byteEncoding(_ x: [Float]) -> [UInt8]? {
        var exact = true
        let bytes = [UInt8](unsafeUninitializedCapacity: x.count) { out, initialized in
            x.withUnsafeBufferPointer { values in
                for i in 0..<values.count {
                    let v = values[i]
                    guard v >= 0, v <= 1 else { exact = false; break }
                    let k = UInt8(v * 255 + 0.5)
                    guard Float(k) / 255 == v else { exact = false; break }
                    out[i] = k
                }
            }
            initialized = exact ? x.count : 0
        }
        return exact ? bytes : nil
    }
}
