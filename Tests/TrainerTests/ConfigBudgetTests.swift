import Foundation
import Testing
import Tracker
@testable import Trainer

/// A small valid config; `extra` lines are appended (later keys of the same name are errors,
/// so callers replace keys through `with`).
enum ConfigText {
    static let base: [(String, String)] = [
        ("experiment", "budget"), ("seed", "3"), ("data", "{source: xor, size: 64, validation: 0.25}"),
        ("model", "{depth: 1, width: 8, activation: tanh}"), ("epochs", "1"), ("batch_size", "16"),
    ]

    static func with(_ changes: [String: String]) -> String {
        var lines = base.map { entry in changes[entry.0].map { (entry.0, $0) } ?? entry }
        for (k, v) in changes.sorted(by: { $0.key < $1.key }) where !base.contains(where: { $0.0 == k }) { lines.append((k, v)) }
        return lines.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"
    }

    /// The ConfigError planning `text` throws, or nil when it plans.
    static func error(_ text: String) -> ConfigError? {
        do { _ = try ExperimentPlan.plan(ConfigDocument.parse(text, source: "c.yaml")); return nil }
        catch let e as ConfigError { return e }
        catch { Issue.record("not a ConfigError: \(error)"); return ConfigError(message: "\(error)", location: nil) }
    }
}

@Suite("Config budgets: refused before work")
struct ConfigBudgetTests {
    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = Date()
        let v = try body()
        return (v, Date().timeIntervalSince(start))
    }

    @Test("a ~400-byte alias bomb (9 levels of 9) is refused in milliseconds")
    func aliasBomb() throws {
        let names = Array("abcdefghi").map(String.init)
        var text = "a: &a [x,x,x,x,x,x,x,x,x]\n"
        for i in 1...8 { text += "\(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 9).joined(separator: ",") + "]\n" }
        #expect(text.utf8.count < 420)
        let (error, seconds) = Self.timed { ConfigText.error(text) }
        #expect(error?.message.contains("more than \(ConfigBudget.maxNodes) values") == true, "\(String(describing: error))")
        #expect(error?.location?.hasPrefix("c.yaml:") == true)
        #expect(seconds < 1)
    }

    @Test("100,000-deep lists and mappings (flow and block) are refused without recursing", arguments: [
        String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
        "a: " + String(repeating: "{b: ", count: 100_000) + "1" + String(repeating: "}", count: 100_000),
        String(repeating: "[", count: 100_000),
        (0..<2_000).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " 1",
        "{\"a\": " + String(repeating: "[", count: 100_000) + "1" + String(repeating: "]", count: 100_000) + "}",
    ])
    func deepDocuments(text: String) throws {
        let (error, seconds) = Self.timed { ConfigText.error(text) }
        #expect(error?.message.contains("nested deeper than \(ConfigBudget.maxDepth) levels") == true, "\(String(describing: error))")
        #expect(seconds < 5)
    }

    @Test("aliases that nest deep only when expanded are refused; shallow aliases still work")
    func deepThroughAliases() throws {
        let a = "a: &a " + String(repeating: "[", count: 40) + "1" + String(repeating: "]", count: 40)
        let b = "b: " + String(repeating: "[", count: 30) + "*a" + String(repeating: "]", count: 30)
        #expect(ConfigText.error(a + "\n" + b)?.message.contains("aliases expanded") == true)
        let ok = ConfigText.with(["model": "&m {depth: 1, width: 8, activation: tanh}", "sweep": "{variants: [{name: one, set: {model: *m}}]}"])
        #expect(ConfigText.error(ok) == nil)
    }

    @Test("a config file over 1 MiB is refused before it is read whole; so is an endless device")
    func fileSize() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.yaml").path
        try Data(("# " + String(repeating: "x", count: ConfigBudget.maxBytes)).utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigError.self) { try ConfigDocument.load(path: path) }
        do { _ = try ConfigDocument.load(path: "/dev/zero") } catch let e as ConfigError {
            #expect(e.message.contains("larger than 1024 KiB"))
        }
        let small = dir.appendingPathComponent("ok.yaml").path
        try ConfigText.with([:]).write(toFile: small, atomically: true, encoding: .utf8)
        #expect(try ExperimentPlan.load(path: small).count == 1)
    }

    @Test("a 12-key × 10-value grid (10^12 runs) is counted, not expanded, and refused")
    func hugeSweep() throws {
        let keys = (0..<12).map { "    data.k\($0): [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" }.joined(separator: "\n")
        let (error, seconds) = Self.timed { ConfigText.error(ConfigText.with([:]) + "sweep:\n  grid:\n" + keys + "\n") }
        #expect(error?.message.contains("1000000000000 runs") == true, "\(String(describing: error))")
        #expect(seconds < 1)
        // 20 × 10 overflows Int: still a clear refusal.
        let grid = (0..<20).map { ("k\($0)", (0..<10).map { JSONValue.int(Int64($0)) }) }
        let doc = ConfigDocument(value: .object([:]), source: "c.yaml")
        #expect(throws: ConfigError.self) { try Sweep.checkCount(variants: 1, grid: grid, doc: doc) }
        #expect(throws: Never.self) { try Sweep.checkCount(variants: 100, grid: [("k", Array(repeating: .null, count: 100))], doc: doc) }
        #expect(throws: ConfigError.self) { try Sweep.checkCount(variants: 101, grid: [("k", Array(repeating: .null, count: 100))], doc: doc) }
    }

    @Test("model sizes over the budget are refused naming the key", arguments: [
        ("{depth: 1, width: 2000000000}", "model.width"),
        ("{depth: 2, width: 1000000}", "model.width"),
        ("{depth: 1000000000, width: 8}", "model.depth"),
        ("{widths: [1000, 200000]}", "model.widths.1"),
        ("{widths: [200000, 1000, 8]}", "model.widths.1"),
        ("{widths: [8, 2.5]}", "model.widths.1"),
        ("{layers: [{type: dense, units: 20000}, {type: relu}, {type: dense, units: 20000}, {type: dense, units: 2}]}", "model.layers.2"),
        ("{layers: [{type: dense, units: 1e12}]}", "model.layers.0.units"),
        ("{depth: 1, width: 8, classes: 1e9}", "model.classes"),
    ])
    func modelBudget(model: String, key: String) throws {
        let (error, seconds) = Self.timed { ConfigText.error(ConfigText.with(["model": model])) }
        #expect(error?.message.contains("'\(key)'") == true, "\(String(describing: error))")
        #expect(error?.location?.hasPrefix("c.yaml:") == true)
        #expect(seconds < 2)
    }

    @Test("activation memory over the budget names batch_size")
    func activationBudget() throws {
        let error = ConfigText.error(ConfigText.with(["model": "{depth: 1, width: 10000}", "batch_size": "1000000"]))
        #expect(error?.message.contains("'batch_size'") == true && error?.message.contains("GiB") == true, "\(String(describing: error))")
    }

    @Test("integer keys: huge, fractional and negative values name the key and its line", arguments: [
        ("epochs", "1e12", "between 1 and 100000"), ("epochs", "2.5", "whole number"), ("epochs", "-1", "between"),
        ("batch_size", "2.5", "whole number"), ("batch_size", "1e300", "between"), ("threads", "1.5", "whole number"),
        ("logging", "{keep_checkpoints: 1e9}", "between"), ("logging", "{layer_stats_every: 0.5}", "whole number"),
        ("early_stopping", "{patience: 2.5}", "whole number"), ("diagnostics", "{overfit_patience: 1e10}", "between"),
        ("optimizer", "{type: adam, lr: {type: step, value: 0.01, every: 2.5}}", "'optimizer.lr.every' must be a whole number"),
        ("optimizer", "{type: adam, lr: {type: warmup, steps: 1e12, then: 0.01}}", "'optimizer.lr.steps' must be between"),
    ])
    func integerKeys(key: String, value: String, says: String) throws {
        let error = ConfigText.error(ConfigText.with([key: value]))
        let message = error?.message ?? ""
        #expect(message.contains("'\(key)") && message.contains(says), "\(message)")
        #expect(!message.contains("not valid JSON"))
        #expect(error?.location?.hasPrefix("c.yaml:") == true, "\(String(describing: error?.location))")
    }

    @Test("data.validation: a fraction in (0, 1) or a count ≥ 1; 1.0, 0, negatives and 1.5 are errors that say why", arguments: [
        ("1.0", "ambiguous"), ("0", "count ≥ 1"), ("-3", "count ≥ 1"), ("1.5", "fraction in (0, 1)"), ("0.0", "fraction in (0, 1)"),
        ("1e3", "ambiguous"), ("'half'", "fraction in (0, 1)"),
    ])
    func validation(value: String, says: String) throws {
        let error = ConfigText.error(ConfigText.with(["data": "{source: xor, size: 64, validation: \(value)}"]))
        #expect(error?.message.contains("'data.validation'") == true && error?.message.contains(says) == true, "\(String(describing: error))")
        #expect(error?.location?.hasPrefix("c.yaml:3") == true, "\(String(describing: error?.location))")
    }

    @Test("valid validation values plan: a fraction and a count")
    func validationAccepted() throws {
        for v in ["0.5", "10", "1"] { #expect(ConfigText.error(ConfigText.with(["data": "{source: xor, size: 64, validation: \(v)}"])) == nil, "\(v)") }
    }

    @Test("synthetic data over the memory budget is refused naming data.size")
    func syntheticBudget() throws {
        let error = ConfigText.error(ConfigText.with(["data": "{source: blobs, size: 10000000, features: 100000}"]))
        #expect(error?.message.contains("'data.size'") == true, "\(String(describing: error))")
    }
}
