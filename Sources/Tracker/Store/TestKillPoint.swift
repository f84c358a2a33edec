import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A test-only hook that makes the process SIGKILL itself at a named moment, so tests can
/// prove that every record is exact after a `kill -9` at that very moment.
///
/// Set `TRACKER_TEST_KILL_AT` to one of:
/// - `checkpoint:N:PHASE`: at the Nth checkpoint save of this process (1-based), at PHASE:
///   `before` (points of the step not yet flushed), `flushed` (points durable, checkpoint not
///   started), `blob` (inside the checkpoint transaction, blob written), `rows` (inside it,
///   rows, pruning, events and status written, not committed), `committed` (after commit);
/// - `step:K`: after the points of training step K were logged (before they are flushed);
/// - `sync:N`: inside the transaction that copies the Nth run of a `tracker sync`, every row
///   written, not committed.
///
/// Unset (always, outside tests) it costs one comparison.
public enum TestKillPoint {
    /// The moments of a checkpoint save, in order.
    public enum Phase: String, CaseIterable, Sendable {
        case before, flushed, blob, rows, committed
    }

    enum Target: Equatable {
        case checkpoint(Int, Phase)
        case step(Int)
        case sync(Int)
    }

    static let target: Target? = parse(ProcessInfo.processInfo.environment["TRACKER_TEST_KILL_AT"])

    static func parse(_ text: String?) -> Target? {
        guard let parts = text?.split(separator: ":").map(String.init) else { return nil }
        if parts.count == 3, parts[0] == "checkpoint", let n = Int(parts[1]), let phase = Phase(rawValue: parts[2]) {
            return .checkpoint(n, phase)
        }
        if parts.count == 2, parts[0] == "step", let k = Int(parts[1]) { return .step(k) }
        if parts.count == 2, parts[0] == "sync", let n = Int(parts[1]) { return .sync(n) }
        return nil
    }

    private static let saves = Counter()

    /// Counts checkpoint saves; returns the number of this one (1-based).
    static func nextSave() -> Int { target == nil ? 0 : saves.increment() }

    /// Kills the process when `phase` of save number `save` is the configured target.
    static func reached(save: Int, _ phase: Phase) {
        if let target, target == .checkpoint(save, phase) { die() }
    }

    /// Kills the process when training step `step` is the configured target.
    public static func reached(step: Int) {
        if let target, target == .step(step) { die() }
    }

    /// Kills the process when copying the `number`th run of a sync is the configured target.
    static func reached(syncedRun number: Int) {
        if let target, target == .sync(number) { die() }
    }

    private static func die() {
        kill(getpid(), SIGKILL)
        // SIGKILL cannot be caught; this only runs if delivery is delayed.
        while true { pause() }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0  // guarded by lock
        func increment() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
}
