import Foundation
import Testing
@testable import Tracker

/// Random well-formed filters, generated from the grammar with a seeded generator.
struct FilterGenerator {
    var rng: SplitMix64

    init(state: UInt64) { rng = SplitMix64(state: state) }

    mutating func next() -> UInt64 { rng.next() }

    mutating func pick<T>(_ options: [T]) -> T { options[Int(next() % UInt64(options.count))] }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1000) / 1000 < p }

    mutating func key() -> String {
        pick(["lr", "dropout", "optimizer.lr", "`a b.c`", "\"x.y\"", "act", "weird_ünï", "`tick``s`", "layers.0.width"])
    }

    mutating func string() -> String {
        let body = pick(["relu", "it''s", "%x_", "; DROP TABLE runs; --", "", "ünïcødé", "0.5", "\\", "\"q\""])
        return "'\(body)'"
    }

    mutating func number() -> String { pick(["0", "0.5", "-1", "1e-3", "+2.5E2", ".25", "123456789"]) }

    mutating func comparison() -> String {
        switch next() % 6 {
        case 0:
            let v = chance(0.5) ? number() : string()
            return "params.\(key()) \(pick(["=", "==", "!=", "<>", "<", "<=", ">", ">="])) \(v)"
        case 1:
            let agg = pick(["", ".min", ".max", ".last"])
            return "metrics.\(pick(["val_acc", "`a.b`", "loss"]))\(agg) \(pick(["=", "!=", "<", "<=", ">", ">="])) \(number())"
        case 2:
            return "tags.\(key()) \(pick(["=", "!=", "LIKE", "ilike", "NOT LIKE"])) \(string())"
        case 3:
            let values = (0..<(1 + Int(next() % 4))).map { _ in chance(0.5) ? string() : number() }
            return "params.\(key()) \(pick(["IN", "not in"])) (\(values.joined(separator: ", ")))"
        case 4:
            return pick(["status = 'finished'", "status IN ('running', 'crashed')", "name LIKE 'a%'", "experiment = 'x'",
                         "duration > 10", "start_time >= 0", "seed = 7", "origin != 'rerun'", "parent IS NULL", "tags.t IS NOT NULL"])
        default:
            return "\(pick(["params", "metrics", "tags"])).\(pick(["a", "b"])) IS \(pick(["", "NOT "]))NULL"
        }
    }

    mutating func expression(depth: Int = 0) -> String {
        if depth > 3 || chance(0.4) { return comparison() }
        switch next() % 4 {
        case 0: return "\(expression(depth: depth + 1)) \(pick(["and", "AND", "or", "OR"])) \(expression(depth: depth + 1))"
        case 1: return "not \(expression(depth: depth + 1))"
        case 2: return "(\(expression(depth: depth + 1)))"
        default: return "\(expression(depth: depth + 1))  \(pick(["and", "or"]))\n\(comparison())"
        }
    }
}

@Suite("Filter language: properties")
struct FilterPropertyTests {
    @Test("2,000 random well-formed filters parse, compile with matching placeholders, and run")
    func randomFilters() throws {
        let tmp = TempDir()
        let store = try FilterSearchTests.makeStore(tmp)
        var gen = FilterGenerator(state: 20_240_601)
        for i in 0..<2_000 {
            let text = gen.expression()
            do {
                let compiled = try FilterCompiler.compile(text)
                #expect(compiled.sql.filter { $0 == "?" }.count == compiled.values.count, "\(text)")
                if i % 10 == 0 { _ = try store.runs(where: text) }
            } catch {
                Issue.record("filter #\(i) failed: \(text)\n\(error)")
                return
            }
        }
        #expect(try store.runs(where: nil).count == 6)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("random byte strings never crash the parser: a tree or a FilterError")
    func randomGarbage() {
        var gen = FilterGenerator(state: 7)
        let alphabet = Array("params.metrics tags=<>!'\"`(),;-+0123456789eE.%_ andornotinlikeisnull\u{0}\u{7F}ü🎯\n\t")
        for _ in 0..<3_000 {
            let text = String((0..<Int(gen.next() % 40)).map { _ in gen.pick(alphabet) })
            do { _ = try FilterCompiler.compile(text) } catch is FilterError {} catch { Issue.record("untyped error for \(text): \(error)") }
        }
    }
}
