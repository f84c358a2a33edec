import Foundation
import Tracker

/// Number, duration and status formatting for people.
enum Fmt {
    /// Up to 4 significant digits; `-` for nil, `nan`/`inf` for non-finite values.
    static func number(_ d: Double?) -> String {
        guard let d else { return "-" }
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e6 { return String(Int64(d)) }
        let a = abs(d)
        if a >= 1e5 || a < 1e-3 { return CFormat.string("%.3e", d) }
        return CFormat.string("%.4g", d)
    }

    /// A signed difference (`+0.012`, `-3`).
    static func delta(_ d: Double?) -> String {
        guard let d else { return "-" }
        return (d > 0 ? "+" : "") + number(d)
    }

    /// `1h02m`, `3m05s`, `12.3s`; `-` when unknown.
    static func duration(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite, s >= 0 else { return "-" }
        if s < 60 { return CFormat.string("%.1fs", s) }
        let total = Int(s.rounded())
        if total < 3600 { return CFormat.string("%ldm%02lds", total / 60, total % 60) }
        if total < 86400 { return CFormat.string("%ldh%02ldm", total / 3600, total % 3600 / 60) }
        return CFormat.string("%ldd%02ldh", total / 86400, total % 86400 / 3600)
    }

    /// Bytes as `12.3 MB`.
    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n), u = 0
        while v >= 1000, u < units.count - 1 { v /= 1000; u += 1 }
        return u == 0 ? "\(n) B" : CFormat.string("%.1f ", v) + units[u]
    }

    static func looksNumeric(_ s: String) -> Bool {
        s == "-" || s == "nan" || s == "inf" || s == "-inf" || Double(s.utf8.contains(UInt8(ascii: "+")) ? s.replacingOccurrences(of: "+", with: "") : s) != nil
    }

    /// Status, coloured on a TTY (green finished, red failed/crashed/diverged, yellow running/interrupted).
    static func status(_ s: RunStatus, color: Bool = Console.useColor) -> String {
        guard color else { return s.rawValue }
        switch s {
        case .finished: return "\u{1B}[32m\(s.rawValue)\u{1B}[0m"
        case .running, .interrupted: return "\u{1B}[33m\(s.rawValue)\u{1B}[0m"
        case .failed, .crashed, .diverged: return "\u{1B}[31m\(s.rawValue)\u{1B}[0m"
        }
    }

    static func bold(_ s: String) -> String { "\u{1B}[1m\(s)\u{1B}[0m" }
    static func dim(_ s: String, color: Bool = Console.useColor) -> String { color ? "\u{1B}[2m\(s)\u{1B}[0m" : s }

    /// A section title for multi-part outputs (`tracker show`, `tracker diff`).
    static func heading(_ s: String, color: Bool = Console.useColor) -> String { color ? "\n" + bold(s) : "\n" + s }
}
