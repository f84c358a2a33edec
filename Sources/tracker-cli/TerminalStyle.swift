import Foundation
import Tracker

/// Terminal styling: status colours, bold, dim and section headings (numbers, durations
/// and times are `Format`'s, shared with the web UI and reports).
enum TerminalStyle {
    /// Status, coloured on a TTY (green finished, red failed/crashed/diverged, yellow running/interrupted, cyan queued).
    static func status(_ s: RunStatus, color: Bool = Console.useColor) -> String {
        guard color else { return s.rawValue }
        switch s {
        case .finished: return "\u{1B}[32m\(s.rawValue)\u{1B}[0m"
        case .running, .interrupted: return "\u{1B}[33m\(s.rawValue)\u{1B}[0m"
        case .failed, .crashed, .diverged: return "\u{1B}[31m\(s.rawValue)\u{1B}[0m"
        case .queued: return "\u{1B}[36m\(s.rawValue)\u{1B}[0m"
        }
    }

    static func bold(_ s: String) -> String { "\u{1B}[1m\(s)\u{1B}[0m" }
    static func dim(_ s: String, color: Bool = Console.useColor) -> String { color ? "\u{1B}[2m\(s)\u{1B}[0m" : s }

    /// A section title for multi-part outputs (`tracker show`, `tracker diff`).
    static func heading(_ s: String, color: Bool = Console.useColor) -> String { color ? "\n" + bold(s) : "\n" + s }
}
