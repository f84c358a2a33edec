/// The byte payload of a `StateDict` (format version 1), little-endian:
///
/// ```
/// "TRKSTATE"  u32 version  u32 entryCount
/// per entry:  u32 nameLength  name(UTF-8)  u8 kind (1 tensor, 2 scalars, 3 words)
///   tensor:   u32 rank  u64 × rank dims  f32 bit patterns
///   scalars:  u64 count  f64 bit patterns
///   words:    u64 count  u64 values
/// u64 FNV-1a checksum of all preceding bytes
/// ```
extension StateDict {
    static let magic = Array("TRKSTATE".utf8)
    /// The payload format version this build writes and reads.
    public static let formatVersion: UInt32 = 1

    /// The versioned byte payload.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(estimatedSize)
        out += Self.magic
        append(Self.formatVersion, to: &out)
        append(UInt32(names.count), to: &out)
        for name in names {
            guard let value = self[name] else { continue }
            let utf8 = Array(name.utf8)
            append(UInt32(utf8.count), to: &out)
            out += utf8
            switch value {
            case .tensor(let shape, let values):
                out.append(1)
                append(UInt32(shape.count), to: &out)
                for d in shape { append(UInt64(d), to: &out) }
                for v in values { append(v.bitPattern, to: &out) }
            case .scalars(let s):
                out.append(2)
                append(UInt64(s.count), to: &out)
                for v in s { append(v.bitPattern, to: &out) }
            case .words(let w):
                out.append(3)
                append(UInt64(w.count), to: &out)
                for v in w { append(v, to: &out) }
            }
        }
        append(Self.checksum(out[...]), to: &out)
        return out
    }

    /// Reads a payload written by `serialized()`.
    /// - Throws: `TrainerError.corruptState` for a damaged, truncated or unknown-version payload.
    public init(payload bytes: [UInt8]) throws {
        self.init()
        guard bytes.count >= Self.magic.count + 16, Array(bytes[0..<8]) == Self.magic else {
            throw TrainerError.corruptState("not a tracker state payload (bad magic)")
        }
        let body = bytes[0..<(bytes.count - 8)]
        var tail = PayloadReader(bytes: bytes, offset: bytes.count - 8)
        guard try tail.u64() == Self.checksum(body) else {
            throw TrainerError.corruptState("checksum mismatch (the payload is damaged)")
        }
        var r = PayloadReader(bytes: Array(body), offset: 8)
        let version = try r.u32()
        guard version == Self.formatVersion else {
            throw TrainerError.corruptState("format version \(version); this build reads version \(Self.formatVersion)")
        }
        let count = try r.u32()
        for _ in 0..<count {
            let name = try r.string(length: Int(try r.u32()))
            guard self[name] == nil else { throw TrainerError.corruptState("entry '\(name)' appears twice") }
            switch try r.u8() {
            case 1:
                let rank = Int(try r.u32())
                guard rank <= 16 else { throw TrainerError.corruptState("\(name): rank \(rank)") }
                var shape: [Int] = []
                var n = 1
                for _ in 0..<rank {
                    let d = try r.u64()
                    guard d <= UInt64(r.remaining) else { throw TrainerError.corruptState("\(name): extent \(d)") }
                    shape.append(Int(d))
                    let (product, overflow) = n.multipliedReportingOverflow(by: Int(d))
                    guard !overflow, product <= r.remaining / 4 else { throw TrainerError.corruptState("\(name): shape \(shape) is larger than the payload") }
                    n = product
                }
                try r.require(n * 4, name)
                var values = [Float](repeating: 0, count: n)
                for i in 0..<n { values[i] = Float(bitPattern: try r.u32()) }
                self[name] = .tensor(shape: shape, values: values)
            case 2:
                let n = try r.count(elementSize: 8, name)
                self[name] = .scalars(try (0..<n).map { _ in Double(bitPattern: try r.u64()) })
            case 3:
                let n = try r.count(elementSize: 8, name)
                self[name] = .words(try (0..<n).map { _ in try r.u64() })
            case let kind:
                throw TrainerError.corruptState("\(name): unknown entry kind \(kind)")
            }
        }
        guard r.remaining == 0 else { throw TrainerError.corruptState("\(r.remaining) trailing bytes") }
    }

    private var estimatedSize: Int {
        names.reduce(32) { total, name in
            switch self[name] {
            case .tensor(let s, let v)?: return total + name.utf8.count + 16 + 8 * s.count + 4 * v.count
            case .scalars(let s)?: return total + name.utf8.count + 16 + 8 * s.count
            case .words(let w)?: return total + name.utf8.count + 16 + 8 * w.count
            case nil: return total
            }
        }
    }

    private func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

/// A bounds-checked little-endian reader.
struct PayloadReader {
    let bytes: [UInt8]
    var offset: Int

    var remaining: Int { bytes.count - offset }

    func require(_ n: Int, _ what: String) throws {
        guard n >= 0, n <= remaining else { throw TrainerError.corruptState("truncated at \(what)") }
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
        try require(MemoryLayout<T>.size, "offset \(offset)")
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(bytes[offset + i]) << (8 * i) }
        offset += MemoryLayout<T>.size
        return v
    }

    mutating func u8() throws -> UInt8 { try integer(UInt8.self) }
    mutating func u32() throws -> UInt32 { try integer(UInt32.self) }
    mutating func u64() throws -> UInt64 { try integer(UInt64.self) }

    mutating func count(elementSize: Int, _ name: String) throws -> Int {
        let n = try u64()
        guard n <= UInt64(remaining / elementSize) else { throw TrainerError.corruptState("\(name): count \(n)") }
        return Int(n)
    }

    mutating func string(length: Int) throws -> String {
        try require(length, "a name")
        let s = String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
        offset += length
        return s
    }
}
