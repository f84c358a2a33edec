/// A value bound to, or read from, SQL.
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
}

extension SQLValue {
    static func int(_ v: Int) -> SQLValue { .integer(Int64(v)) }
    static func optional(_ v: String?) -> SQLValue { v.map { .text($0) } ?? .null }
    static func optional(_ v: Int?) -> SQLValue { v.map { .integer(Int64($0)) } ?? .null }
    static func optional(_ v: Double?) -> SQLValue { v.map { .real($0) } ?? .null }
}
