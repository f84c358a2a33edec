import Foundation
import Tracker

/// A bounded JSON reader for MLflow request bodies.
///
/// Beyond RFC 8259 it accepts the bare `NaN`, `Infinity` and `-Infinity` that Python's
/// `json.dumps` writes (MLflow's own client sends them as the strings "NaN", "Infinity",
/// which the field readers accept too). Nesting is limited to 64 levels, numbers to 64
/// characters; an integer literal that does not fit Int64 is read as a Double.
struct MLflowJSON {
    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0
    static let maxDepth = 64

    struct SyntaxError: Error { var message: String }

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var p = MLflowJSON(bytes: bytes)
        p.skipSpace()
        let v = try p.value()
        p.skipSpace()
        guard p.i == bytes.count else { throw SyntaxError(message: "unexpected bytes after the JSON value at offset \(p.i)") }
        return v
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private func fail(_ what: String) -> SyntaxError { SyntaxError(message: "\(what) at offset \(i)") }

    private mutating func literal(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { return false }
        i += w.count
        return true
    }

    private mutating func value() throws -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end of the body") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): if literal("true") { return .bool(true) }
        case UInt8(ascii: "f"): if literal("false") { return .bool(false) }
        case UInt8(ascii: "n"): if literal("null") { return .null }
        case UInt8(ascii: "N"): if literal("NaN") { return .double(.nan) }
        case UInt8(ascii: "I"): if literal("Infinity") { return .double(.infinity) }
        case UInt8(ascii: "-"): if literal("-Infinity") { return .double(-.infinity) }; return try number()
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: break
        }
        throw fail("unexpected character")
    }

    private mutating func nested<T>(_ body: (inout MLflowJSON) throws -> T) throws -> T {
        depth += 1
        guard depth <= MLflowJSON.maxDepth else { throw fail("nesting deeper than \(MLflowJSON.maxDepth) levels") }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func object() throws -> JSONValue {
        try nested { p in
            p.i += 1
            var out: [String: JSONValue] = [:]
            p.skipSpace()
            if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "}") { p.i += 1; return .object(out) }
            while true {
                p.skipSpace()
                guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "\"") else { throw p.fail("expected a key") }
                let key = try p.string()
                p.skipSpace()
                guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: ":") else { throw p.fail("expected ':'") }
                p.i += 1
                p.skipSpace()
                out[key] = try p.value()
                p.skipSpace()
                guard p.i < p.bytes.count else { throw p.fail("unexpected end of the body") }
                if p.bytes[p.i] == UInt8(ascii: ",") { p.i += 1; continue }
                if p.bytes[p.i] == UInt8(ascii: "}") { p.i += 1; return .object(out) }
                throw p.fail("expected ',' or '}'")
            }
        }
    }

    private mutating func array() throws -> JSONValue {
        try nested { p in
            p.i += 1
            var out: [JSONValue] = []
            p.skipSpace()
            if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "]") { p.i += 1; return .array(out) }
            while true {
                p.skipSpace()
                out.append(try p.value())
                p.skipSpace()
                guard p.i < p.bytes.count else { throw p.fail("unexpected end of the body") }
                if p.bytes[p.i] == UInt8(ascii: ",") { p.i += 1; continue }
                if p.bytes[p.i] == UInt8(ascii: "]") { p.i += 1; return .array(out) }
                throw p.fail("expected ',' or ']'")
            }
        }
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        var integral = true
        while i < bytes.count, let c = Optional(bytes[i]),
              (48...57).contains(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            if !(48...57).contains(c) && c != UInt8(ascii: "-") { integral = false }
            i += 1
        }
        guard i - start <= 64 else { throw fail("a number longer than 64 characters") }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if integral, let n = Int64(text) { return .int(n) }
        guard let d = Double(text), text.first != "+", text.first != "." else { throw fail("bad number '\(text)'") }
        // A finite literal beyond Double's range is refused, not read as infinity.
        guard d.isFinite else { throw fail("the number '\(text)' is out of range") }
        return .double(d)
    }

    private mutating func string() throws -> String {
        i += 1
        var out = [UInt8]()
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if c < 0x20 { throw fail("a control character inside a string") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard literal("\\u") else { throw fail("a lone surrogate") }
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("a bad surrogate pair") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("a lone surrogate") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("a bad escape")
            }
        }
        throw fail("an unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw fail("a bad \\u escape")
        }
        i += 4
        return v
    }
}
