import Foundation

/// Who trains a run: the process (pid on host) that holds its lease and its last heartbeat —
/// a `ProcessHolder`, judged by the same liveness rule as every reader's derived status.
///
/// The lease lives in the run's own row (`runs.pid`, `host`, `heartbeat_at`, with
/// `status = 'running'`). A recorder renews it every heartbeat and checks it in every
/// checkpoint transaction; `tracker resume` takes it over only from a holder that is
/// provably gone (same host and its pid no longer exists, or its heartbeat expired).
public typealias RunLease = ProcessHolder

extension ProcessHolder {
    /// Whether the holder is provably gone (the one rule: `Liveness.isProvablyDead`).
    public func isGone(now: Double = Date().timeIntervalSince1970) -> Bool {
        Liveness.isProvablyDead(self, now: now)
    }

    /// Whether this process holds it.
    var isOurs: Bool { pid == Liveness.pid && host == Liveness.hostName }

    /// `pid 123@host, last heartbeat 3 s ago`.
    public func describe(now: Double = Date().timeIntervalSince1970) -> String {
        let who = "pid \(pid.map(String.init) ?? "?")@\(host ?? "?")"
        guard let heartbeat else { return who + ", no heartbeat" }
        let ago = max(0, now - heartbeat)
        return who + ", last heartbeat " + (ago < 120 ? "\(Int(ago.rounded())) s ago" : "\(Int((ago / 60).rounded())) min ago")
    }
}

/// Why a run cannot be trained (or go on being trained) by this process.
public enum RunLeaseError: Error, LocalizedError, Equatable, Sendable {
    /// Another live process trains it.
    case held(run: String, holder: String)
    /// This process lost the lease to another (its heartbeat had expired).
    case lost(run: String, holder: String)
    /// The run's row disappeared from the store while it was being trained.
    case vanished(run: String)
    /// A finished run is never trained again.
    case finished(run: String)
    /// `tracker delete` of a run that is training.
    case deleteWhileTraining(run: String, holder: String)

    public var errorDescription: String? {
        switch self {
        case .held(let run, let holder):
            return "run \(run) is being trained by \(holder); only one process may train a run. Wait for it to end, or stop it (Ctrl-C checkpoints it) and resume then."
        case .lost(let run, let holder):
            return "run \(run) was taken over by \(holder) after this process's heartbeat expired; this process stopped training it and recorded nothing more."
        case .vanished(let run):
            return "run \(run) was removed from the store while it was training (deleted and purged); training stopped and nothing more was recorded."
        case .finished(let run):
            return "run \(run) is finished; only a stopped run (interrupted, crashed, failed, diverged) can be resumed. Train it again with: tracker rerun \(run)"
        case .deleteWhileTraining(let run, let holder):
            return "run \(run) is still training (\(holder)); stop it first (Ctrl-C checkpoints it), or pass --force to hide it now and purge it at the first `tracker gc` after it ends."
        }
    }
}
