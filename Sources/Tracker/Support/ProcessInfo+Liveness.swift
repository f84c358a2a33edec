import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about processes used for run liveness.
enum Liveness {
    /// Seconds between heartbeats of a running recorder.
    static let heartbeatInterval: Double = 2
    /// A running run whose heartbeat is older than this reads as crashed, whatever its pid.
    static let staleAfter: Double = 60

    static var hostName: String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "unknown" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static var pid: Int { Int(getpid()) }

    /// Whether a process with this pid exists on this host (EPERM means it exists).
    static func processExists(_ pid: Int) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid_t(pid), 0) == 0 { return true }
        return errno == EPERM
    }

    /// Whether a run recorded as running is really gone.
    static func isGone(pid: Int?, host: String?, heartbeat: Double?, now: Double) -> Bool {
        if let heartbeat, now - heartbeat > staleAfter { return true }
        if let host, host == hostName, let pid { return !processExists(pid) }
        return heartbeat == nil
    }
}
