import Foundation
import Testing
@testable import Tracker

@Suite("Filter language: parsing and compiling")
struct FilterParserTests {
    static let accepted: [(String, FilterExpression)] = [
        ("params.dropout = 0.5", .comparison(.init(field: .param("dropout"), op: .equal, values: [.number(0.5, "0.5")], column: 1))),
        ("metrics.val_acc > 0.85", .comparison(.init(field: .metric("val_acc", .last), op: .greater, values: [.number(0.85, "0.85")], column: 1))),
        ("metrics.val_loss.min <= 1e-1", .comparison(.init(field: .metric("val_loss", .min), op: .lessOrEqual, values: [.number(0.1, "1e-1")], column: 1))),
        ("metrics.`val.acc`.max >= -2", .comparison(.init(field: .metric("val.acc", .max), op: .greaterOrEqual, values: [.number(-2, "-2")], column: 1))),
        ("tags.note = 'x'", .comparison(.init(field: .tag("note"), op: .equal, values: [.string("x")], column: 1))),
        ("status = 'finished'", .comparison(.init(field: .attribute(.status), op: .equal, values: [.string("finished")], column: 1))),
        ("name LIKE 'sig%'", .comparison(.init(field: .attribute(.name), op: .like, values: [.string("sig%")], column: 1))),
        ("attributes.run_name ILIKE 'SIG%'", .comparison(.init(field: .attribute(.name), op: .ilike, values: [.string("SIG%")], column: 1))),
        ("params.act IN ('relu', 'prelu')", .comparison(.init(field: .param("act"), op: .isIn, values: [.string("relu"), .string("prelu")], column: 1))),
        ("params.act NOT IN ('relu')", .comparison(.init(field: .param("act"), op: .notIn, values: [.string("relu")], column: 1))),
        ("params.`optimizer.lr` < 0.01", .comparison(.init(field: .param("optimizer.lr"), op: .less, values: [.number(0.01, "0.01")], column: 1))),
        ("params.\"optimizer.lr\" != 0.01", .comparison(.init(field: .param("optimizer.lr"), op: .notEqual, values: [.number(0.01, "0.01")], column: 1))),
        ("params.optimizer.lr <> '0.01'", .comparison(.init(field: .param("optimizer.lr"), op: .notEqual, values: [.string("0.01")], column: 1))),
        ("experiment = 'x'", .comparison(.init(field: .attribute(.experiment), op: .equal, values: [.string("x")], column: 1))),
        ("tags.reviewed IS NULL", .comparison(.init(field: .tag("reviewed"), op: .isNull, values: [], column: 1))),
        ("params.use_bn = true", .comparison(.init(field: .param("use_bn"), op: .equal, values: [.string("true")], column: 1))),
        ("not status = 'failed'", .not(.comparison(.init(field: .attribute(.status), op: .equal, values: [.string("failed")], column: 5)))),
        ("params.b = 1 or params.d = 2", .or([.comparison(.init(field: .param("b"), op: .equal, values: [.number(1, "1")], column: 1)),
                                              .comparison(.init(field: .param("d"), op: .equal, values: [.number(2, "2")], column: 17))])),
        // `median` is not a summary, so it belongs to the key.
        ("metrics.acc.median > 1", .comparison(.init(field: .metric("acc.median", .last), op: .greater, values: [.number(1, "1")], column: 1))),
        ("params.layers.0.width >= 64", .comparison(.init(field: .param("layers.0.width"), op: .greaterOrEqual, values: [.number(64, "64")], column: 1))),
    ]

    @Test("accepted inputs parse to the expected tree", arguments: 0..<accepted.count)
    func accepts(_ i: Int) throws {
        let (text, expected) = Self.accepted[i]
        #expect(try FilterParser.parse(text) == expected)
        _ = try FilterCompiler.compile(text)
    }

    @Test("AND binds tighter than OR; parentheses override")
    func precedence() throws {
        let t = try FilterParser.parse("status = 'finished' or params.x = 1 and params.y = 2")
        guard case .or(let or) = t, or.count == 2, case .and(let and) = or[1], and.count == 2 else { Issue.record("wrong shape: \(t)"); return }
        let p = try FilterParser.parse("(status = 'finished' or params.x = 1) and params.y = 2")
        guard case .and(let items) = p, items.count == 2, case .or = items[0] else { Issue.record("wrong shape: \(p)"); return }
        // Chains are one n-ary node, in the order written.
        let chain = try FilterParser.parse("params.a = 1 and params.b = 2 and params.c = 3 or params.d = 4")
        guard case .or(let top) = chain, top.count == 2, case .and(let ands) = top[0], ands.count == 3 else {
            Issue.record("wrong shape: \(chain)"); return
        }
        #expect(try FilterParser.parse("STATUS = 'finished' AND NOT (params.x = 1 OR params.y = 2)") != t)
    }

    static let rejected: [(String, FilterError.Kind, Int)] = [
        ("params.lr = 'x", .unterminatedString, 13),
        ("'; DROP TABLE runs; --", .unterminatedString, 1),
        ("name = 'a'; DROP TABLE runs; --", .unexpectedCharacter, 11),
        ("params.lr = 0.1 --", .unexpectedCharacter, 17),
        ("parms.lr = 0.1", .unknownField, 1),
        ("foo = 1", .unknownField, 1),
        ("metrics.acc = 'high'", .typeMismatch, 15),
        ("metrics.acc LIKE '1%'", .unsupportedOperator, 13),
        ("status = 'finishd'", .invalidValue, 10),
        ("params.lr = relu", .unexpectedToken, 13),
        ("params.lr 0.1", .unexpectedToken, 11),
        ("params.lr =", .unexpectedEnd, 12),
        ("(params.lr = 1", .unexpectedEnd, 15),
        ("params.lr = 1)", .unexpectedToken, 14),
        ("params.act IN ('a' 'b')", .unexpectedToken, 20),
        ("params.act IN 'a'", .unexpectedToken, 15),
        ("params. = 1", .unexpectedToken, 9),
        ("params.`lr = 1", .unterminatedKey, 8),
        ("params.lr = 1 and", .unexpectedEnd, 18),
        ("params.lr ! 1", .unexpectedCharacter, 11),
        ("params.lr = 0.5.5", .invalidNumber, 13),
        ("", .unexpectedEnd, 1),
        ("start_time > 'yesterday'", .typeMismatch, 14),
    ]

    @Test("rejected inputs are typed errors naming the column", arguments: 0..<rejected.count)
    func rejects(_ i: Int) {
        let (text, kind, column) = Self.rejected[i]
        do {
            let tree = try FilterParser.parse(text)
            Issue.record("accepted '\(text)' as \(tree)")
        } catch let e as FilterError {
            #expect(e.kind == kind, "'\(text)': \(e.message)")
            #expect(e.column == column, "'\(text)': \(e.message)")
            let lines = e.caretLines.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2)
            #expect(lines.last?.count == 2 + column, "the caret sits under column \(column)")
            #expect(e.errorDescription?.contains("column \(column)") == true)
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    @Test("compiled SQL never contains user text; values are bound")
    func noSplicing() throws {
        let hostile = "x'); DROP TABLE runs; --"
        let c = try FilterCompiler.compile("name = '\(hostile.replacingOccurrences(of: "'", with: "''"))' or params.`\(hostile.replacingOccurrences(of: "`", with: "``"))` = 1 or tags.t LIKE '%\(hostile.replacingOccurrences(of: "'", with: "''"))'")
        #expect(!c.sql.contains("DROP"))
        #expect(!c.sql.contains("x'"))
        #expect(c.values.contains(.text(hostile)))
        #expect(c.sql.filter { $0 == "?" }.count == c.values.count)
    }

    @Test("LIKE patterns become case-sensitive GLOBs with GLOB characters escaped")
    func globConversion() {
        #expect(FilterCompiler.glob(fromLike: "sig%") == "sig*")
        #expect(FilterCompiler.glob(fromLike: "a_b*c?[d") == "a?b[*]c[?][[]d")
    }

    @Test("sort keys parse with a direction", arguments: [
        ("metrics.val_acc:desc", FilterField.metric("val_acc", .last), true),
        ("params.lr", .param("lr"), false),
        ("start", .attribute(.start), false),
        ("params.`a.b`:ASC", .param("a.b"), false),
        ("metrics.loss.min:desc", .metric("loss", .min), true),
    ])
    func sortKeys(_ text: String, _ field: FilterField, _ descending: Bool) throws {
        #expect(try RunSort.parse(text) == RunSort(field: field, descending: descending))
    }

    @Test("bad sort keys are errors")
    func badSort() {
        #expect(throws: FilterError.self) { try RunSort.parse("metrics.acc:up") }
        #expect(throws: FilterError.self) { try RunSort.parse("bogus") }
    }
}
