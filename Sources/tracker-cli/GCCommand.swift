import ArgumentParser
import Tracker

/// `tracker gc`: purge soft-deleted runs and orphaned blobs, then vacuum.
struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Purge soft-deleted runs and checkpoint blobs nothing refers to, then vacuum the file.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let store = try self.store.openExisting()
        // Deleted runs still training (delete --force) are kept until their trainer ends.
        let training = try store.deletedRunsStillTraining()
        let report = try store.collectGarbage()
        let removed = report.runs.filter { !training.contains($0) }
        Console.out("removed \(removed.count) deleted run\(removed.count == 1 ? "" : "s")\(removed.isEmpty ? "" : ": " + removed.joined(separator: ", "))")
        if !training.isEmpty { Console.out("kept \(training.count) deleted run\(training.count == 1 ? "" : "s") still training, purged after they end: \(training.joined(separator: ", "))") }
        Console.out("removed \(report.blobs) orphaned blob\(report.blobs == 1 ? "" : "s")")
        Console.out("database \(Format.bytes(report.bytesBefore)) → \(Format.bytes(report.bytesAfter)) after vacuum")
    }
}
