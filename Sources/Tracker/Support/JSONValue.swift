import Foundation

/// A JSON document as a value, with the canonical form used for run configs:
/// object keys sorted by their UTF-8 bytes, no whitespace, integers without a fraction.
public enum JSONValue: Sendable, Equatable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value") }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses JSON text.
    public static func parse(_ text: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw TrackerError.invalidArgument("invalid JSON: \(error)")
        }
    }

    /// The value of any `Encodable` as JSON.
    public static func from<T: Encodable>(_ value: T) throws -> JSONValue {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Decodes this value as `T`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(canonical.utf8))
    }

    /// Canonical text: sorted keys, no whitespace. Equal configs give equal text and hash.
    public var canonical: String {
        var out = JSONBytes()
        write(into: &out)
        return out.string
    }

    /// `canonical` as UTF-8 bytes (a response body without a String copy).
    public var canonicalUTF8: [UInt8] {
        var out = JSONBytes()
        write(into: &out)
        return out.bytes
    }

    /// SHA-256 of the canonical text, hex.
    public var canonicalHash: String { SHA256.hex(canonical) }

    /// Indented text for people, keys sorted.
    public var pretty: String { String(decoding: prettyUTF8, as: UTF8.self) }

    /// `pretty` as UTF-8 bytes (for writing large documents without a String copy).
    public var prettyUTF8: [UInt8] {
        var out = JSONBytes()
        writePretty(into: &out, indent: 0)
        return out.bytes
    }

    private func write(into out: inout JSONBytes) {
        switch self {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(String(i))
        case .double(let d): out.append(JSONValue.format(d))
        case .string(let s): out.quote(s)
        case .array(let a):
            out.byte(0x5B)  // [
            for (i, v) in a.enumerated() { if i > 0 { out.byte(0x2C) }; v.write(into: &out) }
            out.byte(0x5D)
        case .object(let o):
            out.byte(0x7B)  // {
            for (i, k) in JSONValue.sortedKeys(o).enumerated() {
                if i > 0 { out.byte(0x2C) }
                out.quote(k)
                out.byte(0x3A)
                o[k]?.write(into: &out)
            }
            out.byte(0x7D)
        }
    }

    private func writePretty(into out: inout JSONBytes, indent: Int) {
        switch self {
        case .array(let a) where !a.isEmpty:
            out.append("[\n")
            for (i, v) in a.enumerated() {
                out.spaces(2 * (indent + 1))
                v.writePretty(into: &out, indent: indent + 1)
                out.append(i + 1 < a.count ? ",\n" : "\n")
            }
            out.spaces(2 * indent)
            out.byte(0x5D)
        case .object(let o) where !o.isEmpty:
            out.append("{\n")
            let keys = JSONValue.sortedKeys(o)
            for (i, k) in keys.enumerated() {
                out.spaces(2 * (indent + 1))
                out.quote(k)
                out.append(": ")
                o[k]?.writePretty(into: &out, indent: indent + 1)
                out.append(i + 1 < keys.count ? ",\n" : "\n")
            }
            out.spaces(2 * indent)
            out.byte(0x7D)
        default: write(into: &out)
        }
    }

    /// Byte order of the UTF-8 forms (stable across platforms and locales).
    static func keyOrder(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool in
                let n = Swift.min(x.count, y.count)
                if n > 0, let px = x.baseAddress, let py = y.baseAddress {
                    let c = memcmp(px, py, n)
                    if c != 0 { return c < 0 }
                }
                return x.count < y.count
            }
        }
        if let fast, let result = fast { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Keys in `keyOrder`.
    static func sortedKeys(_ o: [String: JSONValue]) -> [String] {
        var keys = Array(o.keys)
        keys.sort(by: keyOrder)
        return keys
    }

    /// Shortest text that reads back as the same Double; non-finite values as strings
    /// (JSON has no NaN or Infinity).
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "\"NaN\"" }
        if d.isInfinite { return d > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
        return d.description
    }

    /// Leaves of the document as dotted paths (`optimizer.lr`; array items as `layers.0.width`).
    public func flattened(prefix: String = "") -> [(key: String, value: JSONValue)] {
        switch self {
        case .object(let o):
            if o.isEmpty { return prefix.isEmpty ? [] : [(prefix, self)] }
            return o.keys.sorted(by: JSONValue.keyOrder).flatMap { k in
                o[k]!.flattened(prefix: prefix.isEmpty ? k : prefix + "." + k)
            }
        case .array(let a):
            if a.isEmpty { return prefix.isEmpty ? [] : [(prefix, self)] }
            return a.enumerated().flatMap { i, v in v.flattened(prefix: prefix.isEmpty ? "\(i)" : prefix + ".\(i)") }
        default:
            return [(prefix, self)]
        }
    }

    /// The value at a dotted path, if present.
    public subscript(path path: String) -> JSONValue? {
        var cur: JSONValue? = self
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch cur {
            case .object(let o)?: cur = o[String(part)]
            case .array(let a)?: if let i = Int(part), a.indices.contains(i) { cur = a[i] } else { return nil }
            default: return nil
            }
        }
        return cur
    }

    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}

/// UTF-8 output buffer for JSON text (appending bytes is much cheaper than growing a String).
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(64 * 1024) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func spaces(_ n: Int) {
        if n > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }

    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped.
    mutating func quote(_ s: String) {
        bytes.append(0x22)
        // Most strings need no escaping: copy them whole.
        var s = s
        let plain = s.withUTF8 { u in
            for b in u where b == 0x22 || b == 0x5C || b < 0x20 { return false }
            bytes.append(contentsOf: u)
            return true
        }
        if plain {
            bytes.append(0x22)
            return
        }
        for b in s.utf8 {
            switch b {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }
}
