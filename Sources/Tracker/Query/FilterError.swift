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
        let line = filter.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        return "  \(line)\n  \(String(repeating: " ", count: max(0, column - 1)))^"
    }

    public var errorDescription: String? {
        "invalid filter: \(message) at column \(column)\n\(caretLines)"
    }
}
