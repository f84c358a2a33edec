/// RFC 4180 CSV text.
public enum CSV {
    /// A field, quoted when it holds a comma, quote or line break. Checked on UTF-8 bytes:
    /// `"\r\n"` is a single `Character` in Swift, equal to neither `"\r"` nor `"\n"`.
    public static func field(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Header and rows, one line each, newline-terminated.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = header.map(field).joined(separator: ",") + "\n"
        for r in rows { out += r.map(field).joined(separator: ",") + "\n" }
        return out
    }

    /// Shortest round-tripping text; `nan`, `inf`, `-inf` for non-finite values.
    public static func number(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        return "\(d)"
    }
}
