import Foundation

/// A run an agent claimed from the queue (`Store.claimNextRun`): this process now holds
/// its lease and is the only one that may train it.
public struct RunClaim: Sendable, Equatable {
    /// The run as it was claimed.
    public var run: RunInfo
    /// True when the run had started before and stopped without finishing (an agent died
    /// or was preempted): it is to be resumed from its last checkpoint, not started afresh.
    public var resumes: Bool
    /// The holder before this claim (the agent that died), for a run that resumes.
    public var previous: ProcessHolder?

    public init(run: RunInfo, resumes: Bool, previous: ProcessHolder?) {
        self.run = run
        self.resumes = resumes
        self.previous = previous
    }
}

/// Where a queued run stands, as `tracker sweep status` shows it.
public enum QueueState: String, Sendable, CaseIterable, Codable {
    /// Waiting for an agent.
    case queued
    /// An agent trains it now (its holder is alive).
    case running
    /// It started, and its agent stopped (interrupted, or crashed: the process is gone or
    /// its lease expired); the next agent resumes it from its last checkpoint.
    case stopped
    /// Finished.
    case done
    /// Failed or diverged: agents do not train it again.
    case failed

    /// The queue state of a run whose derived status (`Liveness.readStatus`) is `status`.
    public init(status: RunStatus) {
        switch status {
        case .queued: self = .queued
        case .running: self = .running
        case .interrupted, .crashed: self = .stopped
        case .finished: self = .done
        case .failed, .diverged: self = .failed
        }
    }
}

/// One run of the queue: what `tracker sweep status` lists.
public struct QueuedRun: Sendable, Equatable {
    public var id: String
    public var experiment: String
    public var name: String
    public var state: QueueState
    /// The derived status (a running run whose holder is gone reads as crashed).
    public var status: RunStatus
    public var queuedAt: Double
    public var startedAt: Double?
    public var endedAt: Double?
    /// The process that holds or last held the run (pid@host and its last heartbeat).
    public var holder: ProcessHolder?

    public init(id: String, experiment: String, name: String, status: RunStatus, queuedAt: Double, startedAt: Double?,
                endedAt: Double?, holder: ProcessHolder?) {
        self.id = id
        self.experiment = experiment
        self.name = name
        self.state = QueueState(status: status)
        self.status = status
        self.queuedAt = queuedAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.holder = holder
    }
}
