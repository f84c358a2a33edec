#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unix times as text: ISO 8601 in UTC for JSON and CSV, local minutes for tables.
///
/// Formatted with `gmtime_r`/`localtime_r` rather than Foundation's date formatters, whose
/// ICU set-up costs more than listing a thousand runs.
public enum Timestamp {
    /// `2025-11-29T13:56:07.250Z` (milliseconds), or nil for nil.
    public static func iso(_ t: Double?) -> String? {
        guard let t, t.isFinite else { return nil }
        var millis = Int64((t * 1000).rounded())
        let seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        millis -= Int64(seconds) * 1000
        var parts = tm()
        var s = seconds
        guard gmtime_r(&s, &parts) != nil else { return nil }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday)))T"
            + "\(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min))):\(pad(Int(parts.tm_sec))).\(pad(Int(millis), 3))Z"
    }

    /// `2025-11-29 13:56` in the local time zone.
    public static func local(_ t: Double?) -> String {
        guard let t, t.isFinite else { return "-" }
        var s = time_t(t.rounded(.down))
        var parts = tm()
        guard localtime_r(&s, &parts) != nil else { return "-" }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday))) \(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min)))"
    }

    private static func pad(_ v: Int, _ width: Int = 2) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
