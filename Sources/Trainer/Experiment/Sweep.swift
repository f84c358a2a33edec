import Foundation
import Tracker

/// Expands a config's `sweep:` section into one config per run.
///
/// ```yaml
/// sweep:
///   grid:                       # every combination
///     model.dropout: [0, 0.5]
///     regularization.l2: [0, 0.0001]
///   variants:                   # named variants, each combined with every grid point
///     - name: sigmoid
///       set: {model.activation: sigmoid}
/// ```
public enum Sweep {
    /// Most runs one sweep may describe; counted from the grid sizes before anything is expanded.
    public static let maxRuns = 10_000

    /// One run of a sweep: its name, the overrides that made it, and its full config (no `sweep`).
    public struct Point: Sendable {
        public var name: String
        public var overrides: [(key: String, value: JSONValue)]
        public var config: JSONValue
    }

    /// The runs a config describes: one when it has no sweep.
    public static func expand(_ doc: ConfigDocument) throws -> [Point] {
        guard case .object(var base) = doc.value else { return [] }
        let sweep = base.removeValue(forKey: "sweep")
        let baseName = base["name"]?.stringValue ?? base["experiment"]?.stringValue ?? "run"
        guard let sweep else {
            return [Point(name: baseName, overrides: [], config: .object(base))]
        }
        let section = try sweepSection(sweep, doc: doc)
        let variants = try self.variants(section["variants"], doc: doc)
        let grid = try self.grid(section["grid"], doc: doc)
        try checkCount(variants: variants.count, grid: grid, doc: doc)
        let combos = combinations(of: grid)
        return try variants.flatMap { variant in
            try combos.map { try point(base: base, baseName: baseName, variant: variant, combo: $0) }
        }
    }

    /// A named variant of a sweep: its overrides, keys sorted; the unnamed one stands for "no variants".
    struct Variant {
        var name: String?
        var set: [(String, JSONValue)]
    }

    /// The `sweep:` mapping, with no keys but `grid` and `variants`.
    static func sweepSection(_ sweep: JSONValue, doc: ConfigDocument) throws -> [String: JSONValue] {
        guard case .object(let s) = sweep else {
            throw ConfigError(message: "'sweep' must be a mapping with 'grid' and/or 'variants'", location: doc.location(of: "sweep"))
        }
        for key in s.keys where key != "grid" && key != "variants" {
            throw ConfigError(message: "unknown key 'sweep.\(key)' (expected 'grid' or 'variants')", location: doc.location(of: "sweep.\(key)"))
        }
        return s
    }

    /// The variants of `sweep.variants`, in order, names unique; one unnamed variant when absent.
    static func variants(_ value: JSONValue?, doc: ConfigDocument) throws -> [Variant] {
        guard let value else { return [Variant(name: nil, set: [])] }
        guard case .array(let items) = value, !items.isEmpty else {
            throw ConfigError(message: "'sweep.variants' must be a non-empty list", location: doc.location(of: "sweep.variants"))
        }
        var seen = Set<String>()
        return try items.enumerated().map { i, item in try variant(item, at: "sweep.variants.\(i)", seen: &seen, doc: doc) }
    }

    /// One item of `sweep.variants`: a `name` not in `seen` and an optional `set` mapping.
    static func variant(_ item: JSONValue, at path: String, seen: inout Set<String>, doc: ConfigDocument) throws -> Variant {
        guard case .object(let o) = item, let name = o["name"]?.stringValue, !name.isEmpty else {
            throw ConfigError(message: "'\(path)' needs a 'name'", location: doc.location(of: path))
        }
        guard seen.insert(name).inserted else {
            throw ConfigError(message: "two variants are named '\(name)'", location: doc.location(of: path))
        }
        for key in o.keys where key != "name" && key != "set" {
            throw ConfigError(message: "unknown key '\(path).\(key)' (expected 'name' and 'set')", location: doc.location(of: "\(path).\(key)"))
        }
        guard let set = o["set"] else { return Variant(name: name, set: []) }
        guard case .object(let so) = set else {
            throw ConfigError(message: "'\(path).set' must map keys to values", location: doc.location(of: "\(path).set"))
        }
        return Variant(name: name, set: so.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// The axes of `sweep.grid`, keys sorted, each a non-empty list; none when absent.
    static func grid(_ value: JSONValue?, doc: ConfigDocument) throws -> [(String, [JSONValue])] {
        guard let value else { return [] }
        guard case .object(let o) = value, !o.isEmpty else {
            throw ConfigError(message: "'sweep.grid' must map keys to lists of values", location: doc.location(of: "sweep.grid"))
        }
        return try o.sorted { $0.key < $1.key }.map { key, list in
            guard case .array(let values) = list, !values.isEmpty else {
                throw ConfigError(message: "'sweep.grid.\(key)' must be a non-empty list of values", location: doc.location(of: "sweep.grid.\(key)"))
            }
            return (key, values)
        }
    }

    /// Every combination of the grid's values, the last axis varying fastest.
    static func combinations(of grid: [(String, [JSONValue])]) -> [[(String, JSONValue)]] {
        grid.reduce([[]]) { combos, axis in combos.flatMap { c in axis.1.map { c + [(axis.0, $0)] } } }
    }

    /// The run of one variant at one grid point: the base config with both applied, named
    /// after the variant and the grid values (`sigmoid dropout=0.5`).
    static func point(base: [String: JSONValue], baseName: String, variant: Variant, combo: [(String, JSONValue)]) throws -> Point {
        let overrides = variant.set + combo
        var config = JSONValue.object(base)
        for (key, value) in overrides {
            config = try ConfigDocument.setting(config, path: key.split(separator: ".").map(String.init), to: value, full: key)
        }
        let parts = (variant.name.map { [$0] } ?? []) + combo.map { "\(leaf(of: $0.0))=\(short($0.1))" }
        let name = parts.isEmpty ? baseName : parts.joined(separator: " ")
        if case .object(var o) = config { o["name"] = .string(name); config = .object(o) }
        return Point(name: name, overrides: overrides.map { (key: $0.0, value: $0.1) }, config: config)
    }

    /// The last segment of a dotted key (`model.dropout` → `dropout`).
    static func leaf(of key: String) -> String { key.split(separator: ".").last.map(String.init) ?? key }

    /// Refuses a sweep of more than `maxRuns` runs: the product of the grid's list sizes and
    /// the number of variants, multiplied with overflow checks, before any run is built.
    static func checkCount(variants: Int, grid: [(String, [JSONValue])], doc: ConfigDocument) throws {
        var count = variants, overflow = false
        for (_, values) in grid where !overflow {
            (count, overflow) = count.multipliedReportingOverflow(by: values.count)
        }
        guard overflow || count > maxRuns else { return }
        // The exact figure, for the message, as a floating-point product (it may exceed Int).
        let exact = grid.reduce(Double(variants)) { $0 * Double($1.1.count) }
        let sizes = grid.map { String($0.1.count) } + (variants > 1 ? ["\(variants) variants"] : [])
        throw ConfigError(
            message: "the sweep describes \(exact < 1e15 ? String(Int64(exact)) : String(format: "%.3g", exact)) runs (\(sizes.joined(separator: " × "))); at most \(maxRuns) are allowed — shorten the grid lists or split the sweep",
            location: doc.location(of: "sweep"))
    }

    static func short(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .double(let d): return JSONValue.format(d).replacingOccurrences(of: ".0", with: "", options: [.anchored, .backwards])
        default: return v.canonical
        }
    }
}
