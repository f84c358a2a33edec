import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who holds a run (or, later, a lease): the process id, the host it runs on and its last
/// heartbeat (seconds since 1970), as recorded in the store.
public struct ProcessHolder: Sendable, Equatable {
    public var pid: Int?
    public var host: String?
    public var heartbeat: Double?

    public init(pid: Int?, host: String?, heartbeat: Double?) {
        self.pid = pid
        self.host = host
        self.heartbeat = heartbeat
    }
}

/// Facts about processes, and the one rule that says when a holder is gone.
///
/// Readers never write `crashed`: they derive it with `readStatus` (in SQL through the
/// `tracker_run_status` function every connection registers), so `runs`, `show`, filters,
/// sorting, comparisons and the UI all see the same status without touching the file.
public enum Liveness {
    /// A holder whose heartbeat is older than this is gone, whatever its pid: the lease
    /// expiry. 60 s unless `TRACKER_LEASE_SECONDS` says otherwise (whole seconds, 2–86400;
    /// short ones let tests and small clusters take over a dead agent's run quickly). Every
    /// process that shares a store should use the same value.
    public static let staleAfter: Double = leaseSeconds(ProcessInfo.processInfo.environment["TRACKER_LEASE_SECONDS"])

    /// Seconds between heartbeats of a running recorder: 2, or a quarter of a shorter lease,
    /// so a live holder always beats several times before its lease could expire.
    public static let heartbeatInterval: Double = min(2, staleAfter / 4)

    /// The default lease expiry, and the range `TRACKER_LEASE_SECONDS` may set.
    public static let defaultLeaseSeconds: Double = 60
    public static let leaseSecondsRange: ClosedRange<Int> = 2...86_400

    /// The lease expiry `text` (the environment variable's value) sets: the default when
    /// unset, empty or outside `leaseSecondsRange` (a bad value must not make live runs
    /// read as crashed, nor dead ones live forever).
    static func leaseSeconds(_ text: String?) -> Double {
        guard let text, let n = Int(text.trimmingCharacters(in: .whitespaces)), leaseSecondsRange.contains(n) else { return defaultLeaseSeconds }
        return Double(n)
    }

    /// This machine's name, as recorded in `runs.host` (read once: it is asked per row).
    public static let hostName: String = {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "unknown" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    public static var pid: Int { Int(getpid()) }

    /// The `runs.host` of runs logged by MLflow clients (never a real host name: it has a space).
    public static let remoteClientHost = "mlflow client"

    /// The event that records a run crashed: its holder is gone. Stamped with the last
    /// heartbeat (`now` when there was none), like the run's end, so a copy of the run made
    /// before the crash was recorded (`tracker sync`) holds the very same event.
    public static func crashEvent(_ holder: ProcessHolder, now: Double = Date().timeIntervalSince1970) -> Event {
        Event(kind: "crashed", level: .error,
              message: "the process (pid \(holder.pid.map(String.init) ?? "?") on \(holder.host ?? "?")) stopped without finishing the run",
              createdAt: holder.heartbeat ?? now)
    }

    /// This process as a holder, with a heartbeat of `now`.
    public static func current(now: Double = Date().timeIntervalSince1970) -> ProcessHolder {
        ProcessHolder(pid: pid, host: hostName, heartbeat: now)
    }

    /// Whether a process with this pid exists on this host (EPERM means it exists).
    public static func processExists(_ pid: Int) -> Bool {
        guard pid > 0, let p = pid_t(exactly: pid) else { return false }
        if kill(p, 0) == 0 { return true }
        return errno == EPERM
    }

    /// Whether `holder` is provably gone: its heartbeat is older than `staleAfter`, or it ran
    /// on this host and its pid no longer exists, or it never recorded a heartbeat and cannot
    /// be checked here. A live pid on this host with a fresh heartbeat is never gone; a holder
    /// on another host is gone only by its heartbeat.
    public static func isProvablyDead(_ holder: ProcessHolder, now: Double = Date().timeIntervalSince1970) -> Bool {
        // A run an MLflow client logs through `tracker server` has no process here to
        // check: as in MLflow, it stays running until the client ends it.
        if holder.host == remoteClientHost { return false }
        if let heartbeat = holder.heartbeat, heartbeat.isFinite, now - heartbeat > staleAfter { return true }
        if let host = holder.host, host == hostName, let pid = holder.pid { return !processExists(pid) }
        return holder.heartbeat == nil
    }

    /// The status a reader reports for a stored status: `running` whose holder is provably
    /// dead reads as `crashed`; every other status is as stored.
    public static func readStatus(_ stored: String, holder: ProcessHolder, now: Double = Date().timeIntervalSince1970) -> String {
        guard stored == RunStatus.running.rawValue, isProvablyDead(holder, now: now) else { return stored }
        return RunStatus.crashed.rawValue
    }

    /// The SQL function (registered on every connection) that applies `readStatus` to a row.
    static let statusFunctionName = "tracker_run_status"

    /// The derived status of the run row aliased `alias` (`r` in the query code).
    static func statusSQL(_ alias: String = "r") -> String {
        "\(statusFunctionName)(\(alias).status, \(alias).pid, \(alias).host, \(alias).heartbeat_at)"
    }

    /// The end time of the run row aliased `alias`: a run that reads as crashed ended at its
    /// last heartbeat.
    static func endedAtSQL(_ alias: String = "r") -> String {
        "coalesce(\(alias).ended_at, CASE WHEN \(statusSQL(alias)) = 'crashed' THEN \(alias).heartbeat_at END)"
    }
}
