/// One difference between two JSON documents at a dotted path (`model.layers.2.width`).
public struct JSONChange: Sendable, Equatable {
    public var path: String
    /// The value in the first document (nil: absent there).
    public var a: JSONValue?
    /// The value in the second document (nil: absent there).
    public var b: JSONValue?

    public var json: JSONValue {
        .object(["path": .string(path), "a": a ?? .null, "b": b ?? .null,
                 "change": .string(a == nil ? "added" : b == nil ? "removed" : "changed")])
    }
}

/// A structural diff of two JSON documents: objects by key, arrays by index, leaves by value.
public enum JSONDiff {
    /// The changes from `a` to `b`, sorted by path. Integers and doubles of equal value are equal.
    public static func changes(_ a: JSONValue?, _ b: JSONValue?, path: String = "") -> [JSONChange] {
        switch (a, b) {
        case (.object(let x)?, .object(let y)?):
            return Set(x.keys).union(y.keys).sorted(by: JSONValue.keyOrder).flatMap { key in
                changes(x[key], y[key], path: join(path, key))
            }
        case (.array(let x)?, .array(let y)?):
            return (0..<max(x.count, y.count)).flatMap { i in
                changes(i < x.count ? x[i] : nil, i < y.count ? y[i] : nil, path: join(path, String(i)))
            }
        default:
            if same(a, b) { return [] }
            return [JSONChange(path: path, a: a, b: b)]
        }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    private static func same(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        if let x = a?.numberValue, let y = b?.numberValue { return x == y || (x.isNaN && y.isNaN) }
        return a == b
    }
}
