import Foundation
import Testing
@testable import Tracker

/// Random filters checked against a plain in-memory evaluator: the runs the store returns
/// must be exactly those the oracle selects. The sub-language is the one whose meaning is
/// simple to state: a comparison on a param, metric or tag is true only when the run has
/// that key and its value satisfies it (`IS NULL` is "has no such key"); LIKE is
/// case-sensitive as in MLflow, ILIKE is not; AND, OR and NOT are two-valued.
@Suite("Filter language: an oracle")
struct FilterOracleTests {
    struct Run {
        var name: String
        var a: Double?, b: Double?, m: Double?
        var t: String?
    }

    indirect enum Expr {
        case and([Expr]), or([Expr]), not(Expr)
        case number(field: String, op: String, value: Double)
        case numberIn(field: String, negated: Bool, values: [Double])
        case isNull(field: String, negated: Bool)
        case text(field: String, op: String, value: String)

        var text: String {
            switch self {
            case .and(let xs): return "(" + xs.map(\.text).joined(separator: " AND ") + ")"
            case .or(let xs): return "(" + xs.map(\.text).joined(separator: " or ") + ")"
            case .not(let x): return "NOT (\(x.text))"
            case .number(let f, let op, let v): return "\(f) \(op) \(v)"
            case .numberIn(let f, let neg, let vs): return "\(f) \(neg ? "NOT IN" : "IN") (\(vs.map { "\($0)" }.joined(separator: ", ")))"
            case .isNull(let f, let neg): return "\(f) IS \(neg ? "NOT " : "")NULL"
            case .text(let f, let op, let v): return "\(f) \(op) '\(v)'"
            }
        }

        func holds(_ r: Run) -> Bool {
            func value(_ f: String) -> Double? { f == "params.a" ? r.a : f == "params.b" ? r.b : r.m }
            func string(_ f: String) -> String? { f == "name" ? r.name : r.t }
            switch self {
            case .and(let xs): return xs.allSatisfy { $0.holds(r) }
            case .or(let xs): return xs.contains { $0.holds(r) }
            case .not(let x): return !x.holds(r)
            case .number(let f, let op, let v):
                guard let x = value(f) else { return false }
                switch op {
                case "=": return x == v
                case "!=": return x != v
                case "<": return x < v
                case "<=": return x <= v
                case ">": return x > v
                default: return x >= v
                }
            case .numberIn(let f, let neg, let vs):
                guard let x = value(f) else { return false }
                return vs.contains(x) != neg
            case .isNull(let f, let neg):
                let present = f.hasPrefix("tags") ? r.t != nil : value(f) != nil
                return present == neg
            case .text(let f, let op, let v):
                guard let s = string(f) else { return false }
                switch op {
                case "=": return s == v
                case "!=": return s != v
                default:  // LIKE / ILIKE with patterns `text` or `prefix%`
                    let (subject, pattern) = op == "LIKE" ? (s, v) : (s.lowercased(), v.lowercased())
                    return pattern.hasSuffix("%") ? subject.hasPrefix(String(pattern.dropLast())) : subject == pattern
                }
            }
        }
    }

    struct Generator {
        var rng: SplitMix64
        let grid = [0.0, 0.25, 0.5, 1.0, 2.0]

        mutating func pick<T>(_ xs: [T]) -> T { xs[rng.below(xs.count)] }

        mutating func comparison() -> Expr {
            let numeric = ["params.a", "params.b", "metrics.m"]
            switch rng.below(5) {
            case 0: return .number(field: pick(numeric), op: pick(["=", "!=", "<", "<=", ">", ">="]), value: pick(grid))
            case 1: return .numberIn(field: pick(numeric), negated: rng.below(2) == 0, values: (0..<(1 + rng.below(3))).map { _ in pick(grid) })
            case 2: return .isNull(field: pick(numeric + ["tags.t"]), negated: rng.below(2) == 0)
            case 3: return .text(field: "tags.t", op: pick(["=", "!=", "LIKE", "ILIKE"]), value: pick(["alpha", "beta", "Gamma", "a%", "G%", "g%", "b%"]))
            default: return .text(field: "name", op: pick(["=", "!=", "LIKE", "ILIKE"]), value: pick(["run-1", "Run-2", "r%", "R%", "run-1%"]))
            }
        }

        mutating func expression(depth: Int = 0) -> Expr {
            if depth >= 3 || rng.below(10) < 4 { return comparison() }
            switch rng.below(3) {
            case 0: return .and((0..<(2 + rng.below(3))).map { _ in expression(depth: depth + 1) })
            case 1: return .or((0..<(2 + rng.below(3))).map { _ in expression(depth: depth + 1) })
            default: return .not(expression(depth: depth + 1))
            }
        }
    }

    @Test("600 random filters select exactly the runs an in-memory evaluator selects (30 generated runs)")
    func oracle() throws {
        let tmp = TempDir()
        let store = try Store(path: tmp.path("oracle.db"))
        var gen = Generator(rng: SplitMix64(state: 20_261_202))
        var runs: [Run] = []
        for i in 0..<30 {
            let name = (i % 3 == 0 ? "Run-" : "run-") + String(i % 7)
            let r = Run(name: name,
                        a: gen.rng.below(10) < 8 ? gen.pick(gen.grid) : nil,
                        b: gen.rng.below(10) < 7 ? gen.pick(gen.grid) : nil,
                        m: gen.rng.below(10) < 8 ? gen.pick(gen.grid) : nil,
                        t: gen.rng.below(10) < 6 ? gen.pick(["alpha", "beta", "Gamma", "gamma"]) : nil)
            var config: [String: JSONValue] = [:]
            if let a = r.a { config["a"] = .double(a) }
            if let b = r.b { config["b"] = .double(b) }
            let rec = try store.startRun(RunStart(experiment: "oracle", name: name, config: .object(config), seed: UInt64(i)))
            if let m = r.m {
                rec.log("m", m + 100, step: 0)  // the latest value is what a filter reads
                rec.log("m", m, step: 1)
            }
            try rec.finish(.finished)
            if let t = r.t { try store.setTag(run: rec.runID, key: "t", value: t) }
            runs.append(r)
        }
        let ids = try store.runs(where: nil, sort: "start").map(\.run.id)
        #expect(ids.count == 30)
        var selectedSome = 0
        for _ in 0..<600 {
            let e = gen.expression()
            let expected = runs.enumerated().filter { e.holds($0.element) }.map { ids[$0.offset] }.sorted()
            let actual = try store.runs(where: e.text).map(\.run.id).sorted()
            #expect(actual == expected, "\(e.text)")
            if !expected.isEmpty && expected.count < 30 { selectedSome += 1 }
        }
        // The generated filters discriminate: most select some runs but not all.
        #expect(selectedSome > 200)
    }
}
