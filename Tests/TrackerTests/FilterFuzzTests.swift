import Foundation
import Testing
@testable import Tracker

/// Hostile filters from a seeded generator: deep, long, huge lists, wild patterns, random bytes.
extension FilterGenerator {
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// `(` / `not` nesting of random depth (up to twice the limit), sometimes unbalanced.
    mutating func deep() -> String {
        let depth = int(0...(2 * FilterLimits.maxDepth + 50))
        var open = "", close = ""
        for _ in 0..<depth {
            if chance(0.5) { open += "("; close += ")" } else { open += pick(["not ", "NOT ", "not("]); if open.hasSuffix("(") { close += ")" } }
        }
        if chance(0.1) { close = String(close.dropLast(int(0...3))) }
        return open + comparison() + close
    }

    /// A chain of up to 1.2× the term cap, with random operators and groups.
    mutating func long() -> String {
        let n = int(1...(FilterLimits.maxTerms + FilterLimits.maxTerms / 5))
        var parts: [String] = []
        for _ in 0..<n {
            var c = comparison()
            if chance(0.05) { c = "(\(c) \(pick(["and", "or"])) \(comparison()))" }
            if chance(0.05) { c = "not \(c)" }
            parts.append(c)
        }
        let op = pick(["and", "or", "mixed"])
        return parts.enumerated().map { i, p in i == 0 ? p : " \(op == "mixed" ? pick(["and", "or"]) : op) \(p)" }.joined()
    }

    mutating func hugeList() -> String {
        let n = int(0...(FilterLimits.maxValues + 2_000))
        let values = (0..<n).map { i in chance(0.5) ? "\(i)" : "'v\(i)'" }.joined(separator: ",")
        return "\(pick(["params.a", "metrics.m", "name", "tags.t", "seed"])) \(pick(["IN", "NOT IN"])) (\(values))"
    }

    mutating func pattern() -> String {
        let n = int(0...1_500)
        let body = String((0..<n).map { _ in pick(Array("%_a*?[]\\'")) }).replacingOccurrences(of: "'", with: "''")
        return "\(pick(["name", "tags.note", "params.act", "experiment"])) \(pick(["LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE"])) '\(body)'"
    }

    /// Fragments of the language and random bytes glued together.
    mutating func mixed() -> String {
        let fragments = ["(", ")", "not ", " and ", " or ", ",", "params.a", "metrics.b.max", "= 1", "in (", "'x'", "like '%'",
                         "\u{0}", "\u{FEFF}", "🎯", "\"", "`", "1e999", "-", "..", "\n", String(repeating: "(", count: 300)]
        var text = ""
        for _ in 0..<int(0...200) {
            if chance(0.2) {
                text += String(decoding: (0..<int(1...8)).map { _ in UInt8(truncatingIfNeeded: next()) }, as: UTF8.self)
            } else {
                text += pick(fragments)
            }
        }
        return text
    }
}

@Suite("Filter language: fuzzing with hostile inputs")
struct FilterFuzzTests {
    @Test("600 hostile filters on a 256 KiB stack: each a result or a clear FilterError, in bounded time")
    func hostileFilters() throws {
        let tmp = TempDir()
        let shared = SharedStore(store: try FilterSearchTests.makeStore(tmp))
        var gen = FilterGenerator(state: 0xF1_17E5)
        var counts: [String: Int] = [:]
        var slowest = 0.0
        for i in 0..<600 {
            let text: String
            switch i % 6 {
            case 0: text = gen.deep()
            case 1: text = gen.long()
            case 2: text = gen.hugeList()
            case 3: text = gen.pattern()
            case 4: text = gen.mixed()
            default: text = gen.expression()
            }
            let start = Date()
            let outcome = onSmallStack { FilterOutcome.of(shared.store, text) }
            slowest = max(slowest, Date().timeIntervalSince(start))
            switch outcome {
            case .runs: counts["runs", default: 0] += 1
            case .error(let kind, let message):
                counts[kind.rawValue, default: 0] += 1
                for leak in ["SQLite", "parser stack", "GLOB pattern", "Expression tree", "SELECT"] {
                    #expect(!message.contains(leak), "filter #\(i) leaks '\(leak)': \(message.prefix(300))")
                }
                #expect(message.count < 2_000, "filter #\(i): the message echoes too much")
            case .other(let e):
                Issue.record("filter #\(i) (\(text.prefix(80))…) failed without a FilterError: \(e)")
            }
        }
        #expect(slowest < 5, "slowest filter took \(slowest) s")
        // The generator reaches every class: results, depth, size and pattern refusals, syntax errors.
        for kind in ["runs", "tooDeep", "tooLarge", "patternTooComplex", "unexpectedCharacter"] {
            #expect(counts[kind, default: 0] > 0, "no \(kind) in \(counts)")
        }
        #expect(try shared.store.integrityCheck() == "ok")
    }
}
