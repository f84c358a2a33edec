import ArgumentParser
import Foundation
import Tracker

/// A load generator: one run that writes synthetic metric points through the recording API.
/// Used by the multi-process and crash tests; hidden from help.
struct DebugWrite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-write", abstract: "Write synthetic metric points into one run (testing aid).", shouldDisplay: false)

    @OptionGroup var store: StoreOptions
    @Option var experiment = "load"
    @Option var name = "writer"
    @Option(help: "Points to write.") var points = 100_000
    @Option(help: "Points per background batch.") var batch = 4096
    @Option(help: "Flush (and print 'flushed N') every N points; 0 = only at the end.") var flushEvery = 0
    @Option(help: "Seconds to sleep after each flush.") var sleepAfterFlush = 0.0
    @Flag(help: "Do not finish the run (leave it 'running').") var noFinish = false

    func validate() throws {
        try OptionBounds.check(points, "points", OptionBounds.points)
        try OptionBounds.check(batch, "batch", OptionBounds.batch)
        try OptionBounds.check(flushEvery, "flush-every", OptionBounds.points)
        guard sleepAfterFlush.isFinite, (0...60).contains(sleepAfterFlush) else {
            throw ValidationError("--sleep-after-flush must be between 0 and 60 seconds")
        }
    }

    func run() throws {
        let store = try self.store.open()
        let rec = try store.startRun(RunStart(experiment: experiment, name: name, config: .object(["points": .int(Int64(points))]), seed: 0),
                                     batchSize: batch)
        Console.out("run \(rec.runID)")
        for i in 0..<points {
            rec.log("value", Double(i), step: i)
            if flushEvery > 0, (i + 1) % flushEvery == 0 {
                try rec.flush()
                Console.out("flushed \(i + 1)")
                if sleepAfterFlush > 0 { Thread.sleep(forTimeInterval: sleepAfterFlush) }
            }
        }
        if noFinish { try rec.flush() } else { try rec.finish(.finished) }
        Console.out("done \(points)")
    }
}
