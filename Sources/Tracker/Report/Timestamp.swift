import Foundation

/// Unix times as text: ISO 8601 in UTC for JSON and CSV, local minutes for tables.
public enum Timestamp {
    /// `2025-11-29T13:56:07.250Z` (milliseconds), or nil for nil.
    public static func iso(_ t: Double?) -> String? {
        guard let t, t.isFinite else { return nil }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: t))
    }

    /// `2025-11-29 13:56` in the local time zone.
    public static func local(_ t: Double?) -> String {
        guard let t, t.isFinite else { return "-" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}
