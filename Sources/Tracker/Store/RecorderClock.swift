import Foundation

/// How long this process's recorders spent writing to the store (batches, checkpoints,
/// finishing), summed over all of them: what `tracker agent` reports as its recording cost.
/// Most of it overlaps training (batches are written on the recorder's own queue).
public enum RecorderClock {
    private static let total = Accumulator()

    /// Seconds spent in store writes so far.
    public static var seconds: Double { total.value }

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
