import Foundation

/// How long this process's recorders spent writing to the store (batches, checkpoints,
/// finishing), summed over all of them, and how long training waited for the store: what
/// `tracker agent` reports as its recording cost. Most writes overlap training (batches are
/// written on the recorder's own queue); `heldSeconds` is the part that did not.
public enum RecorderClock {
    private static let total = Accumulator()
    private static let held = Accumulator()

    /// Seconds spent in store writes so far (on any thread).
    public static var seconds: Double { total.value }

    /// Seconds the callers of recorders (the training loop) waited for the store: flushes,
    /// checkpoints, finishing, params, a full write queue, starting a claimed run.
    public static var heldSeconds: Double { held.value }

    /// Runs `body`, a call that holds its caller until the store is done, and adds its duration.
    static func holding<T>(_ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { held.add(Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e9) }
        return try body()
    }

    /// Runs `body` and adds its duration.
    static func timing<T>(_ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { total.add(Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e9) }
        return try body()
    }

    private final class Accumulator: @unchecked Sendable {
        private let lock = NSLock()
        private var sum = 0.0  // guarded by lock
        func add(_ s: Double) { lock.lock(); sum += s; lock.unlock() }
        var value: Double { lock.lock(); defer { lock.unlock() }; return sum }
    }
}
