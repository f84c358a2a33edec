import Foundation

/// A filter that cannot be used: where (1-based column) and why, with the input and a caret.
///
/// ```
/// error: unknown field 'parms.lr' at column 1
///   parms.lr = 0.1
///   ^
/// ```
public struct FilterError: Error, LocalizedError, Equatable, Sendable {
    /// What went wrong, for callers that branch on it.
    public enum Kind: String, Sendable, Equatable {
        case unexpectedCharacter, unterminatedString, unterminatedKey, invalidNumber
        case unexpectedToken, unexpectedEnd, unknownField, unsupportedOperator, typeMismatch, invalidValue
        /// Over one of `FilterLimits`: too long, too many terms or values, nested too deep, a pattern too complex.
        case tooLarge, tooDeep, patternTooComplex
    }

    public var kind: Kind
    public var message: String
    /// 1-based column (in characters) of the offending token.
    public var column: Int
    /// The whole filter text.
    public var filter: String

    public init(_ kind: Kind, _ message: String, column: Int, filter: String) {
        self.kind = kind
        self.message = message
        self.column = column
        self.filter = filter
    }

    /// The input line and a caret under the column.
    public var caretLines: String {
        func flat(_ s: String) -> String { s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ") }
        let chars = Array(filter)
        guard chars.count > 120 else {
            return "  \(flat(filter))\n  \(String(repeating: " ", count: max(0, column - 1)))^"
        }
        // A huge filter is not echoed whole: 120 characters around the column are enough.
        let from = max(0, min(column - 1, chars.count) - 60), to = min(chars.count, from + 120)
        let prefix = from > 0 ? "…" : "", suffix = to < chars.count ? "…" : ""
        let caret = max(0, column - 1 - from + prefix.count)
        return "  \(prefix)\(flat(String(chars[from..<to])))\(suffix)\n  \(String(repeating: " ", count: caret))^"
    }

    public var errorDescription: String? {
        "invalid filter: \(message) at column \(column)\n\(caretLines)"
    }
}
