#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers, durations, sizes and times as text for people and files: one rule each, shared
/// by the CLI's tables, the web UI, reports and charts.
///
/// Times go through `gmtime_r`/`localtime_r` rather than Foundation's date formatters, whose
/// ICU set-up costs more than listing a thousand runs; numbers through `CFormat` (locale-free).
public enum Format {
    /// What a missing value prints as in plain text (the web UI passes its own dash).
    public static let missing = "-"

    /// Up to 4 significant digits; integers below 10⁶ in full; exponent form below 10⁻³ and
    /// from 10⁵; `nan`, `inf`, `-inf` for non-finite values.
    public static func number(_ d: Double?, missing: String = Format.missing) -> String {
        guard let d else { return missing }
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e6 { return String(Int64(d)) }
        let a = abs(d)
        if a >= 1e5 || a < 1e-3 { return CFormat.string("%.3e", d) }
        return CFormat.string("%.4g", d)
    }

    /// A signed difference (`+0.012`, `-3`).
    public static func delta(_ d: Double?, missing: String = Format.missing) -> String {
        guard let d else { return missing }
        return (d > 0 ? "+" : "") + number(d)
    }

    /// `12.3s`, `3m05s`, `1h02m`, `2d03h` (rounded to the unit shown); `missing` when
    /// unknown, negative or not finite.
    public static func duration(_ seconds: Double?, missing: String = Format.missing) -> String {
        guard let s = seconds, s.isFinite, s >= 0 else { return missing }
        if s < 60 { return CFormat.string("%.1fs", s) }
        // Past 2⁶² seconds (far beyond any run) the day count is capped, not trapped.
        let total = s < 4e18 ? Int(s.rounded()) : Int(4e18)
        if total < 3600 { return CFormat.string("%ldm%02lds", total / 60, total % 60) }
        if total < 86400 { return CFormat.string("%ldh%02ldm", total / 3600, total % 3600 / 60) }
        return CFormat.string("%ldd%02ldh", total / 86400, total % 86400 / 3600)
    }

    /// `12 ms` (whole milliseconds), for costs too small for `duration`; `missing` when
    /// negative or not finite.
    public static func milliseconds(_ seconds: Double, missing: String = Format.missing) -> String {
        guard seconds.isFinite, seconds >= 0 else { return missing }
        return CFormat.string("%.0f ms", seconds * 1000)
    }

    /// Bytes as `12.3 MB` (powers of 1000).
    public static func bytes(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n), u = 0
        while v >= 1000, u < units.count - 1 { v /= 1000; u += 1 }
        return u == 0 ? "\(n) B" : CFormat.string("%.1f ", v) + units[u]
    }

    /// A chart coordinate with one decimal (`12.3`, `-0.5`), fast: SVG charts and maps print
    /// thousands. Non-finite or absurd values (beyond ±10¹⁵) print as `0`.
    public static func coordinate(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e15 else { return "0" }
        let tenths = Int64((v * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// `2025-11-29T13:56:07.250Z` (UTC, milliseconds), for JSON and CSV; nil for nil.
    public static func isoTime(_ t: Double?) -> String? {
        guard let t, t.isFinite, abs(t) < 1e15 else { return nil }
        var millis = Int64((t * 1000).rounded())
        let seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        millis -= Int64(seconds) * 1000
        var parts = tm()
        var s = seconds
        guard gmtime_r(&s, &parts) != nil else { return nil }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday)))T"
            + "\(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min))):\(pad(Int(parts.tm_sec))).\(pad(Int(millis), 3))Z"
    }

    /// `2025-11-29 13:56` in the local time zone, for tables.
    public static func localTime(_ t: Double?, missing: String = Format.missing) -> String {
        guard let t, t.isFinite, abs(t) < 1e15 else { return missing }
        var s = time_t(t.rounded(.down))
        var parts = tm()
        guard localtime_r(&s, &parts) != nil else { return missing }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday))) \(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min)))"
    }

    private static func pad(_ v: Int, _ width: Int = 2) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
