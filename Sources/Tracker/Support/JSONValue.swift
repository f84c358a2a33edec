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
        var out = ""
        write(into: &out)
        return out
    }

    /// SHA-256 of the canonical text, hex.
    public var canonicalHash: String { SHA256.hex(canonical) }

    /// Indented text for people, keys sorted.
    public var pretty: String {
        var out = ""
        writePretty(into: &out, indent: 0)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += JSONValue.format(d)
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() { if i > 0 { out += "," }; v.write(into: &out) }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, k) in o.keys.sorted(by: JSONValue.keyOrder).enumerated() {
                if i > 0 { out += "," }
                JSONValue.quote(k, into: &out)
                out += ":"
                o[k]!.write(into: &out)  // key comes from the dictionary itself
            }
            out += "}"
        }
    }

    private func writePretty(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        switch self {
        case .array(let a) where !a.isEmpty:
            out += "[\n"
            for (i, v) in a.enumerated() {
                out += pad
                v.writePretty(into: &out, indent: indent + 1)
                out += i + 1 < a.count ? ",\n" : "\n"
            }
            out += String(repeating: "  ", count: indent) + "]"
        case .object(let o) where !o.isEmpty:
            out += "{\n"
            let keys = o.keys.sorted(by: JSONValue.keyOrder)
            for (i, k) in keys.enumerated() {
                out += pad
                JSONValue.quote(k, into: &out)
                out += ": "
                o[k]!.writePretty(into: &out, indent: indent + 1)
                out += i + 1 < keys.count ? ",\n" : "\n"
            }
            out += String(repeating: "  ", count: indent) + "}"
        default: write(into: &out)
        }
    }

    static func keyOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// Shortest text that reads back as the same Double; non-finite values as strings
    /// (JSON has no NaN or Infinity).
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "\"NaN\"" }
        if d.isInfinite { return d > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
        return "\(d)"
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        // Most strings need no escaping: append them whole (much faster than scalar by scalar).
        if !s.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
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
