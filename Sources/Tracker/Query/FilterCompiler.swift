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
    /// Compiles a parsed filter.
    public static func compile(_ expression: FilterExpression) -> CompiledFilter {
        var b = Builder()
        b.expression(expression)
        return CompiledFilter(sql: b.sql, values: b.values)
    }

    /// Parses and compiles filter text.
    public static func compile(_ text: String) throws -> CompiledFilter {
        compile(try FilterParser.parse(text))
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
    var sql = ""
    var values: [SQLValue] = []

    mutating func expression(_ e: FilterExpression) {
        switch e {
        case .and(let a, let b): binary(a, "AND", b)
        case .or(let a, let b): binary(a, "OR", b)
        case .not(let a): sql += "NOT ("; expression(a); sql += ")"
        case .comparison(let c): comparison(c)
        }
    }

    private mutating func binary(_ a: FilterExpression, _ op: String, _ b: FilterExpression) {
        sql += "("
        expression(a)
        sql += " \(op) "
        expression(b)
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
            sql += "r.seq IN ("
            paramEqualSet(key, c.values)
            sql += ")"
        case .notEqual, .notIn:
            // Has the param, with another value.
            sql += "(r.seq IN (SELECT run_seq FROM params WHERE key = ?) AND r.seq NOT IN ("
            values.append(k)
            paramEqualSet(key, c.values)
            sql += "))"
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

    /// A `SELECT run_seq …` of the runs whose param equals any of `literals`: numerically
    /// when either side is a number, else as text. Each branch is a plain range of the
    /// `params(key, value_num)` or `params(key, value_text)` index, so no row is visited.
    private mutating func paramEqualSet(_ key: String, _ literals: [FilterLiteral]) {
        var branches: [String] = []
        for v in literals {
            switch v {
            case .number(let d, let text):
                branches.append("SELECT run_seq FROM params WHERE key = ? AND value_num = ?")
                values += [.text(key), .real(d)]
                branches.append("SELECT run_seq FROM params WHERE key = ? AND value_num IS NULL AND value_text = ?")
                values += [.text(key), .text(text)]
            case .string(let s):
                branches.append("SELECT run_seq FROM params WHERE key = ? AND value_text = ?")
                values += [.text(key), .text(s)]
                if let d = Builder.number(v) {
                    branches.append("SELECT run_seq FROM params WHERE key = ? AND value_num = ?")
                    values += [.text(key), .real(d)]
                }
            }
        }
        sql += branches.joined(separator: " UNION ALL ")
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
        let column = switch a {
        case .id: "r.id"
        case .name: "r.name"
        case .status: Liveness.statusSQL()  // derived: a dead `running` run reads as crashed
        case .experiment: "e.name"
        case .origin: "r.origin"
        case .parent: "(SELECT p.id FROM runs p WHERE p.seq = r.parent_seq)"
        case .configHash: "r.config_hash"
        case .seed: "r.seed"
        case .start: "r.started_at"
        case .end: "r.ended_at"
        case .duration: "(coalesce(r.ended_at, r.heartbeat_at) - r.started_at)"
        }
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
        case .like: sql += "\(column) GLOB ?"; values.append(.text(FilterCompiler.glob(fromLike: p)))
        case .notLike: sql += "\(column) NOT GLOB ?"; values.append(.text(FilterCompiler.glob(fromLike: p)))
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
