import Foundation

/// A filter compiled to an SQL boolean expression over `runs r JOIN experiments e`, with
/// `?` placeholders and the values to bind, in order. No user text is ever part of `sql`.
public struct CompiledFilter: Sendable, Equatable {
    public var sql: String
    public var values: [SQLValue]
}

/// Compiles a `FilterExpression` to SQL.
///
/// Each comparison on a param, metric or tag becomes `r.seq IN (SELECT run_seq …)` over the
/// indexed tables (`params(key, value_num)`, `latest_metrics(key_id, last_value)`,
/// `tags(key, value)`), so a filter never scans metric series.
public enum FilterCompiler {
    /// Most values bound in one statement (SQLite's default `SQLITE_MAX_VARIABLE_NUMBER`
    /// is 32766; the rest of the search query binds a few more).
    static let maxBoundValues = 32_000

    /// Compiles a parsed filter. Throws `FilterError` (`.tooDeep`, `.tooLarge`) when the
    /// SQL would exceed SQLite's limits; `filter` is the text errors quote.
    public static func compile(_ expression: FilterExpression, filter: String = "") throws -> CompiledFilter {
        var b = Builder(filter: filter)
        try b.shape(FilterShape(expression))
        guard b.values.count <= maxBoundValues else {
            throw FilterError(.tooLarge, "the filter needs \(b.values.count) SQL values; at most \(maxBoundValues) — use fewer or shorter IN lists",
                              column: 1, filter: filter)
        }
        return CompiledFilter(sql: b.sql, values: b.values)
    }

    /// Parses and compiles filter text.
    public static func compile(_ text: String) throws -> CompiledFilter {
        try compile(try FilterParser.parse(text), filter: text)
    }

    /// Converts a LIKE pattern (`%`, `_`) into a case-sensitive GLOB pattern.
    static func glob(fromLike pattern: String) -> String {
        var out = ""
        for c in pattern {
            switch c {
            case "%": out += "*"
            case "_": out += "?"
            case "*": out += "[*]"
            case "?": out += "[?]"
            case "[": out += "[[]"
            default: out.append(c)
            }
        }
        return out
    }
}

private struct Builder {
    let filter: String
    var sql = ""
    var values: [SQLValue] = []
    /// Parentheses opened for AND/OR groups around the current position.
    private var groupDepth = 0

    init(filter: String) { self.filter = filter }

    mutating func shape(_ s: FilterShape) throws {
        switch s {
        case .comparison(let c, let negated):
            if negated { sql += "NOT (" }
            comparison(c)
            if negated { sql += ")" }
        case .group(let isAnd, let operands):
            try list(operands, isAnd ? " AND " : " OR ", column: s.firstColumn)
        }
    }

    /// Operands joined by one operator: flat up to `FilterLimits.chunk` (a flat chain costs
    /// SQLite expression depth), else in parenthesised chunks (each level costs parser stack).
    private mutating func list(_ operands: [FilterShape], _ op: String, column: Int) throws {
        guard operands.count > FilterLimits.chunk else {
            for (i, operand) in operands.enumerated() {
                if i > 0 { sql += op }
                if case .group = operand { try parenthesised(column: operand.firstColumn) { try $0.shape(operand) } } else { try shape(operand) }
            }
            return
        }
        let size = (operands.count + FilterLimits.chunk - 1) / FilterLimits.chunk
        for (i, start) in stride(from: 0, to: operands.count, by: size).enumerated() {
            if i > 0 { sql += op }
            let part = Array(operands[start..<min(start + size, operands.count)])
            if part.count == 1 { try list(part, op, column: column) } else { try parenthesised(column: column) { try $0.list(part, op, column: column) } }
        }
    }

    private mutating func parenthesised(column: Int, _ body: (inout Builder) throws -> Void) throws {
        groupDepth += 1
        defer { groupDepth -= 1 }
        guard groupDepth <= FilterLimits.maxGroupDepth else {
            throw FilterError(.tooDeep, "the filter alternates AND and OR too deeply to run (at most \(FilterLimits.maxGroupDepth) levels of parentheses, counting one per 16 terms of a long list); simplify the parentheses",
                              column: column, filter: filter)
        }
        sql += "("
        try body(&self)
        sql += ")"
    }

    private mutating func comparison(_ c: FilterComparison) {
        switch c.field {
        case .param(let key): param(key, c)
        case .metric(let key, let aggregate): metric(key, aggregate, c)
        case .tag(let key): tag(key, c)
        case .attribute(let a): attribute(a, c)
        }
    }

    // MARK: params, metrics, tags: membership in an indexed subquery

    /// `r.seq [NOT] IN (SELECT run_seq FROM <table> WHERE <keyTest> [AND <condition>])`.
    private mutating func member(_ table: String, keyTest: String, key: SQLValue, negated: Bool = false, condition: ((inout Builder) -> Void)?) {
        sql += "r.seq \(negated ? "NOT IN" : "IN") (SELECT run_seq FROM \(table) WHERE \(keyTest)"
        values.append(key)
        if let condition {
            sql += " AND "
            condition(&self)
        }
        sql += ")"
    }

    private mutating func param(_ key: String, _ c: FilterComparison) {
        let keyTest = "key = ?", k = SQLValue.text(key)
        switch c.op {
        case .isNull: member("params", keyTest: keyTest, key: k, negated: true, condition: nil)
        case .isNotNull: member("params", keyTest: keyTest, key: k, condition: nil)
        case .equal, .isIn:
            paramEqualSet(key, c.values)
        case .notEqual, .notIn:
            // Has the param, with another value.
            sql += "(r.seq IN (SELECT run_seq FROM params WHERE key = ?) AND NOT "
            values.append(k)
            paramEqualSet(key, c.values)
            sql += ")"
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            member("params", keyTest: keyTest, key: k) { b in
                if let number = Builder.number(c.values[0]) {
                    b.sql += "value_num \(c.op.rawValue) ?"; b.values.append(.real(number))
                } else {
                    b.sql += "value_text \(c.op.rawValue) ?"; b.values.append(.text(c.values[0].text))
                }
            }
        case .like, .notLike, .ilike, .notIlike:
            member("params", keyTest: keyTest, key: k) { $0.pattern("value_text", c) }
        }
    }

    /// Whether the run's param equals any of `literals`: numerically when either side is a
    /// number, else as text. Each branch is a plain range of the `params(key, value_num)` or
    /// `params(key, value_text)` index, so no row is visited. The branches are OR-ed
    /// `r.seq IN (…)` tests, not one IN over a UNION ALL: PostgreSQL joined such unions in a
    /// nested loop rescanning them per run (a 4-param filter took 0.7 s on 10,000 runs); each
    /// IN under an OR is a hashed subplan, built once.
    private mutating func paramEqualSet(_ key: String, _ literals: [FilterLiteral]) {
        // At most three index ranges however long the list (SQLite allows 500 compound SELECTs).
        var numbers: [Double] = [], numberTexts: [String] = [], texts: [String] = []
        for v in literals {
            switch v {
            case .number(let d, let text): numbers.append(d); numberTexts.append(text)
            case .string(let s):
                texts.append(s)
                if let d = Builder.number(v) { numbers.append(d) }
            }
        }
        func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
        var branches: [String] = []
        if !numbers.isEmpty {
            branches.append("SELECT run_seq FROM params WHERE key = ? AND value_num IN (\(marks(numbers.count)))")
            values.append(.text(key)); values += numbers.map { .real($0) }
        }
        if !numberTexts.isEmpty {
            branches.append("SELECT run_seq FROM params WHERE key = ? AND value_num IS NULL AND value_text IN (\(marks(numberTexts.count)))")
            values.append(.text(key)); values += numberTexts.map { .text($0) }
        }
        if !texts.isEmpty {
            branches.append("SELECT run_seq FROM params WHERE key = ? AND value_text IN (\(marks(texts.count)))")
            values.append(.text(key)); values += texts.map { .text($0) }
        }
        sql += "(" + branches.map { "r.seq IN (\($0))" }.joined(separator: " OR ") + ")"
    }

    /// The number a literal stands for (`0.5` or `'0.5'`), if any.
    static func number(_ v: FilterLiteral) -> Double? {
        switch v {
        case .number(let d, _): return d
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, let d = Double(t), d.isFinite else { return nil }
            return d
        }
    }

    private mutating func metric(_ key: String, _ aggregate: MetricAggregate, _ c: FilterComparison) {
        let column = MetricAggregate.column(aggregate)
        let keyTest = "key_id = (SELECT id FROM keys WHERE name = ?)", k = SQLValue.text(key)
        switch c.op {
        case .isNull, .isNotNull:
            member("latest_metrics", keyTest: keyTest, key: k, negated: c.op == .isNull) { $0.sql += "\(column) IS NOT NULL" }
        case .isIn, .notIn:
            member("latest_metrics", keyTest: keyTest, key: k) { b in
                b.sql += "\(column) \(c.op == .notIn ? "NOT IN" : "IN") (\(Array(repeating: "?", count: c.values.count).joined(separator: ", ")))"
                b.values += c.values.map { .real(Builder.number($0) ?? .nan) }
            }
        default:
            member("latest_metrics", keyTest: keyTest, key: k) { b in
                b.sql += "\(column) \(c.op.rawValue) ?"
                b.values.append(.real(Builder.number(c.values[0]) ?? .nan))
            }
        }
    }

    private mutating func tag(_ key: String, _ c: FilterComparison) {
        let keyTest = "key = ?", k = SQLValue.text(key)
        switch c.op {
        case .isNull, .isNotNull: member("tags", keyTest: keyTest, key: k, negated: c.op == .isNull, condition: nil)
        case .like, .notLike, .ilike, .notIlike: member("tags", keyTest: keyTest, key: k) { $0.pattern("value", c) }
        default: member("tags", keyTest: keyTest, key: k) { $0.textComparison("value", c, lowercase: false) }
        }
    }

    // MARK: attributes: columns of the run

    private mutating func attribute(_ a: RunAttribute, _ c: FilterComparison) {
        let column = a.column
        if c.op.isPattern { pattern(column, c); return }
        if a.isNumeric {
            switch c.op {
            case .isNull: sql += "\(column) IS NULL"
            case .isNotNull: sql += "\(column) IS NOT NULL"
            case .isIn, .notIn:
                sql += "\(column) \(c.op == .notIn ? "NOT IN" : "IN") (\(Array(repeating: "?", count: c.values.count).joined(separator: ", ")))"
                values += c.values.map { .real(Builder.number($0) ?? .nan) }
            case .notEqual: sql += "\(column) IS NOT ?"; values.append(.real(Builder.number(c.values[0]) ?? .nan))
            default: sql += "\(column) \(c.op.rawValue) ?"; values.append(.real(Builder.number(c.values[0]) ?? .nan))
            }
            return
        }
        textComparison(column, c, lowercase: a == .status || a == .origin || a == .id || a == .parent || a == .configHash)
    }

    private mutating func textComparison(_ column: String, _ c: FilterComparison, lowercase: Bool) {
        func text(_ v: FilterLiteral) -> SQLValue { .text(lowercase ? v.text.lowercased() : v.text) }
        switch c.op {
        case .isNull: sql += "\(column) IS NULL"
        case .isNotNull: sql += "\(column) IS NOT NULL"
        case .notEqual: sql += "\(column) IS NOT ?"; values.append(text(c.values[0]))
        case .isIn, .notIn:
            sql += "\(column) \(c.op == .notIn ? "NOT IN" : "IN") (\(Array(repeating: "?", count: c.values.count).joined(separator: ", ")))"
            values += c.values.map(text)
        default: sql += "\(column) \(c.op.rawValue) ?"; values.append(text(c.values[0]))
        }
    }

    /// LIKE is case-sensitive (as in MLflow) through GLOB; ILIKE ignores case.
    private mutating func pattern(_ column: String, _ c: FilterComparison) {
        let p = c.values[0].text
        switch c.op {
        // glob(pattern, text) is `text GLOB pattern`, spelled as a function call so that the
        // PostgreSQL store's glob function (migrations/postgresql/0001) takes the same SQL.
        case .like: sql += "glob(?, \(column))"; values.append(.text(FilterCompiler.glob(fromLike: p)))
        case .notLike: sql += "NOT glob(?, \(column))"; values.append(.text(FilterCompiler.glob(fromLike: p)))
        case .ilike: sql += "lower(\(column)) LIKE lower(?)"; values.append(.text(p))
        default: sql += "lower(\(column)) NOT LIKE lower(?)"; values.append(.text(p))
        }
    }
}

extension MetricAggregate {
    /// The `latest_metrics` column holding this summary.
    static func column(_ a: MetricAggregate) -> String {
        switch a {
        case .last: "last_value"
        case .min: "min_value"
        case .max: "max_value"
        }
    }
}
