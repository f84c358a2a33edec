import ArgumentParser

/// Ranges of the integer options: a value outside is a usage error naming the option, never
/// an overflow or a huge allocation further down (`plot --width 9223372036854775807`).
enum OptionBounds {
    static let chartSide = 50...10_000
    static let columns = 20...1_000
    static let limit = 0...1_000_000
    static let epoch = 0...1_000_000
    static let points = 0...100_000_000
    static let batch = 1...1_000_000
    static let workers = 1...8

    /// Throws a `ValidationError` when `value` is set and outside `range`.
    static func check(_ value: Int?, _ option: String, _ range: ClosedRange<Int>) throws {
        guard let value, !range.contains(value) else { return }
        throw ValidationError("--\(option) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
    }
}
