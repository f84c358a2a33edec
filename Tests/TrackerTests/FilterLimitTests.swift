import Foundation
import Testing
@testable import Tracker

/// Runs `body` on a thread with a 256 KiB stack (half what a server connection thread may
/// get; the worst filters were seen to parse, compile and search within 128 KiB) and returns
/// its result: a filter that recursed too deep would crash the test process here.
func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let thread = Thread {
        box.value = body()
        box.done.signal()
    }
    thread.stackSize = 256 << 10
    thread.start()
    box.done.wait()
    return box.value!  // set by the thread before it signals
}

/// The result of a thread, handed over once through a semaphore.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}

/// What a filter came to: the runs it selected, or the kind of the error and its message.
enum FilterOutcome: Sendable, Equatable {
    case runs([String])
    case error(FilterError.Kind, String)
    case other(String)

    static func of(_ store: Store, _ filter: String) -> FilterOutcome {
        do { return .runs(try store.runs(where: filter, sort: "name").map(\.run.name)) }
        catch let e as FilterError { return .error(e.kind, e.errorDescription ?? "") }
        catch { return .other("\(error)") }
    }

    var isRuns: Bool { if case .runs = self { true } else { false } }
}

/// A store handed to the small-stack thread; the test waits for it, so no access overlaps.
struct SharedStore: @unchecked Sendable { let store: Store }

@Suite("Filter language: limits (depth, size, SQLite's limits)")
struct FilterLimitTests {
    static let leaf = "params.dropout = 0.5"

    @Test("3,000- and 30,000-deep parentheses and NOT chains are a clear error, also on a 256 KiB stack",
          arguments: [3_000, 30_000])
    func deepFilters(depth: Int) throws {
        let tmp = TempDir()
        let store = try FilterSearchTests.makeStore(tmp), shared = SharedStore(store: store)
        let parens = String(repeating: "(", count: depth) + Self.leaf + String(repeating: ")", count: depth)
        let nots = String(repeating: "not ", count: depth) + Self.leaf
        let unclosed = String(repeating: "(", count: depth)
        for text in [parens, nots, unclosed] {
            let outcome = onSmallStack { FilterOutcome.of(shared.store, text) }
            // 30,000 `not ` are also over the byte limit, which is checked first.
            if text.utf8.count > FilterLimits.maxBytes, case .error(.tooLarge, _) = outcome { continue }
            guard case .error(.tooDeep, let message) = outcome else { Issue.record("\(outcome)"); continue }
            #expect(message.contains("nested deeper than \(FilterLimits.maxDepth) levels"))
            #expect(message.count < 600, "the message does not echo the whole filter")
        }
    }

    @Test("nesting at the limit (256) parses, compiles flat and selects the right runs on a 256 KiB stack")
    func atTheDepthLimit() throws {
        let tmp = TempDir()
        let store = try FilterSearchTests.makeStore(tmp), shared = SharedStore(store: store)
        let n = FilterLimits.maxDepth
        let parens = String(repeating: "(", count: n) + Self.leaf + String(repeating: ")", count: n)
        let nots = String(repeating: "not ", count: n) + Self.leaf  // an even count: the leaf itself
        let mixed = String(repeating: "not (", count: n / 2) + Self.leaf + String(repeating: ")", count: n / 2)
        let expected = FilterOutcome.runs(["Sigmoid-5", "prelu-5", "relu-5"])
        #expect(onSmallStack { FilterOutcome.of(shared.store, parens) } == expected)
        #expect(onSmallStack { FilterOutcome.of(shared.store, nots) } == expected)
        #expect(onSmallStack { FilterOutcome.of(shared.store, mixed) } == expected)
        let odd = String(repeating: "not ", count: n - 1) + Self.leaf
        #expect(onSmallStack { FilterOutcome.of(shared.store, odd) } == .runs(["relu-0", "sigmoid-0", "tanh-2"]))
        guard case .error(.tooDeep, _) = FilterOutcome.of(store, "not " + nots) else { Issue.record("257 levels were accepted"); return }
    }

    @Test("1,000-term AND and OR chains and 1,000-value IN lists run against a real store")
    func longLists() throws {
        let tmp = TempDir()
        let store = try FilterSearchTests.makeStore(tmp)
        let n = FilterLimits.maxTerms
        let and = Array(repeating: "params.dropout = 0.5", count: n - 1).joined(separator: " and ") + " and metrics.val_acc > 0.85"
        #expect(FilterOutcome.of(store, and) == .runs(["prelu-5", "relu-5"]))
        let or = (0..<(n - 1)).map { "params.dropout = \(Double($0) / 1000 + 0.7)" }.joined(separator: " or ") + " or params.act = 'tanh'"
        #expect(FilterOutcome.of(store, or) == .runs(["tanh-2"]))
        let mixed = (0..<(n / 2)).map { i in i % 2 == 0 ? "not params.act = 'x\(i)'" : "(params.act != 'y\(i)' or name = 'z')" }.joined(separator: " and ")
        #expect(FilterOutcome.of(store, mixed) == .runs(["Sigmoid-5", "prelu-5", "relu-0", "relu-5", "sigmoid-0", "tanh-2"]))
        let values = (0..<1_000).map { "'v\($0)'" }.joined(separator: ", ")
        #expect(FilterOutcome.of(store, "params.act IN (\(values), 'relu')") == .runs(["relu-0", "relu-5"]))
        #expect(FilterOutcome.of(store, "params.act NOT IN (\(values), 'relu')") == .runs(["Sigmoid-5", "prelu-5", "sigmoid-0", "tanh-2"]))
        let numbers = (0..<1_000).map { "\(Double($0) / 1000 + 0.55)" }.joined(separator: ", ")
        #expect(FilterOutcome.of(store, "params.dropout IN (\(numbers), 0.2, '0')") == .runs(["relu-0", "sigmoid-0", "tanh-2"]))
        let above = (0..<1_000).map { "\(Double($0) / 1000 + 1.55)" }.joined(separator: ", ")
        #expect(FilterOutcome.of(store, "metrics.val_acc IN (\(above), 0.9)") == .runs(["prelu-5"]))
        #expect(FilterOutcome.of(store, "name IN (\(values), 'relu-5')") == .runs(["relu-5"]))
        let tooMany = Array(repeating: Self.leaf, count: n + 1).joined(separator: " and ")
        guard case .error(.tooLarge, let message) = FilterOutcome.of(store, tooMany) else { Issue.record("over the term cap"); return }
        #expect(message.contains("more than \(n) comparisons"))
        let manyValues = (0...FilterLimits.maxValues).map(String.init).joined(separator: ",")
        guard case .error(.tooLarge, _) = FilterOutcome.of(store, "params.x IN (\(manyValues))") else { Issue.record("over the value cap"); return }
    }

    /// `a and (b or (c and (d or …)))`, `depth` groups deep, with heavy comparisons (negated
    /// ones under `negated`, which flips the operators but keeps the alternation).
    static func alternating(_ depth: Int, negated: Bool = false) -> String {
        var text = "not params.dropout != 0.5"
        for i in 0..<depth {
            let leaf = i % 2 == 0 ? "params.act NOT IN ('q', 'r')" : "tags.note LIKE 'x%'"
            // not (a and not (b and not (…))): De Morgan turns it into a or (b and (c or …)).
            text = negated ? "not (\(leaf) and (\(text)))" : "\(leaf) \(i % 2 == 0 ? "and" : "or") (\(text))"
        }
        return text
    }

    @Test("AND/OR alternation up to the SQL group limit runs; deeper is a clear FilterError, never an SQLite error")
    func alternationDepth() throws {
        let tmp = TempDir()
        let store = try FilterSearchTests.makeStore(tmp), shared = SharedStore(store: store)
        // `depth` operators make depth - 1 parenthesised groups (the outermost needs none).
        for depth in 1...(FilterLimits.maxGroupDepth + 1) {
            let outcome = onSmallStack { FilterOutcome.of(shared.store, Self.alternating(depth)) }
            #expect(outcome.isRuns, "depth \(depth): \(outcome)")
            let negated = onSmallStack { FilterOutcome.of(shared.store, Self.alternating(depth, negated: true)) }
            #expect(negated.isRuns, "negated, depth \(depth): \(negated)")
        }
        for (depth, negated) in [(FilterLimits.maxGroupDepth + 2, false), (FilterLimits.maxGroupDepth + 2, true), (FilterLimits.maxDepth - 2, false)] {
            let outcome = FilterOutcome.of(store, Self.alternating(depth, negated: negated))
            guard case .error(.tooDeep, let message) = outcome else { Issue.record("depth \(depth): \(outcome)"); continue }
            #expect(message.contains("alternates AND and OR"))
        }
        // A long list inside deep alternation still fits (its chunks count as levels).
        let list = Array(repeating: "params.act != 'q'", count: 600).joined(separator: " and ")
        #expect(FilterOutcome.of(store, Self.alternating(FilterLimits.maxGroupDepth - 3) + " or (\(list))").isRuns)
    }

    @Test("LIKE patterns too long or with too many wildcards are refused before SQL; long legal ones run")
    func patterns() throws {
        let tmp = TempDir()
        let store = try FilterSearchTests.makeStore(tmp)
        for text in ["name LIKE '\(String(repeating: "a", count: 50_001))'", "tags.note ILIKE '\(String(repeating: "%", count: 60_000))'",
                     "params.act NOT LIKE '\(String(repeating: "*", count: 400))'", "name LIKE '\(String(repeating: "%a", count: 51))'"] {
            guard case .error(.patternTooComplex, let message) = FilterOutcome.of(store, text) else { Issue.record("accepted: \(text.prefix(40))"); continue }
            #expect(!message.contains("GLOB") && !message.contains("SQLite"))
        }
        #expect(FilterOutcome.of(store, "name LIKE '\(String(repeating: "%", count: 50))relu-5'") == .runs(["prelu-5", "relu-5"]))
        #expect(FilterOutcome.of(store, "name ILIKE '\(String(repeating: "_", count: 7))'") == .runs(["prelu-5"]))
        #expect(FilterOutcome.of(store, "name ILIKE 's%\(String(repeating: "_", count: 7))'") == .runs(["Sigmoid-5", "sigmoid-0"]))
    }

    @Test("a filter over 100,000 bytes is refused before it is lexed")
    func tooLong() throws {
        let text = "name = '" + String(repeating: "x", count: FilterLimits.maxBytes) + "'"
        #expect(throws: FilterError.self) { try FilterCompiler.compile(text) }
        do { _ = try FilterCompiler.compile(text) } catch let e as FilterError {
            #expect(e.kind == .tooLarge)
            #expect((e.errorDescription ?? "").count < 400)
        }
    }

    @Test("SQLite's own complexity refusals are recognised (and mapped to a FilterError in a search)")
    func complexityLimits() {
        #expect(Store.isComplexityLimit(SQLiteError(code: 1, message: "parser stack overflow", sql: nil)))
        #expect(!Store.isComplexityLimit(SQLiteError(code: 19, message: "FOREIGN KEY constraint failed", sql: nil)))
    }
}
