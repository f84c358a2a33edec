import Foundation

/// An n-dimensional array of unsigned bytes read from an IDX file.
public struct IDXArray: Sendable, Equatable {
    /// Sizes, outermost first (for MNIST images: count, rows, columns).
    public var dimensions: [Int]
    /// Row-major element bytes; `bytes.count` is the product of `dimensions`.
    public var bytes: [UInt8]
}

/// Reads the IDX format of the MNIST family (LeCun et al.), plain or gzipped.
///
/// Layout: two zero bytes, an element type byte (0x08 = unsigned byte), a dimension count,
/// then one big-endian `UInt32` size per dimension, then the data. Every length is checked
/// before it is read, so a damaged file is an error, never a trap.
public enum IDXReader {
    static let elementTypeNames: [UInt8: String] = [
        0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16",
        0x0C: "int32", 0x0D: "float32", 0x0E: "float64",
    ]

    /// Reads and parses `path`, gunzipping when the file starts with the gzip magic number.
    public static func read(path: String) throws -> IDXArray {
        try parse(readBytes(path: path), path: path)
    }

    /// The bytes of `path`, inflated when gzipped.
    public static func readBytes(path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw DataError.unreadableFile(path: path, reason: reason)
        }
        let raw = [UInt8](data)
        return Gzip.isGzip(raw) ? try Gzip.decompress(raw, path: path) : raw
    }

    /// Parses IDX bytes; `path` names the source in errors.
    public static func parse(_ bytes: consuming [UInt8], path: String = "<memory>") throws -> IDXArray {
        guard bytes.count >= 4 else {
            throw DataError.truncated(path: path, expected: 4, actual: bytes.count)
        }
        guard bytes[0] == 0, bytes[1] == 0, elementTypeNames[bytes[2]] != nil, bytes[3] > 0 else {
            throw DataError.badMagic(path: path, found: Array(bytes.prefix(4)))
        }
        guard bytes[2] == 0x08 else {
            let name = elementTypeNames[bytes[2]] ?? "unknown"
            throw DataError.unsupportedIDX(
                path: path, reason: "element type \(name) is not supported; only unsigned bytes (as in MNIST)")
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataError.truncated(path: path, expected: headerSize, actual: bytes.count)
        }
        var dimensions: [Int] = []
        var total = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let size = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int(Int32.max) * 64 else {
                throw DataError.unsupportedIDX(path: path, reason: "dimensions \(dimensions + [size]) are implausibly large")
            }
            dimensions.append(size)
            total = product
        }
        let expected = headerSize + total
        guard bytes.count >= expected else {
            throw DataError.truncated(path: path, expected: expected, actual: bytes.count)
        }
        guard bytes.count == expected else {
            throw DataError.unsupportedIDX(
                path: path, reason: "\(bytes.count - expected) bytes after the data; the header's dimensions \(dimensions) do not match the file")
        }
        bytes.removeFirst(headerSize)  // in place when the caller handed the array over: no second copy of the file
        return IDXArray(dimensions: dimensions, bytes: bytes)
    }

    /// Serialises an array as IDX bytes (unsigned bytes), for fixtures and exports.
    public static func encode(_ array: IDXArray) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(truncatingIfNeeded: array.dimensions.count)]
        for d in array.dimensions {
            let v = UInt32(truncatingIfNeeded: d)
            out += [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
        }
        return out + array.bytes
    }
}
