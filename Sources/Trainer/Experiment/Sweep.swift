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
        guard case .object(let s) = sweep else {
            throw ConfigError(message: "'sweep' must be a mapping with 'grid' and/or 'variants'", location: doc.location(of: "sweep"))
        }
        for key in s.keys where key != "grid" && key != "variants" {
            throw ConfigError(message: "unknown key 'sweep.\(key)' (expected 'grid' or 'variants')", location: doc.location(of: "sweep.\(key)"))
        }

        var variants: [(name: String?, set: [(String, JSONValue)])] = [(nil, [])]
        if let v = s["variants"] {
            guard case .array(let items) = v, !items.isEmpty else {
                throw ConfigError(message: "'sweep.variants' must be a non-empty list", location: doc.location(of: "sweep.variants"))
            }
            variants = []
            var seen = Set<String>()
            for (i, item) in items.enumerated() {
                let at = "sweep.variants.\(i)"
                guard case .object(let o) = item, let name = o["name"]?.stringValue, !name.isEmpty else {
                    throw ConfigError(message: "'\(at)' needs a 'name'", location: doc.location(of: at))
                }
                guard seen.insert(name).inserted else {
                    throw ConfigError(message: "two variants are named '\(name)'", location: doc.location(of: at))
                }
                for key in o.keys where key != "name" && key != "set" {
                    throw ConfigError(message: "unknown key '\(at).\(key)' (expected 'name' and 'set')", location: doc.location(of: "\(at).\(key)"))
                }
                var set: [(String, JSONValue)] = []
                if let sv = o["set"] {
                    guard case .object(let so) = sv else {
                        throw ConfigError(message: "'\(at).set' must map keys to values", location: doc.location(of: "\(at).set"))
                    }
                    set = so.keys.sorted().map { ($0, so[$0]!) }  // keys come from the dictionary itself
                }
                variants.append((name, set))
            }
        }

        var grid: [(String, [JSONValue])] = []
        if let g = s["grid"] {
            guard case .object(let o) = g, !o.isEmpty else {
                throw ConfigError(message: "'sweep.grid' must map keys to lists of values", location: doc.location(of: "sweep.grid"))
            }
            for key in o.keys.sorted() {
                guard case .array(let values) = o[key]!, !values.isEmpty else {
                    throw ConfigError(message: "'sweep.grid.\(key)' must be a non-empty list of values", location: doc.location(of: "sweep.grid.\(key)"))
                }
                grid.append((key, values))
            }
        }

        try checkCount(variants: variants.count, grid: grid, doc: doc)

        var combos: [[(String, JSONValue)]] = [[]]
        for (key, values) in grid {
            combos = combos.flatMap { c in values.map { c + [(key, $0)] } }
        }

        var points: [Point] = []
        for variant in variants {
            for combo in combos {
                var config = JSONValue.object(base)
                for (key, value) in variant.set + combo {
                    config = try ConfigDocument.setting(config, path: key.split(separator: ".").map(String.init), to: value, full: key)
                }
                var parts: [String] = []
                if let n = variant.name { parts.append(n) }
                parts += combo.map { "\($0.0.split(separator: ".").last.map(String.init) ?? $0.0)=\(short($0.1))" }
                let name = parts.isEmpty ? baseName : parts.joined(separator: " ")
                if case .object(var o) = config { o["name"] = .string(name); config = .object(o) }
                points.append(Point(name: name, overrides: (variant.set + combo).map { (key: $0.0, value: $0.1) }, config: config))
            }
        }
        return points
    }

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
