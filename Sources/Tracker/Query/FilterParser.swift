/// Parses filter text into a `FilterExpression` (the grammar below, with an explicit stack).
///
/// Grammar (keywords case-insensitive):
/// ```
/// expr       := and ("OR" and)*
/// and        := unary ("AND" unary)*
/// unary      := "NOT" unary | "(" expr ")" | comparison
/// comparison := field op literal | field [NOT] IN "(" literal ("," literal)* ")"
///             | field [NOT] (LIKE | ILIKE) string | field IS [NOT] NULL
/// field      := attribute | (params|metrics|tags) "." key [".min" | ".max" | ".last"]
/// key        := dotted.words | `back ticked` | "double quoted"
/// ```
public struct FilterParser {
    let text: String
    private let tokens: [FilterToken]
    private var position = 0
    /// Open parentheses and NOTs around the current token (bounded by `FilterLimits.maxDepth`).
    private var depth = 0
    private var terms = 0
    private var valueCount = 0

    private init(text: String, tokens: [FilterToken]) {
        self.text = text
        self.tokens = tokens
    }

    /// Parses a whole filter; throws `FilterError` naming the column of the problem.
    public static func parse(_ text: String) throws -> FilterExpression {
        var parser = FilterParser(text: text, tokens: try lex(text))
        let expr = try parser.expression()
        guard parser.peek.kind == .end else {
            throw parser.error(.unexpectedToken, "expected AND, OR or the end of the filter, found \(parser.peek.display)", at: parser.peek)
        }
        return expr
    }

    /// Parses a lone field (`metrics.val_acc`, `params.lr`, `start_time`), as used by `--sort`.
    public static func parseField(_ text: String) throws -> FilterField {
        var parser = FilterParser(text: text, tokens: try lex(text))
        let (field, _) = try parser.field()
        guard parser.peek.kind == .end else {
            throw parser.error(.unexpectedToken, "unexpected \(parser.peek.display) after the field", at: parser.peek)
        }
        return field
    }

    /// The tokens of a filter no longer than `FilterLimits.maxBytes`.
    private static func lex(_ text: String) throws -> [FilterToken] {
        let bytes = text.utf8.count
        guard bytes <= FilterLimits.maxBytes else {
            throw FilterError(.tooLarge, "the filter is \(bytes) bytes long; at most \(FilterLimits.maxBytes) are accepted", column: 1, filter: text)
        }
        return try FilterLexer.tokens(text)
    }

    // MARK: tokens

    var peek: FilterToken { tokens[min(position, tokens.count - 1)] }

    mutating func advance() -> FilterToken {
        let t = peek
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    private mutating func accept(keyword: String) -> Bool {
        guard peek.keyword == keyword else { return false }
        position += 1
        return true
    }

    func error(_ kind: FilterError.Kind, _ message: String, at token: FilterToken) -> FilterError {
        let kind = token.kind == .end && kind == .unexpectedToken ? .unexpectedEnd : kind
        return FilterError(kind, message, column: token.column, filter: text)
    }

    // MARK: expressions

    /// One open level: a `(` (or the whole filter), the NOTs written before it, and the
    /// operands read so far inside it.
    private struct Group {
        var open: FilterToken?
        var nots: [FilterToken]
        var disjuncts: [FilterExpression] = []
        var conjuncts: [FilterExpression] = []

        /// `a AND b AND c OR d` as one OR of ANDs; a single operand stands alone.
        func folded(with last: FilterExpression) -> FilterExpression {
            let and = conjuncts.isEmpty ? last : .and(conjuncts + [last])
            return disjuncts.isEmpty ? and : .or(disjuncts + [and])
        }
    }

    /// `expr := and (OR and)*`, `and := unary (AND unary)*`, `unary := NOT unary | ( expr ) |
    /// comparison`, parsed with an explicit stack instead of recursion: nesting costs a heap
    /// entry, not a stack frame, so no filter can overflow the (small) stack of the thread
    /// that parses it. `FilterLimits.maxDepth` still bounds the nesting for what walks the tree.
    private mutating func expression() throws -> FilterExpression {
        var stack = [Group(open: nil, nots: [])]
        while true {
            // An operand: NOTs, then a `(` that opens a level or a comparison.
            var nots: [FilterToken] = []
            while peek.keyword == "not" { nots.append(advance()); try nest(nots[nots.count - 1]) }
            if peek.kind == .leftParen {
                let open = advance()
                try nest(open)
                stack.append(Group(open: open, nots: nots))
                continue
            }
            var operand = FilterExpression.comparison(try comparison())
            for _ in nots { operand = .not(operand) }
            depth -= nots.count
            // After an operand: AND or OR continue this level; anything else closes it.
            while true {
                let top = stack.count - 1
                if accept(keyword: "and") { stack[top].conjuncts.append(operand); break }
                if accept(keyword: "or") {
                    stack[top].disjuncts.append(Group(open: nil, nots: [], conjuncts: stack[top].conjuncts).folded(with: operand))
                    stack[top].conjuncts = []
                    break
                }
                let group = stack.removeLast()
                var closed = group.folded(with: operand)
                guard let open = group.open else { return closed }
                guard peek.kind == .rightParen else {
                    throw error(.unexpectedToken, "expected ')' to close the '(' at column \(open.column), found \(peek.display)", at: peek)
                }
                _ = advance()
                for _ in group.nots { closed = .not(closed) }
                depth -= 1 + group.nots.count
                operand = closed
            }
        }
    }

    /// Enters one level of parentheses or NOT.
    private mutating func nest(_ token: FilterToken) throws {
        depth += 1
        guard depth <= FilterLimits.maxDepth else {
            throw error(.tooDeep, "the filter is nested deeper than \(FilterLimits.maxDepth) levels (parentheses and NOT)", at: token)
        }
    }

    private mutating func comparison() throws -> FilterComparison {
        terms += 1
        guard terms <= FilterLimits.maxTerms else {
            throw error(.tooLarge, "the filter has more than \(FilterLimits.maxTerms) comparisons; split it or use IN (…) lists", at: peek)
        }
        let (field, fieldToken) = try field()
        let opToken = peek
        let op = try comparisonOperator()
        var values: [FilterLiteral] = []
        var valueTokens: [FilterToken] = []
        if op.isList {
            guard peek.kind == .leftParen else { throw error(.unexpectedToken, "expected '(' after IN, found \(peek.display)", at: peek) }
            _ = advance()
            while true {
                valueTokens.append(peek)
                values.append(try literal())
                let separator = advance()
                if separator.kind == .comma { continue }
                if separator.kind == .rightParen { break }
                throw error(.unexpectedToken, "expected ',' or ')' in the IN list, found \(separator.display)", at: separator)
            }
        } else if !op.isNullTest {
            valueTokens.append(peek)
            values.append(try literal())
        }
        let c = FilterComparison(field: field, op: op, values: values, column: fieldToken.column)
        try check(c, opToken: opToken, valueTokens: valueTokens)
        return c
    }

    private mutating func comparisonOperator() throws -> FilterOperator {
        let t = advance()
        if case .op(let o) = t.kind {
            switch o {
            case "=", "==": return .equal
            case "!=", "<>": return .notEqual
            case "<": return .less
            case "<=": return .lessOrEqual
            case ">": return .greater
            case ">=": return .greaterOrEqual
            default: break
            }
        }
        switch t.keyword {
        case "like": return .like
        case "ilike": return .ilike
        case "in": return .isIn
        case "not":
            if accept(keyword: "like") { return .notLike }
            if accept(keyword: "ilike") { return .notIlike }
            if accept(keyword: "in") { return .notIn }
            throw error(.unexpectedToken, "expected LIKE, ILIKE or IN after NOT, found \(peek.display)", at: peek)
        case "is":
            let negated = accept(keyword: "not")
            guard accept(keyword: "null") else { throw error(.unexpectedToken, "expected NULL after IS, found \(peek.display)", at: peek) }
            return negated ? .isNotNull : .isNull
        default:
            throw error(.unexpectedToken, "expected a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS NULL), found \(t.display)", at: t)
        }
    }

    private mutating func literal() throws -> FilterLiteral {
        let t = advance()
        valueCount += 1
        guard valueCount <= FilterLimits.maxValues else {
            throw error(.tooLarge, "the filter has more than \(FilterLimits.maxValues) values (IN lists included)", at: t)
        }
        switch t.kind {
        case .string(let s), .doubleQuoted(let s): return .string(s)
        case .number(let v, let text): return .number(v, text)
        case .word(let w) where ["true", "false"].contains(w.lowercased()): return .string(w.lowercased())
        case .word(let w): throw error(.unexpectedToken, "expected a value, found \(t.display); quote text values: '\(w)'", at: t)
        default: throw error(.unexpectedToken, "expected a value ('text' or a number), found \(t.display)", at: t)
        }
    }
}
