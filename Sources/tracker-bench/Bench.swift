import ArgumentParser
import Foundation
import Tracker
import Trainer

/// `tracker-bench`: benchmark commands. Each prints its figure next to a peer measured
/// in the same run (see ../shared/peers). Run one at a time on a quiet machine:
/// `python3 ../shared/peers/quiet.py -- swift run -c release tracker-bench <name>`.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracker-bench",
        abstract: "Benchmarks of tracker against its peers.",
        subcommands: benchmarks)

    static func main() {
        BLAS.reexecWithQuietThreads()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// The median of measurements (the mean of the middle two for an even count; NaN for none).
func median(_ v: [Double]) -> Double {
    let s = v.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Makes a benchmark store: `fill` writes into a temporary file, which is then moved to
/// `path` (so a killed generation is never reused), and the time it took is printed.
func generateStore(at path: String, _ fill: (Store) throws -> Void) throws {
    let tmp = path + ".partial"
    for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: tmp + s) }
    let t0 = Date()
    do { try fill(try Store(path: tmp)) }
    for s in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
    try FileManager.default.moveItem(atPath: tmp, toPath: path)
    for s in ["-wal", "-shm"] { try? FileManager.default.moveItem(atPath: tmp + s, toPath: path + s) }
    print(String(format: "generated %@ in %.1f s", path, Date().timeIntervalSince(t0)))
}
