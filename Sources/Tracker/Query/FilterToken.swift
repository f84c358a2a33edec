/// One lexical token of the filter language, with its 1-based column.
struct FilterToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A bare word: a keyword, an attribute, or a dotted field path (`params.optimizer.lr`).
        /// A path may end with a dot when a quoted key follows (`params.` + `` `a.b` ``).
        case word(String)
        /// A backtick-quoted key.
        case backtickKey(String)
        /// A double-quoted text: a key after `params.`, otherwise a string value.
        case doubleQuoted(String)
        /// A single-quoted string value.
        case string(String)
        /// A number literal with its source text.
        case number(Double, String)
        /// A comparison operator: `=`, `==`, `!=`, `<>`, `<`, `<=`, `>`, `>=`.
        case op(String)
        case leftParen, rightParen, comma
        case end
    }

    var kind: Kind
    var column: Int

    /// The keyword this token spells (lowercased), if it is a bare word.
    var keyword: String? {
        if case .word(let w) = kind { return w.lowercased() }
        return nil
    }

    /// Short description for error messages.
    var display: String {
        switch kind {
        case .word(let w): return "'\(w)'"
        case .backtickKey(let k): return "`\(k)`"
        case .doubleQuoted(let s): return "\"\(s)\""
        case .string(let s): return "'\(s)'"
        case .number(_, let text): return text
        case .op(let o): return "'\(o)'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .comma: return "','"
        case .end: return "the end of the filter"
        }
    }
}
