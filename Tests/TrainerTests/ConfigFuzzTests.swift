import Foundation
import Testing
import Tracker
@testable import Trainer

/// A seeded generator (SplitMix64) of hostile config text.
struct ConfigGenerator {
    var rng: SplitMix64

    init(state: UInt64) { rng = SplitMix64(state: state) }

    mutating func next() -> UInt64 { rng.next() }

    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func pick<T>(_ options: [T]) -> T { options[int(0...(options.count - 1))] }

    /// A number as YAML text: edge cases of every kind, or a random magnitude.
    mutating func number() -> String {
        switch next() % 3 {
        case 0:
            return pick(["0", "-0", "1", "-1", "2", "2.5", "0.5", "1.0", "1e12", "-1e300", "1e308", "1e-320", ".nan", ".inf", "-.inf",
                         "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
                         "0x7fffffff", "1_000", "100000000", "3", "64", "0.999999", "1e3", "'7'", "null", "true", "[]", "{}"])
        case 1: return String(int(-1_000...100_000))
        default: return String(Double(int(-1_000_000...1_000_000)) / Double(int(1...1_000)))
        }
    }

    /// Random nested flow YAML with anchors and aliases: deep, wide, or multiplying.
    mutating func structure() -> String {
        var anchors: [String] = []
        var out = ""
        func node(_ g: inout ConfigGenerator, _ depth: Int) -> String {
            if depth <= 0 || g.next() % 4 == 0 {
                if !anchors.isEmpty, g.next() % 3 == 0 { return "*" + g.pick(anchors) }
                return g.number()
            }
            let n = g.int(1...9)
            let children = (0..<n).map { i in (g.next() % 2 == 0 ? "k\(i): " : "") + node(&g, depth - 1) }
            let isMap = children.allSatisfy { $0.hasPrefix("k") }
            return isMap ? "{" + children.joined(separator: ", ") + "}" : "[" + children.map { $0.hasPrefix("k") ? "{\($0)}" : $0 }.joined(separator: ", ") + "]"
        }
        for i in 0..<int(1...12) {
            let deep = next() % 5 == 0
            let depth = deep ? int(50...400) : int(1...6)
            var value: String
            if deep {
                value = String(repeating: "[", count: depth) + number() + String(repeating: "]", count: depth)
            } else {
                value = node(&self, depth)
            }
            if next() % 2 == 0 { value = "&a\(i) " + value; anchors.append("a\(i)") }
            out += "x\(i): \(value)\n"
        }
        return out
    }
}

@Suite("Config loader: fuzzing with hostile inputs")
struct ConfigFuzzTests {
    static let numericKeys = [
        "seed", "threads", "epochs", "batch_size", "model.depth", "model.width", "model.dropout", "model.classes",
        "model.residual_every", "optimizer.lr", "optimizer.beta1", "optimizer.beta2", "optimizer.eps", "optimizer.weight_decay",
        "regularization.l1", "regularization.l2", "logging.layer_stats_every", "logging.histogram_bins", "logging.checkpoint_every",
        "logging.keep_checkpoints", "logging.near_zero", "early_stopping.patience", "early_stopping.min_delta",
        "diagnostics.vanishing_ratio", "diagnostics.exploding_norm", "diagnostics.dead_fraction", "diagnostics.overfit_patience",
        "data.size", "data.test", "data.noise", "data.validation", "data.seed", "data.subset.count",
    ]

    static func config(_ key: String, _ value: String) -> String {
        var sections: [String: [String: String]] = [
            "data": ["source": "xor", "size": "64", "validation": "0.25"],
            "model": ["depth": "1", "width": "8", "activation": "tanh"],
        ]
        var top = ["experiment": "fuzz", "seed": "3", "epochs": "1", "batch_size": "16"]
        let parts = key.split(separator: ".").map(String.init)
        if parts.count == 1 { top[key] = value }
        else if parts == ["data", "subset", "count"] { sections["data", default: [:]]["subset"] = "{count: \(value)}" }
        else { sections[parts[0], default: [:]][parts[1]] = value }
        if parts.first == "early_stopping" { sections["early_stopping", default: [:]]["metric"] = "val_loss" }
        var text = top.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n") + "\n"
        for (name, keys) in sections.sorted(by: { $0.key < $1.key }) {
            text += "\(name): {" + keys.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}\n"
        }
        return text
    }

    @Test("random numbers in every numeric key: a plan or a ConfigError naming that key, never a crash")
    func randomNumbers() throws {
        var gen = ConfigGenerator(state: 0xC0_4F16)
        var planned = 0, refused = 0, slowest = 0.0
        for i in 0..<(Self.numericKeys.count * 12) {
            let key = Self.numericKeys[i % Self.numericKeys.count]
            let value = gen.number()
            let start = Date()
            do {
                _ = try ExperimentPlan.plan(ConfigDocument.parse(Self.config(key, value), source: "f.yaml"))
                planned += 1
            } catch let e as ConfigError {
                refused += 1
                // The leaf, or its section for a value of the wrong shape (`model: …` with a list).
                let named = e.message.contains("'\(key)'") || e.message.contains("'\(key.split(separator: ".").dropLast().joined(separator: "."))")
                #expect(named || e.message.contains("'data.validation'"), "\(key): \(value) → \(e.message)")
                #expect(e.location?.hasPrefix("f.yaml") == true)
                #expect(!e.message.contains("not valid JSON"), "\(key): \(value) → \(e.message)")
            } catch {
                Issue.record("\(key): \(value) → not a ConfigError: \(error)")
            }
            slowest = max(slowest, Date().timeIntervalSince(start))
        }
        #expect(planned > 0 && refused > 0)
        #expect(slowest < 5, "slowest config took \(slowest) s")
    }

    @Test("random deep, wide and aliased YAML and JSON: a document or a ConfigError, in bounded time")
    func randomStructures() throws {
        var gen = ConfigGenerator(state: 0xA11A5)
        var slowest = 0.0, refused = 0
        for i in 0..<300 {
            var text = gen.structure()
            if i % 3 == 0 {
                // The same as JSON: quoted keys, no anchors (JSON has none), braces all around.
                text = "{" + text.split(separator: "\n").map { line -> String in
                    let kv = line.split(separator: ":", maxSplits: 1)
                    return "\"\(kv[0])\":" + kv[1].replacingOccurrences(of: #"&a\d+ "#, with: "", options: .regularExpression)
                        .replacingOccurrences(of: #"\*a\d+"#, with: "1", options: .regularExpression)
                }.joined(separator: ",") + "}"
            }
            if i % 7 == 0 { text = String(text.prefix(gen.int(0...text.count))) }  // truncated: a syntax error
            let start = Date()
            do { _ = try ConfigDocument.parse(text, source: "r.yaml") } catch let e as ConfigError {
                refused += 1
                #expect(e.location?.hasPrefix("r.yaml") == true)
            } catch {
                Issue.record("document #\(i) → not a ConfigError: \(error)")
            }
            slowest = max(slowest, Date().timeIntervalSince(start))
        }
        #expect(refused > 0)
        #expect(slowest < 5, "slowest document took \(slowest) s")
    }
}
