import Foundation
import Tracker

/// What a training loop tells whoever watches it (the CLI's progress line, tests).
public enum ProgressUpdate: Sendable {
    case started(runID: String, name: String, epochs: Int, stepsPerEpoch: Int, resumedAtStep: Int?)
    /// After each step; a reporter throttles as it likes.
    case step(runID: String, epoch: Int, step: Int, loss: Double, samplesPerSecond: Double)
    case epoch(runID: String, epoch: Int, step: Int, metrics: [String: Double])
    case event(runID: String, Event)
    case finished(runID: String, status: RunStatus, metrics: [String: Double])
}

/// Receives progress updates (called on the training thread).
public protocol ProgressReporter: AnyObject {
    func report(_ update: ProgressUpdate)
}

/// A reporter that ignores everything.
public final class SilentProgress: ProgressReporter {
    public init() {}
    public func report(_ update: ProgressUpdate) {}
}

/// Set from a signal handler; checked by the training loop before each step.
public final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var signal: Int32 = 0

    public init() {}

    /// Records that `signal` arrived (the first one wins).
    public func raise(_ signal: Int32) {
        lock.lock()
        if self.signal == 0 { self.signal = signal }
        lock.unlock()
    }

    /// The signal that arrived, or nil.
    public var raised: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return signal == 0 ? nil : signal
    }
}
