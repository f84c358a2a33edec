/// Bounded reading of query parameters: every number has a range, every value a length cap,
/// so no URL can overflow arithmetic or hand the store an unbounded input.
extension UIRequest {
    /// The longest value any query parameter may have (a filter longer than this is refused
    /// before it reaches the parser).
    public static let maxValueLength = 8 * 1024

    /// The whole number in `name`, `fallback` when absent or blank; a 400 naming the range
    /// for anything else (signs, fractions, words, numbers out of range).
    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>, meaning: String = "") throws -> Int {
        guard let raw = value(name) else { return fallback }
        let text = raw.trimmingWhitespace()
        let digits = text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        // At most 18 digits always fits in Int, so Int() cannot overflow on what passes here.
        let leading = text.drop { $0 == "0" }
        guard digits, leading.count <= 18, let n = Int(leading.isEmpty ? "0" : String(leading)), range.contains(n) else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw UIError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)\(meaning) (got '\(shown)')")
        }
        return n
    }

    /// A 400 when any query parameter is longer than `maxValueLength` bytes.
    func checkValueLengths() throws {
        for (name, values) in query {
            if name.utf8.count > UIRequest.maxValueLength {
                throw UIError.badRequest("a query parameter name is longer than \(UIRequest.maxValueLength) bytes")
            }
            for v in values where v.utf8.count > UIRequest.maxValueLength {
                if name == "where" { throw UIError.badRequest("the filter (where) is longer than \(UIRequest.maxValueLength) bytes") }
                throw UIError.badRequest("the query parameter '\(name.prefix(40))' is longer than \(UIRequest.maxValueLength) bytes")
            }
        }
    }
}
