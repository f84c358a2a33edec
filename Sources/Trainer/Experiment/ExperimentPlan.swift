import Foundation
import Tracker

/// One run to train: its resolved config (defaults filled in, input width inferred) and
/// the data it trains on.
public struct PlannedRun: @unchecked Sendable {
    public var name: String
    public var config: ExperimentConfig
    /// The config as stored on the run: canonical JSON of `config`.
    public var json: JSONValue
    public var data: PreparedData
    public var overrides: [(key: String, value: JSONValue)]
}

/// Turns a config document into checked runs — every sweep point is decoded and validated
/// before any run starts, so a bad value never leaves half a sweep behind.
public enum ExperimentPlan {
    /// Reads `path`, applies `--set` overrides, expands the sweep, validates each run.
    public static func load(path: String, overrides: [String] = []) throws -> [PlannedRun] {
        var doc = try ConfigDocument.load(path: path)
        try doc.apply(overrides: overrides)
        return try plan(doc)
    }

    public static func plan(_ doc: ConfigDocument) throws -> [PlannedRun] {
        let points = try Sweep.expand(doc)
        var cache: [String: PreparedData] = [:]
        return try points.map { p in
            let (config, json, data) = try resolve(p.config, doc: doc, cache: &cache)
            return PlannedRun(name: p.name, config: config, json: json, data: data, overrides: p.overrides)
        }
    }

    /// Decodes and validates one run's config JSON (as written, or as stored on a run).
    public static func resolve(_ json: JSONValue, doc: ConfigDocument? = nil) throws -> (ExperimentConfig, JSONValue, PreparedData) {
        var cache: [String: PreparedData] = [:]
        return try resolve(json, doc: doc, cache: &cache)
    }

    static func resolve(_ json: JSONValue, doc: ConfigDocument?, cache: inout [String: PreparedData]) throws -> (ExperimentConfig, JSONValue, PreparedData) {
        let doc = doc ?? ConfigDocument(value: json, source: "<stored config>")
        try ConfigKeys.check(json, doc: doc)
        guard case .object(var top) = json else { throw ConfigError(message: "the config must be a mapping", location: doc.source) }
        guard let dataJSON = top["data"] else { throw ConfigError(message: "missing key 'data' (the dataset)", location: doc.source) }
        let seed: UInt64
        switch top["seed"] {
        case .int(let s)? where s >= 0: seed = UInt64(s)
        case nil: seed = 0
        default: throw ConfigError(message: "'seed' must be a non-negative integer", location: doc.location(of: "seed"))
        }
        if case .object(let d) = dataJSON, let v = d["validation"] { try checkValidation(v, doc: doc) }
        if case .object(let d) = dataJSON, let v = d["test"], case .double = v { try checkValidation(v, key: "test", doc: doc) }
        let data: PreparedData
        do {
            let spec = try mapErrors(doc: doc, prefix: "data") { try JSONDecoder().decode(DatasetSpec.self, from: Data(dataJSON.canonical.utf8)) }
            let key = dataJSON.canonical + "#\(seed)"
            if let cached = cache[key] { data = cached } else {
                data = try mapErrors(doc: doc, prefix: "data") { try spec.load(seed: seed) }
                cache[key] = data
            }
        }
        // Infer what the data decides: the model's input width and, for the shorthand, its outputs.
        if case .object(var model)? = top["model"] {
            if model["input"] == nil { model["input"] = .int(Int64(data.train.features)) }
            if model["layers"] == nil, model["classes"] == nil, data.train.numClasses > 0 {
                model["classes"] = .int(Int64(data.train.numClasses))
            }
            // A padded-sequence set: the shorthand's hidden layers apply per position.
            if model["layers"] == nil, model["sequence_length"] == nil, let shape = data.train.sequenceShape {
                model["sequence_length"] = .int(Int64(shape.length))
            }
            top["model"] = .object(model)
        }
        let filled = JSONValue.object(top)
        let config = try mapErrors(doc: doc, prefix: nil) {
            let c = try filled.decode(ExperimentConfig.self)
            try c.validate()
            return c
        }
        if config.model.input != data.train.features {
            throw ConfigError(message: "'model.input' is \(config.model.input) but the data has \(data.train.features) features",
                              location: doc.location(of: "model.input"))
        }
        if let shape = data.train.sequenceShape, let l = config.model.shorthand?.sequenceLength, l > 0, l != shape.length {
            throw ConfigError(message: "'model.sequence_length' is \(l) but the data's sequences have \(shape.length) positions",
                              location: doc.location(of: "model.sequence_length"))
        }
        let stored = try JSONValue.from(config)
        return (config, stored, data)
    }

    /// `data.validation` is a fraction in (0, 1) or a whole count ≥ 1, as written: `1.0` (or
    /// `1e3`) could mean all the data or one sample, so a number with a decimal point or an
    /// exponent is read as a fraction and must be below 1.
    /// `data.test` written with a decimal point follows the same rule (`key: "test"`).
    static func checkValidation(_ v: JSONValue, key: String = "validation", doc: ConfigDocument) throws {
        let at = doc.location(of: "data.\(key)")
        switch v {
        case .int(let n) where n >= 1: return
        case .double(let f) where f > 0 && f < 1: return
        case .int(let n):
            throw ConfigError(message: "'data.\(key)' is \(n): give a fraction in (0, 1) or a count ≥ 1 (leave it out for no \(key) set)", location: at)
        case .double(let f) where f >= 1 && f.isFinite && f.rounded() == f:
            throw ConfigError(message: "'data.\(key)' is \(JSONValue.format(f)), which is ambiguous: a fraction must be in (0, 1) (0.1 = 10 %), a count is written without a decimal point (\(SpecBounds.format(f)))", location: at)
        case .double(let f):
            throw ConfigError(message: "'data.\(key)' is \(JSONValue.format(f)): give a fraction in (0, 1) or a whole count ≥ 1", location: at)
        default:
            throw ConfigError(message: "'data.\(key)' must be a fraction in (0, 1) or a whole count ≥ 1", location: at)
        }
    }

    /// Maps decoding, data and spec errors to a `ConfigError` at the key's place in the file.
    static func mapErrors<T>(doc: ConfigDocument, prefix: String?, _ body: () throws -> T) throws -> T {
        func qualify(_ key: String) -> String {
            guard let prefix, !key.hasPrefix(prefix + ".") && key != prefix else { return key }
            return key == "(root)" ? prefix : "\(prefix).\(key)"
        }
        do {
            return try body()
        } catch let e as ConfigError {
            throw e
        } catch TrainerError.invalidSpec(let key, let message) {
            let k = qualify(key)
            throw ConfigError(message: "'\(k)' \(message)", location: doc.location(of: k))
        } catch DataError.invalidSpec(let key, let reason) {
            let k = qualify(key)
            throw ConfigError(message: "'\(k)' \(reason)", location: doc.location(of: k))
        } catch DataError.invalidRequest(let reason) {
            let k = prefix ?? "data"
            throw ConfigError(message: "'\(k)': \(reason)", location: doc.location(of: k))
        } catch let e as DecodingError {
            let (path, message) = describe(e)
            let k = qualify(path)
            throw ConfigError(message: k.isEmpty ? message : "'\(k)': \(message)", location: doc.location(of: k))
        }
    }

    static func describe(_ e: DecodingError) -> (String, String) {
        func dotted(_ path: [any CodingKey]) -> String { path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
        switch e {
        case .keyNotFound(let key, let ctx):
            let p = dotted(ctx.codingPath + [key])
            return (p, "is required but missing")
        case .typeMismatch(let type, let ctx):
            return (dotted(ctx.codingPath), "has the wrong type (expected \(typeName(type)))")
        case .valueNotFound(let type, let ctx):
            return (dotted(ctx.codingPath), "is empty (expected \(typeName(type)))")
        case .dataCorrupted(let ctx):
            return (dotted(ctx.codingPath), ctx.debugDescription)
        @unknown default:
            return ("", "\(e)")
        }
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is Int.Type, is UInt64.Type, is Int64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "text"
        default: return "\(t)".contains("Array") ? "a list" : "a mapping"
        }
    }
}

/// The keys a config may use; anything else is a typo and an error naming it.
enum ConfigKeys {
    indirect enum Schema: Sendable {
        case leaf
        case any
        case object([String: Schema])
        case list(Schema)
        /// A number or a schedule object.
        case schedule
        /// A list of layer objects.
        case layers
    }

    static let scheduleKeys: Set<String> = ["type", "value", "every", "gamma", "steps", "minimum", "then"]
    static let layerKeys: Set<String> = ["type", "units", "init", "bias", "slope", "shared", "momentum", "eps", "p", "layers", "length"]

    static func object(_ keys: [String], _ special: [String: Schema] = [:]) -> Schema {
        .object(Dictionary(uniqueKeysWithValues: keys.map { ($0, special[$0] ?? .leaf) }))
    }

    static let root: Schema = object(
        ExperimentConfig.CodingKeys.allCases.map(\.stringValue),
        [
            "data": .any,  // DatasetSpec decodes strictly and names its own keys
            "model": object(["input", "layers", "depth", "width", "widths", "activation", "normalization", "norm_placement",
                             "residual_every", "dropout", "classes", "init", "leaky_slope", "sequence_length"], ["layers": .layers, "widths": .any]),
            "optimizer": object(["type", "lr", "momentum", "nesterov", "beta1", "beta2", "eps", "weight_decay"], ["lr": .schedule]),
            "regularization": object(["l1", "l2", "roles", "schedule"], ["l1": .schedule, "l2": .schedule, "roles": .any,
                                                                        "schedule": object(PenaltyRamp.CodingKeys.allCases.map(\.stringValue))]),
            "logging": object(LoggingSpec.CodingKeys.allCases.map(\.stringValue)),
            "early_stopping": object(EarlyStoppingSpec.CodingKeys.allCases.map(\.stringValue)),
            "diagnostics": object(DiagnosticsSpec.CodingKeys.allCases.map(\.stringValue)),
            "landscape": object(LandscapeSpec.CodingKeys.allCases.map(\.stringValue)),
        ])

    static func check(_ value: JSONValue, doc: ConfigDocument) throws {
        try check(value, schema: root, path: "", doc: doc)
    }

    static func check(_ value: JSONValue, schema: Schema, path: String, doc: ConfigDocument) throws {
        func child(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }
        func unknown(_ key: String, _ allowed: some Collection<String>) -> ConfigError {
            let near = Spelling.near(key, in: allowed)
            let hint = near.isEmpty ? "known keys here: \(allowed.sorted().joined(separator: ", "))" : "did you mean \(near.joined(separator: " or "))?"
            return ConfigError(message: "unknown key '\(child(key))'; \(hint)", location: doc.location(of: child(key)))
        }
        switch (schema, value) {
        case (.object(let keys), .object(let o)):
            for (k, v) in o.sorted(by: { $0.key < $1.key }) {
                guard let s = keys[k] else { throw unknown(k, keys.keys) }
                try check(v, schema: s, path: child(k), doc: doc)
            }
        case (.schedule, .object(let o)):
            for (k, v) in o.sorted(by: { $0.key < $1.key }) {
                guard scheduleKeys.contains(k) else { throw unknown(k, scheduleKeys) }
                if k == "then" { try check(v, schema: .schedule, path: child(k), doc: doc) }
            }
        case (.layers, .array(let items)):
            for (i, item) in items.enumerated() {
                guard case .object(let o) = item else { continue }
                for (k, v) in o.sorted(by: { $0.key < $1.key }) {
                    guard layerKeys.contains(k) else { throw unknown(k, layerKeys) }
                    if k == "layers" { try check(v, schema: .layers, path: "\(child(String(i))).layers", doc: doc) }
                }
            }
        default:
            break  // leaves and type errors are the decoder's to report
        }
    }
}
