import Foundation
import Tracker
import Yams

/// A config file (YAML, or JSON — a subset of YAML) read into a `JSONValue`, with the
/// line and column of every key so errors can point into the file.
public struct ConfigDocument: Sendable {
    public var value: JSONValue
    /// Where each dotted path (`model.width`, `sweep.grid.model.dropout`) was written.
    public var locations: [String: String]
    /// The file name errors mention.
    public let source: String

    public init(value: JSONValue, locations: [String: String] = [:], source: String) {
        self.value = value
        self.locations = locations
        self.source = source
    }

    /// Reads and parses a config file.
    public static func load(path: String) throws -> ConfigDocument {
        let data = try ConfigBudget.read(path: path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(message: "the config file '\(path)' is not UTF-8 text", location: nil)
        }
        return try parse(text, source: path)
    }

    /// Parses config text.
    public static func parse(_ text: String, source: String = "<config>") throws -> ConfigDocument {
        let node: Node?
        try ConfigBudget.check(text, source: source)
        do {
            node = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw ConfigError(message: "not valid YAML/JSON: \(ConfigDocument.describe(e))", location: source)
        } catch {
            throw ConfigError(message: "not valid YAML/JSON: \(error)", location: source)
        }
        guard let node else { throw ConfigError(message: "the config is empty", location: source) }
        var locations: [String: String] = [:]
        let value = try convert(node, path: "", source: source, locations: &locations)
        guard case .object = value else {
            throw ConfigError(message: "the config must be a mapping of keys to values", location: source)
        }
        return ConfigDocument(value: value, locations: locations, source: source)
    }

    /// `file:line:column` of a dotted path, or of its nearest written ancestor.
    public func location(of path: String) -> String {
        var p = path
        while !p.isEmpty {
            if let l = locations[p] { return l }
            guard let dot = p.lastIndex(of: ".") else { break }
            p = String(p[..<dot])
        }
        return source
    }

    private static func convert(_ node: Node, path: String, source: String, locations: inout [String: String]) throws -> JSONValue {
        if !path.isEmpty, let m = node.mark { locations[path] = "\(source):\(m.line):\(m.column)" }
        switch node {
        case .scalar(let s):
            return scalar(s.string, tag: node.tag, quoted: s.style == .singleQuoted || s.style == .doubleQuoted)
        case .sequence(let seq):
            return .array(try seq.enumerated().map { i, n in
                try convert(n, path: path.isEmpty ? "\(i)" : "\(path).\(i)", source: source, locations: &locations)
            })
        case .mapping(let map):
            var object: [String: JSONValue] = [:]
            for (k, v) in map {
                guard let key = k.string else {
                    throw ConfigError(message: "keys must be plain strings", location: k.mark.map { "\(source):\($0.line):\($0.column)" } ?? source)
                }
                let child = path.isEmpty ? key : "\(path).\(key)"
                if object[key] != nil {
                    throw ConfigError(message: "the key '\(child)' is written twice", location: k.mark.map { "\(source):\($0.line):\($0.column)" } ?? source)
                }
                let keyLocation = k.mark.map { "\(source):\($0.line):\($0.column)" }
                object[key] = try convert(v, path: child, source: source, locations: &locations)
                // Keep the key's own position (more useful than the value's) for the key itself.
                if let keyLocation { locations[child] = keyLocation }
            }
            return .object(object)
        }
    }

    /// A YAML scalar as JSON: quoted text stays text; plain scalars resolve by their tag.
    static func scalar(_ text: String, tag: Tag, quoted: Bool = false) -> JSONValue {
        if quoted { return .string(text) }
        switch Tag.Name(rawValue: tag.description) {
        case .null: return .null
        case .bool: return .bool(["true", "yes", "on", "y"].contains(text.lowercased()))
        case .int: if let i = Int64(text.replacingOccurrences(of: "_", with: "")) { return .int(i) }
        case .float:
            let t = text.lowercased()
            if t == ".nan" { return .double(.nan) }
            if t == ".inf" || t == "+.inf" { return .double(.infinity) }
            if t == "-.inf" { return .double(-.infinity) }
            if let d = Double(text.replacingOccurrences(of: "_", with: "")) { return .double(d) }
        default: break
        }
        return .string(text)
    }

    /// Parses one `--set` value as a YAML scalar or flow collection (`0.5`, `relu`, `[1, 2]`).
    public static func parseValue(_ text: String) throws -> JSONValue {
        try ConfigBudget.check(text, source: "--set")
        guard let node = try? Yams.compose(yaml: text) else { return .string(text) }
        var locations: [String: String] = [:]
        return try convert(node, path: "", source: "--set", locations: &locations)
    }

    /// Applies `key=value` overrides (dotted keys; objects are created as needed).
    public mutating func apply(overrides: [String]) throws {
        for item in overrides {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ConfigError(message: "--set needs key=value, got '\(item)'", location: "--set")
            }
            let key = String(item[..<eq]).trimmingCharacters(in: .whitespaces)
            let v = try ConfigDocument.parseValue(String(item[item.index(after: eq)...]))
            value = try ConfigDocument.setting(value, path: key.split(separator: ".").map(String.init), to: v, full: key)
            locations[key] = "--set \(key)"
        }
    }

    static func setting(_ doc: JSONValue, path: [String], to v: JSONValue, full: String) throws -> JSONValue {
        guard let head = path.first else { return v }
        switch doc {
        case .object(var o):
            o[head] = try setting(o[head] ?? .object([:]), path: Array(path.dropFirst()), to: v, full: full)
            return .object(o)
        case .array(var a):
            guard let i = Int(head), a.indices.contains(i) else {
                throw ConfigError(message: "'\(full)': '\(head)' is not an index of the list there", location: "--set")
            }
            a[i] = try setting(a[i], path: Array(path.dropFirst()), to: v, full: full)
            return .array(a)
        default:
            throw ConfigError(message: "'\(full)': cannot set a key inside a plain value", location: "--set")
        }
    }

    static func describe(_ e: YamlError) -> String {
        "\(e)".replacingOccurrences(of: "\n", with: " ")
    }
}

/// A config problem: what is wrong and where (`file:line:column`, or `--set key`).
public struct ConfigError: Error, LocalizedError, Equatable, Sendable {
    public var message: String
    public var location: String?

    public init(message: String, location: String?) {
        self.message = message
        self.location = location
    }

    public var errorDescription: String? {
        if let location { return "\(location): \(message)" }
        return message
    }
}
