/// How many samples a split holds out (`data.validation`, `data.test`): a fraction in
/// (0, 1) of the part it is taken from, or a sample count.
///
/// Written as a plain number in configs; integer and float literals build one in code
/// (`test: 100`, `validation: 0.2`).
public enum HoldOut: Sendable, Equatable, Codable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    case fraction(Double)
    case count(Int)

    public init(integerLiteral value: Int) { self = .count(value) }
    public init(floatLiteral value: Double) { self = .fraction(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let count = try? container.decode(Int.self) { self = .count(count); return }
        guard let fraction = try? container.decode(Double.self) else {
            let key = decoder.codingPath.last?.stringValue ?? "validation"
            throw DataError.invalidSpec(key: key, reason: "must be a fraction in (0, 1) or a sample count")
        }
        self = .fraction(fraction)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .fraction(f): try container.encode(f)
        case let .count(n): try container.encode(n)
        }
    }

    /// Samples held out of `total`.
    public func count(of total: Int) -> Int {
        switch self {
        case let .fraction(f): return Int((f * Double(total)).rounded())
        case let .count(n): return n
        }
    }

    /// The reason this value is not a valid split, or nil when it is one.
    func problem(key: String) -> String? {
        switch self {
        case let .fraction(f) where !(f > 0 && f < 1): return "as a fraction must be in (0, 1), got \(f)"
        case let .count(n) where n < 1: return "as a count must be ≥ 1, got \(n) (leave '\(key)' out for none)"
        default: return nil
        }
    }
}
