/// Splits filter text into tokens; rejects characters outside the language.
///
/// Words are a letter or `_`, then letters, digits and `_./-` (dots included, so `params.optimizer.lr` is one
/// word); strings are single-quoted with `''` for a quote; keys may be quoted with
/// backticks (` `` ` for a backtick) or double quotes.
struct FilterLexer {
    let text: String
    private let chars: [Character]
    private var i = 0

    init(_ text: String) {
        self.text = text
        chars = Array(text)
    }

    /// All tokens, ending with `.end`.
    static func tokens(_ text: String) throws -> [FilterToken] {
        var lexer = FilterLexer(text)
        var out: [FilterToken] = []
        while true {
            let t = try lexer.next()
            out.append(t)
            if t.kind == .end { return out }
        }
    }

    private func error(_ kind: FilterError.Kind, _ message: String, at index: Int) -> FilterError {
        FilterError(kind, message, column: index + 1, filter: text)
    }

    private static func isWordStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
    private static func isWordPart(_ c: Character) -> Bool {
        isWordStart(c) || (c.isASCII && c.isNumber) || c == "." || c == "/" || c == "-"
    }
    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    mutating func next() throws -> FilterToken {
        while i < chars.count, chars[i].isWhitespace { i += 1 }
        let start = i
        guard i < chars.count else { return FilterToken(kind: .end, column: start + 1) }
        let c = chars[i]
        func token(_ kind: FilterToken.Kind) -> FilterToken { FilterToken(kind: kind, column: start + 1) }
        switch c {
        case "(": i += 1; return token(.leftParen)
        case ")": i += 1; return token(.rightParen)
        case ",": i += 1; return token(.comma)
        case "'": return token(.string(try quoted("'", kind: .unterminatedString, what: "string")))
        case "\"": return token(.doubleQuoted(try quoted("\"", kind: .unterminatedString, what: "double-quoted text")))
        case "`": return token(.backtickKey(try quoted("`", kind: .unterminatedKey, what: "backtick-quoted key")))
        case "=", "!", "<", ">":
            i += 1
            if i < chars.count, (chars[i] == "=" || (c == "<" && chars[i] == ">")) { i += 1 }
            let op = String(chars[start..<i])
            if op == "!" { throw error(.unexpectedCharacter, "'!' must be followed by '=' (write !=)", at: start) }
            return token(.op(op))
        case "." where i + 1 < chars.count && Self.isWordStart(chars[i + 1]):
            // A suffix after a quoted key: `metrics.`val.acc`.max`.
            i += 1
            while i < chars.count, Self.isWordPart(chars[i]) { i += 1 }
            return token(.word(String(chars[start..<i])))
        default:
            if Self.isWordStart(c) {
                while i < chars.count, Self.isWordPart(chars[i]) { i += 1 }
                return token(.word(String(chars[start..<i])))
            }
            if Self.isDigit(c) || ((c == "-" || c == "+" || c == ".") && i + 1 < chars.count && (Self.isDigit(chars[i + 1]) || chars[i + 1] == ".")) {
                return try number()
            }
            throw error(.unexpectedCharacter, "unexpected character '\(c)'", at: start)
        }
    }

    /// Reads a quoted run; a doubled quote character stands for itself.
    private mutating func quoted(_ q: Character, kind: FilterError.Kind, what: String) throws -> String {
        let start = i
        i += 1
        var out = ""
        while i < chars.count {
            if chars[i] == q {
                if i + 1 < chars.count, chars[i + 1] == q { out.append(q); i += 2; continue }
                i += 1
                return out
            }
            out.append(chars[i])
            i += 1
        }
        throw error(kind, "unterminated \(what) (add the closing \(q))", at: start)
    }

    private mutating func number() throws -> FilterToken {
        let start = i
        if chars[i] == "-" || chars[i] == "+" { i += 1 }
        while i < chars.count, Self.isDigit(chars[i]) || chars[i] == "." { i += 1 }
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            i += 1
            if i < chars.count, chars[i] == "-" || chars[i] == "+" { i += 1 }
            while i < chars.count, Self.isDigit(chars[i]) { i += 1 }
        }
        // A number glued to letters (`0.5abc`) is a typo, not two tokens.
        while i < chars.count, Self.isWordPart(chars[i]) { i += 1 }
        let text = String(chars[start..<i])
        guard let value = Double(text), value.isFinite else {
            throw error(.invalidNumber, "invalid number '\(text)'", at: start)
        }
        return FilterToken(kind: .number(value, text), column: start + 1)
    }
}
