import CYaml
import Foundation

/// The size of a config, measured before Yams builds a tree of it.
///
/// Yams composes recursively and expands every alias into a copy, so a 100,000-deep
/// `[[[…]]]` overflows the stack inside the parser and a 400-byte alias bomb (`b: [*a, *a, …]`
/// nine levels deep) asks for terabytes. libyaml's event parser is iterative: this pass walks
/// its events once, tracking the nesting depth and the expanded node count of every anchor,
/// and refuses a document over a budget before any tree exists. Syntax errors are left to
/// Yams, which reports them with their line.
enum ConfigBudget {
    /// Largest config file read.
    static let maxBytes = 1 << 20
    /// Deepest nesting of lists and mappings, aliases expanded.
    static let maxDepth = 64
    /// Most values (scalars, lists and mappings), aliases expanded.
    static let maxNodes = 100_000

    private struct Frame {
        var nodes = 1
        var depth = 1
        var anchor: String?
    }

    /// Throws a `ConfigError` with the line of the first node over a budget.
    static func check(_ text: String, source: String) throws {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var open: [Frame] = []
            var anchors: [String: (nodes: Int, depth: Int)] = [:]
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }  // Yams reports the syntax error
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                func over(_ message: String) -> ConfigError { ConfigError(message: message, location: "\(source):\(line)") }
                func add(nodes: Int, depth: Int, anchor: String?) throws {
                    if let anchor { anchors[anchor] = (nodes, depth) }
                    guard !open.isEmpty else { return }
                    let last = open.count - 1
                    // Saturating: the counts are checked below, and a sum must not wrap first.
                    open[last].nodes = min(open[last].nodes + nodes, maxNodes + 1)
                    open[last].depth = max(open[last].depth, depth + 1)
                    if open[last].nodes > maxNodes {
                        throw over("the config expands to more than \(maxNodes) values (through aliases or sheer size); a config this large is refused")
                    }
                    if last + depth + 1 > maxDepth {
                        throw over("the config is nested deeper than \(maxDepth) levels (aliases expanded)")
                    }
                }
                switch event.type {
                case YAML_STREAM_END_EVENT, YAML_DOCUMENT_END_EVENT:
                    if event.type == YAML_DOCUMENT_END_EVENT { open.removeAll(); continue }
                    return
                case YAML_SCALAR_EVENT:
                    try add(nodes: 1, depth: 0, anchor: string(event.data.scalar.anchor))
                case YAML_ALIAS_EVENT:
                    // An unknown alias is Yams' error to report.
                    guard let name = string(event.data.alias.anchor), let a = anchors[name] else { return }
                    try add(nodes: a.nodes, depth: a.depth, anchor: nil)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                    open.append(Frame(anchor: string(anchor)))
                    if open.count > maxDepth { throw over("the config is nested deeper than \(maxDepth) levels") }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = open.popLast() else { return }
                    try add(nodes: frame.nodes, depth: frame.depth, anchor: frame.anchor)
                default:
                    continue
                }
            }
        }
    }

    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    /// The bytes of a config file, refusing one over `maxBytes` before reading it whole
    /// (a device or a pipe is read only that far).
    static func read(path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigError(message: "cannot read the config file '\(path)'", location: nil)
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw ConfigError(message: "cannot read the config file '\(path)'", location: nil)
        }
        guard data.count <= maxBytes else {
            throw ConfigError(message: "the config file '\(path)' is larger than \(maxBytes / 1024) KiB; a config this large is refused", location: nil)
        }
        return data
    }
}
